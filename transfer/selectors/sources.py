"""Reading an import's uploaded files back, chunk by chunk, as the records of its format."""

import io
import tempfile
from collections.abc import Iterator

from ..formats import jira_csv, jira_json, streaming, tabular, trello
from ..formats.records import FORMATS, SourceError, SourceItem
from ..models import ImportBatch, ImportChunk, ImportFile

SPOOL_BYTES = 8 * 1024 * 1024


class ChunkReader(io.RawIOBase):
    """A stored file as a binary stream: one query per chunk, one chunk in memory at a time."""

    def __init__(self, file: ImportFile):
        self.file_id = file.pk
        self.count = ImportChunk.objects.filter(file_id=file.pk).count()
        self.position = 0
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer and self.position < self.count:
            self.buffer = bytes(
                ImportChunk.objects.filter(file_id=self.file_id, position=self.position)
                .values_list("data", flat=True)
                .get()
            )
            self.position += 1
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def binary(file: ImportFile) -> io.BufferedReader:
    return io.BufferedReader(ChunkReader(file), buffer_size=256 * 1024)


def text(file: ImportFile) -> io.TextIOWrapper:
    """The file as text: UTF-8, a byte-order mark dropped, newlines left to the CSV reader."""
    return io.TextIOWrapper(binary(file), encoding="utf-8-sig", errors="replace", newline="")


def seekable(file: ImportFile):
    """A seekable copy (in memory up to 8 MB, then on disk) for readers that need one (XLSX is a zip)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the caller closes it)
    stream = binary(file)
    while block := stream.read(1024 * 1024):
        spool.write(block)
    spool.seek(0)
    return spool


class JsonBytes(io.RawIOBase):
    """A stored JSON file for the streaming parser: decoded as `text` does (UTF-8, a byte-order mark
    dropped, bad bytes replaced), escaped NULs (\\u0000: valid JSON, but no PostgreSQL text can hold
    one) dropped, and encoded back to UTF-8, one block at a time."""

    ESCAPE = "\\u0000"

    def __init__(self, file: ImportFile):
        self.stream = text(file)
        self.tail = ""
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.pending:
            block = self.stream.read(256 * 1024)
            data = self.tail + block
            if block:
                # An escape cut by the block's end is completed by the next block.
                keep = len(self.ESCAPE) - 1
                data, self.tail = data[:-keep], data[-keep:]
            else:
                self.tail = ""
            self.pending = data.replace(self.ESCAPE, "").encode()
            if not block:
                break
        size = min(len(target), len(self.pending))
        target[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def json_file(file: ImportFile) -> streaming.JsonFile:
    """The file for the JSON readers: each `open()` streams it again from the start."""
    return streaming.JsonFile(name=file.name, open=lambda: io.BufferedReader(JsonBytes(file), 256 * 1024))


def batch_files(batch: ImportBatch) -> list[ImportFile]:
    return list(batch.files.order_by("position", "id"))


def table_rows(batch: ImportBatch) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of a generic table (the header as row 0)."""
    file = batch_files(batch)[0]
    if batch.format == "xlsx":
        with seekable(file) as spool:
            yield from tabular.xlsx_rows(spool)
    else:
        yield from tabular.csv_rows(text(file))


def source_items(batch: ImportBatch) -> Iterator[SourceItem]:
    """The items of an import's files, streamed, for the Jira, Trello and generic item formats.

    A file of the right kind but the wrong shape (a number where an object belongs) is a SourceError
    naming the format, never a crash.
    """
    try:
        yield from _source_items(batch)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
        raise SourceError(
            f"The file is not shaped like a {FORMATS.get(batch.format, batch.format)} ({type(error).__name__}: "
            f"{str(error)[:200]}). Check that it is the export the format names."
        ) from None


def _source_items(batch: ImportBatch) -> Iterator[SourceItem]:
    if batch.format == "jira_csv":
        yield from jira_csv.read(text(batch_files(batch)[0]))
    elif batch.format == "jira_json":
        yield from jira_json.read([json_file(f) for f in batch_files(batch)])
    elif batch.format == "trello":
        include = bool(batch.mapping.get("include_archived"))
        for file in batch_files(batch):
            yield from trello.read(json_file(file), include_archived=include)
    else:
        rows = table_rows(batch)
        header = next(rows, (0, []))[1]
        columns = batch.mapping.get("columns") or {}
        for number, cells in rows:
            if not any(c.strip() for c in cells if isinstance(c, str)):
                continue
            yield tabular.item_of(tabular.record_of(header, columns, number, cells), number)
