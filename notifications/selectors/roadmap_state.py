"""A product's roadmap as the weekly stakeholder update compares it: initiatives, objectives, releases."""

from okrs.models import Objective
from roadmap.models import Initiative, Release


def roadmap_state(*, product_id: int) -> dict:
    """JSON-ready: {"initiatives": {id: {...}}, "objectives": {id: {...}}, "releases": {id: {...}}} (ids as strings)."""
    initiatives = {
        str(pk): {"title": title, "horizon": horizon, "end": end.isoformat() if end else None, "status": status}
        for pk, title, horizon, end, status in Initiative.objects.filter(product_id=product_id).values_list(
            "pk", "title", "horizon", "end_date", "status"
        )
    }
    objectives = {
        str(pk): {"title": title, "health": health or ""}
        for pk, title, health in Objective.objects.filter(product_id=product_id).values_list("pk", "title", "health")
    }
    releases = {
        str(pk): {"name": name, "status": status, "date": day.isoformat() if day else None}
        for pk, name, status, day in Release.objects.filter(product_id=product_id).values_list(
            "pk", "name", "status", "target_date"
        )
    }
    return {"initiatives": initiatives, "objectives": objectives, "releases": releases}


def roadmap_changes(*, before: dict, after: dict) -> dict:
    """What changed between two roadmap states: moves between now/next/later, slipped end dates,
    objectives whose health changed, releases shipped; each a list of dicts sorted by title."""
    old_i, new_i = before.get("initiatives", {}), after.get("initiatives", {})
    moved = [
        {"title": now["title"], "from": old_i[pk]["horizon"], "to": now["horizon"]}
        for pk, now in new_i.items()
        if pk in old_i and old_i[pk]["horizon"] != now["horizon"]
    ]
    slipped = [
        {"title": now["title"], "from": old_i[pk]["end"], "to": now["end"]}
        for pk, now in new_i.items()
        if pk in old_i and old_i[pk]["end"] and now["end"] and now["end"] > old_i[pk]["end"]
    ]
    added = [{"title": now["title"], "to": now["horizon"]} for pk, now in new_i.items() if pk not in old_i]
    old_o, new_o = before.get("objectives", {}), after.get("objectives", {})
    health = [
        {"title": now["title"], "from": old_o[pk]["health"], "to": now["health"]}
        for pk, now in new_o.items()
        if pk in old_o and old_o[pk]["health"] != now["health"]
    ]
    old_r, new_r = before.get("releases", {}), after.get("releases", {})
    shipped = [
        {"title": now["name"], "date": now["date"]}
        for pk, now in new_r.items()
        if now["status"] == "released" and old_r.get(pk, {}).get("status") != "released"
    ]

    def by_title(rows: list[dict]) -> list[dict]:
        return sorted(rows, key=lambda r: (r["title"], str(r.get("to"))))

    return {
        "moved": by_title(moved),
        "slipped": by_title(slipped),
        "added": by_title(added),
        "health": by_title(health),
        "shipped": by_title(shipped),
    }
