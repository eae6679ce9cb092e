"""What an import did or would do: counts, errors and warnings by source row, links to the objects."""

from dataclasses import dataclass, field

MESSAGES_MAX = 500  # listed in the report; the counts include the rest
OBJECTS_MAX = 200


@dataclass
class Report:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    objects: list[dict] = field(default_factory=list)
    kinds: dict = field(default_factory=dict)

    def error(self, row: str, message: str, field_name: str = "") -> None:
        self.error_count += 1
        if len(self.errors) < MESSAGES_MAX:
            self.errors.append({"row": row, "field": field_name, "message": message})

    def warn(self, row: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MESSAGES_MAX:
            self.warnings.append({"row": row, "message": message})

    def errors_from(self, row: str, message_dict: dict) -> None:
        for name, messages in message_dict.items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.error(row, str(message), "" if name in ("__all__", "non_field_errors") else name)

    def object(self, *, kind: str, object_id: int, label: str, url, action: str) -> None:
        """Count an object and list the first OBJECTS_MAX (`url` may be a callable, called only for those)."""
        self.kinds.setdefault(kind, {"created": 0, "updated": 0})
        if action in ("created", "updated"):
            self.kinds[kind][action] += 1
        if len(self.objects) < OBJECTS_MAX:
            link = url() if callable(url) else url
            self.objects.append({"kind": kind, "id": object_id, "label": label, "url": link, "action": action})

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "errors": self.errors,
            "warnings": self.warnings,
            "objects": self.objects,
            "kinds": self.kinds,
        }


class ImportRefused(Exception):
    """Rows were not valid (or it was a dry run): everything written is rolled back; `report` says why."""

    def __init__(self, report: Report):
        super().__init__(f"{report.error_count} errors")
        self.report = report
