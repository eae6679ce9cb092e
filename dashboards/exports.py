"""The dashboard as CSV or XLSX: one table, a `section` column telling which part of the page a row is from."""

from collections.abc import Iterator

from core.csv import csv_text
from core.xlsx import xlsx_bytes

HEADER = ["section", "name", "product", "figure", "value", "unit", "health", "note"]


def dashboard_csv(figures: dict) -> str:
    return csv_text(HEADER, dashboard_rows(figures))


def dashboard_xlsx(figures: dict) -> bytes:
    return xlsx_bytes(HEADER, dashboard_rows(figures), title="Dashboard")


def dashboard_rows(figures: dict) -> Iterator[list]:
    period = figures["period"]
    yield (["period", period["name"], "", "expected progress", period["expected_progress"], "%", "", ""])
    for objective in figures["objectives"]:
        yield (
            [
                "objective",
                objective["title"],
                objective["product"] or "",
                "progress",
                _blank(objective["progress"]),
                "%",
                objective["health"],
                f"confidence {objective['confidence']} %" if objective["confidence"] is not None else "",
            ]
        )
        for kr in objective["key_results"]:
            yield (
                [
                    "key result",
                    f"{objective['title']} / {kr['title']}",
                    objective["product"] or "",
                    "progress",
                    _blank(kr["progress"]),
                    "%",
                    kr["health"],
                    kr["last_check_in_note"],
                ]
            )
    for kpi in figures["kpis"]:
        yield (["kpi", kpi["name"], kpi["product"], "latest", _blank(kpi["latest"]), kpi["unit"], "", ""])
        yield (
            [
                "kpi",
                kpi["name"],
                kpi["product"],
                "change this period",
                _blank(kpi["period_change"]),
                kpi["unit"],
                "",
                "",
            ]
        )
    for key, value in figures["roadmap"].items():
        yield (["roadmap", key.replace("_", " "), "", "initiatives", value, "", "", ""])
    for initiative in figures["initiatives"]:
        yield (
            [
                "initiative",
                initiative["title"],
                initiative["product"],
                "progress",
                _blank(initiative["progress"]),
                "%",
                "",
                "" if initiative["has_outcome"] else "linked to no outcome",
            ]
        )
    coverage = figures["coverage"]
    yield (
        [
            "coverage",
            "initiatives linked to an outcome",
            "",
            "share",
            _blank(coverage["initiatives_percent"]),
            "%",
            "",
            "",
        ]
    )
    yield (
        [
            "coverage",
            "planned effort linked to an outcome",
            "",
            "share",
            _blank(coverage["effort_percent"]),
            "%",
            "",
            "",
        ]
    )
    for row in figures["history"]:
        yield (["history", row["day"], "", "mean progress", _blank(row["progress"]), "%", "", ""])


def _blank(value) -> str:
    return "" if value is None else value
