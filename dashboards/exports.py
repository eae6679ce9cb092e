"""The dashboard as CSV: one table, a `section` column telling which part of the page a row is from."""

import io

from core.csv import SafeWriter

HEADER = ["section", "name", "product", "figure", "value", "unit", "health", "note"]


def dashboard_csv(figures: dict) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(HEADER)
    period = figures["period"]
    writer.writerow(["period", period["name"], "", "expected progress", period["expected_progress"], "%", "", ""])
    for objective in figures["objectives"]:
        writer.writerow(
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
            writer.writerow(
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
        writer.writerow(["kpi", kpi["name"], kpi["product"], "latest", _blank(kpi["latest"]), kpi["unit"], "", ""])
        writer.writerow(
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
        writer.writerow(["roadmap", key.replace("_", " "), "", "initiatives", value, "", "", ""])
    for initiative in figures["initiatives"]:
        writer.writerow(
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
    writer.writerow(
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
    writer.writerow(
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
        writer.writerow(["history", row["day"], "", "mean progress", _blank(row["progress"]), "%", "", ""])
    return out.getvalue()


def _blank(value) -> str:
    return "" if value is None else value
