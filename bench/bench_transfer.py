"""Imports and the workspace backup at scale, on PostgreSQL, each next to a baseline of the same run.

1. A 50,000-row Jira "CSV (all fields)" export (repeated Labels / Sprint / Comment columns, epics
   and their stories, LexoRank order unlike the file's) imported through the whole machinery (read
   from the stored chunks, mapped, validated, created through the backlog's bulk service, parented,
   reordered, source keys recorded), next to a PostgreSQL `COPY` of the same file's columns into a
   staging table. The import runs in a child process, whose peak resident memory is reported next
   to that of a child that only starts Django: the file is streamed, so the difference stays small.
2. Trello boards and Jira JSON search pages of 5,000 and 50,000 items (bench/transfer_json.py): the
   streamed reader's peak (tracemalloc) next to `json.loads` of the same files, and the import's
   peak resident memory.
3. A workspace of 100,000 items exported (JSON lines, streamed to a file) and imported into a new
   workspace, next to `COPY … TO` and `COPY … FROM` of the same items' rows.

Works in its own throw-away database (created and dropped here); never touches real data.
Run: `DATABASE_URL=postgres://… python -m bench transfer` (BENCH_TRANSFER_ROWS, BENCH_TRANSFER_ITEMS,
BENCH_TRANSFER_JSON_SIZES="5000,50000", BENCH_TRANSFER_PARTS="csv,json,workspace" to run some of them only).
"""

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.transfer_json import json_imports, read_peaks

ROWS = int(os.environ.get("BENCH_TRANSFER_ROWS", "50000"))
ITEMS = int(os.environ.get("BENCH_TRANSFER_ITEMS", "100000"))
PARTS = set(os.environ.get("BENCH_TRANSFER_PARTS", "csv,json,workspace").split(","))
ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "Summary", "Issue key", "Issue id", "Parent id", "Issue Type", "Status", "Project key", "Priority", "Assignee",
    "Reporter", "Created", "Updated", "Due date", "Labels", "Labels", "Description", "Sprint", "Sprint",
    "Custom field (Epic Link)", "Custom field (Rank)", "Custom field (Story Points)", "Comment", "Comment",
    "Status Category",
]  # fmt: skip
STATUSES = [("To Do", "To Do"), ("In Progress", "In Progress"), ("In Review", "In Progress"), ("Done", "Done")]


def _lexorank(n: int) -> str:
    return "0|" + "".join("0123456789abcdefghijklmnopqrstuvwxyz"[(n // 36**i) % 36] for i in range(5, -1, -1)) + ":"


def write_jira_csv(path: Path, rows: int) -> None:
    rng = random.Random(42)
    order = list(range(rows))
    rng.shuffle(order)  # the backlog order differs from the file's
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        epic = None
        for n in range(1, rows + 1):
            is_epic = n % 50 == 1
            status, category = STATUSES[rng.randrange(4)]
            if is_epic:
                epic = n
            description = (
                f"h2. Goal\nAs a shopper I want feature {n} so that I pay faster.\n\n* first\n* second\n"
                "{code}print('hello'){code}"
            )
            writer.writerow([
                f"Feature {n}: {'epic' if is_epic else 'story'} with a descriptive summary", f"BEN-{n}", str(10000 + n),
                "" if is_epic else str(10000 + epic), "Epic" if is_epic else rng.choice(["Story", "Bug", "Task"]),
                status, "BEN", "Medium", "", "", "12/Nov/25 3:04 PM", "12/Nov/25 3:04 PM", "",
                "payments", "q4" if n % 3 else "", description,
                f"Sprint {n % 20}", f"Sprint {n % 20 + 1}" if n % 4 == 0 else "",
                "", _lexorank(order[n - 1] * 7 + 1), str(rng.choice([1, 2, 3, 5, 8])) if not is_epic else "",
                f"12/Nov/25 3:04 PM;557058:aaa;Looks good for {n}.", "", category,
            ])  # fmt: skip


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _child(mode: str, **kwargs) -> dict:
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": "", "DEBUG": "false"}
    args = [sys.executable, "-m", "bench.bench_transfer", "--child", mode, json.dumps(kwargs)]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_main(mode: str, kwargs: dict) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmhub.settings")
    django.setup()
    result: dict = {}
    started = time.perf_counter()
    if mode == "import":
        from django.contrib.auth import get_user_model

        from transfer.models import ImportBatch
        from transfer.services.runs import import_execute

        batch = ImportBatch.objects.select_related("product__workspace").get(pk=kwargs["batch_id"])
        actor = get_user_model().objects.get(pk=kwargs["actor_id"])
        report = import_execute(batch=batch, actor=actor, dry_run=False)
        result["created"] = report.created
    elif mode == "read":
        from transfer.models import ImportBatch

        result.update(read_peaks(ImportBatch.objects.select_related("product").get(pk=kwargs["batch_id"])))
    elif mode == "export":
        from transfer.selectors.backup import workspace_export_lines
        from workspaces.models import Workspace

        with open(kwargs["path"], "w", encoding="utf-8") as out:
            for line in workspace_export_lines(workspace=Workspace.objects.get(pk=kwargs["workspace_id"])):
                out.write(line)
    elif mode == "restore":
        from transfer.services.backup import workspace_import

        with open(kwargs["path"], encoding="utf-8") as lines:
            workspace, counts = workspace_import(lines=lines, name="Restored")
        result["items"] = counts.get("backlog.backlogitem", 0)
    result["seconds"] = time.perf_counter() - started
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _copy_baseline(path: Path) -> float:
    from django.db import connection

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE bench_jira_staging ({columns})")
        started = time.perf_counter()
        with path.open(encoding="utf-8-sig") as source:
            cursor.cursor.copy_expert("COPY bench_jira_staging FROM STDIN WITH (FORMAT csv, HEADER true)", source)
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_jira_staging")
        assert cursor.fetchone()[0] == ROWS
        cursor.execute("DROP TABLE bench_jira_staging")
    return elapsed


def _upload(path: Path):
    """A file on disk as an upload (name, size, chunks) without reading it whole."""

    class Upload:
        name = path.name
        size = path.stat().st_size

        @staticmethod
        def chunks(chunk_size):
            with path.open("rb") as source:
                while block := source.read(chunk_size):
                    yield block

    return Upload


def _json_imports(tmp: Path) -> None:
    from tests import factories as f
    from workspaces.models import Role

    user = f.UserFactory(username="bench-json")
    workspace = f.WorkspaceFactory(name="Bench JSON")
    f.MembershipFactory(workspace=workspace, user=user, role=Role.ADMIN)
    json_imports(tmp, _child, _upload, lambda key: f.ProductFactory(workspace=workspace, key=key), user)


def _csv_import(tmp: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401 (documents the upload type)

    from tests import factories as f
    from transfer.services.batches import import_batch_create
    from workspaces.models import Role

    path = tmp / "jira.csv"
    write_jira_csv(path, ROWS)
    size_mb = path.stat().st_size / 2**20
    user = f.UserFactory(username="bench")
    workspace = f.WorkspaceFactory(name="Bench")
    f.MembershipFactory(workspace=workspace, user=user, role=Role.ADMIN)
    product = f.ProductFactory(workspace=workspace, key="BEN")

    started = time.perf_counter()
    batch = import_batch_create(product=product, files=[_upload(path)], actor=user)
    preview = time.perf_counter() - started
    copy = _copy_baseline(path)
    idle = _child("idle")
    run = _child("import", batch_id=batch.pk, actor_id=user.pk)
    assert run["created"] == ROWS, run
    rate, slower = ROWS / run["seconds"], run["seconds"] / copy
    extra = run["max_rss_mb"] - idle["max_rss_mb"]
    print(f"Jira CSV: {ROWS:,} rows, {size_mb:.1f} MB; upload + preview {preview:.1f} s")
    print(f"  import (all rules, one transaction): {run['seconds']:.1f} s = {rate:,.0f} rows/s")
    print(
        f"  baseline COPY of the same columns:   {copy:.2f} s = {ROWS / copy:,.0f} rows/s (import {slower:.0f}× slower)"
    )
    print(
        f"  peak memory of the import process: {run['max_rss_mb']:.0f} MB "
        f"(Django alone {idle['max_rss_mb']:.0f} MB: +{extra:.0f} MB)"
    )


def _seed_workspace(items: int):
    from django.db import connection

    from tests import factories as f

    workspace = f.WorkspaceFactory(name="Big")
    user = f.UserFactory(username="big")
    f.MembershipFactory(workspace=workspace, user=user, role="admin")
    product = f.ProductFactory(workspace=workspace, key="BIG")
    sprint = f.SprintFactory(product=product, name="S1")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO backlog_backlogitem (created_at, updated_at, version, number, kind, title, description,
                status, rank, moscow, as_a, i_want, so_that, rejection_reason, product_id, sprint_id, story_points,
                has_criteria, custom_fields)
            SELECT now(), now(), 1, n, 'story', 'Item ' || n, 'A description of item ' || n, 'new', n * 1024, '',
                '', '', '', '', %s, CASE WHEN n %% 10 = 0 THEN %s END, n %% 8, n %% 5 = 0, '{}'
            FROM generate_series(1, %s) AS n
            """,
            [product.pk, sprint.pk, items],
        )
        cursor.execute(
            """
            UPDATE backlog_backlogitem c SET parent_id = p.id FROM backlog_backlogitem p
            WHERE c.product_id = %s AND p.product_id = c.product_id AND c.number %% 50 <> 1
              AND p.number = c.number - (c.number - 1) %% 50
            """,
            [product.pk],
        )
        cursor.execute(
            """
            INSERT INTO backlog_acceptancecriterion (created_at, updated_at, version, item_id, "order", text, met)
            SELECT now(), now(), 1, id, 1, 'Given a shopper, when they pay, then they see a receipt.', false
            FROM backlog_backlogitem WHERE product_id = %s AND has_criteria
            """,
            [product.pk],
        )
        cursor.execute("ANALYZE")
    return workspace, product


def _copy_items_baseline(product_id: int, tmp: Path) -> tuple[float, float]:
    from django.db import connection

    path = tmp / "items.copy"
    with connection.cursor() as cursor:
        started = time.perf_counter()
        with path.open("w") as out:
            cursor.cursor.copy_expert(
                f"COPY (SELECT * FROM backlog_backlogitem WHERE product_id = {int(product_id)}) TO STDOUT", out
            )
        out_seconds = time.perf_counter() - started
        cursor.execute("CREATE UNLOGGED TABLE bench_items (LIKE backlog_backlogitem)")
        started = time.perf_counter()
        with path.open() as source:
            cursor.cursor.copy_expert("COPY bench_items FROM STDIN", source)
        in_seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_items")
    return out_seconds, in_seconds


def _workspace_round_trip(tmp: Path) -> None:
    started = time.perf_counter()
    workspace, product = _seed_workspace(ITEMS)
    print(f"seeded a workspace of {ITEMS:,} items in {time.perf_counter() - started:.1f} s")
    path = tmp / "workspace.jsonl"
    export = _child("export", workspace_id=workspace.pk, path=str(path))
    restore = _child("restore", path=str(path))
    assert restore["items"] == ITEMS, restore
    copy_out, copy_in = _copy_items_baseline(product.pk, tmp)
    size_mb = path.stat().st_size / 2**20
    print(f"Workspace export: {export['seconds']:.1f} s, {size_mb:.0f} MB, peak {export['max_rss_mb']:.0f} MB "
          f"(COPY TO of the items: {copy_out:.2f} s)")  # fmt: skip
    rate = ITEMS / restore["seconds"]
    print(f"Workspace import into a new workspace: {restore['seconds']:.1f} s = {rate:,.0f} items/s, "
          f"peak {restore['max_rss_mb']:.0f} MB (COPY FROM of the items: {copy_in:.2f} s)")  # fmt: skip


def main() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (set DATABASE_URL=postgres://…)")
        return
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_transfer_{os.getpid()}"
    settings.DATABASES["default"]["TEST"] = connection.settings_dict["TEST"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if "csv" in PARTS:
                _csv_import(Path(tmp))
            if "json" in PARTS:
                _json_imports(Path(tmp))
            if "workspace" in PARTS:
                _workspace_round_trip(Path(tmp))
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--child":
    child_main(sys.argv[2], json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})
