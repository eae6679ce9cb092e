"""The demo's sprints: created with dates around today, then lived through, so statuses match dates and
charts come from a history."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from backlog.models import BacklogItem, ItemStatus, Sprint, SprintScopeChange
from backlog.services import items as backlog_items
from backlog.services import sprints as sprint_services
from core.services import instance_create


def demo_sprints(*, product, po) -> list[Sprint]:
    """Three two-week sprints: the last one ended last week, the current one covers today, the next
    one comes after. They are created planned; `_run_sprints` starts and completes them, so that each
    status follows from its dates and each chart from a history."""
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=2)
    return [
        instance_create(
            instance=Sprint(
                product=product,
                name=f"{product.key} Sprint {i + 1}",
                goal=f"Sprint {i + 1} goal for {product.name}",
                start_date=start + timedelta(weeks=2 * i),
                end_date=start + timedelta(weeks=2 * i, days=11),
                capacity_points=34,
            ),
            actor=po,
        )
        for i in range(3)
    ]


def demo_run_sprints(*, sprints, users, rng, finals: dict[int, str]) -> None:
    """Start the past sprint, finish its work day by day, complete it; start the current one and finish
    part of it. The ledger and done times are dated on the sprints' days, as if it had happened then."""
    po, dev = users["po"], users["dev"]
    past, current, _ = sprints
    for sprint, days in ((past, 10), (current, max((timezone.localdate() - current.start_date).days, 0))):
        sprint = sprint_services.sprint_start(sprint=sprint, actor=po)
        began = timezone.make_aware(datetime.combine(sprint.start_date, time(9)))
        Sprint.objects.filter(pk=sprint.pk).update(started_at=began)
        SprintScopeChange.objects.filter(sprint=sprint).update(at=began)
        for item in BacklogItem.objects.filter(sprint=sprint).order_by("rank"):
            final = finals[item.pk]
            if final not in (ItemStatus.DONE, ItemStatus.ACCEPTED, ItemStatus.REJECTED) or not days:
                if final != item.status:
                    backlog_items.item_update(item=item, data={"status": final}, actor=dev)
                continue
            day = began + timedelta(days=rng.randrange(days), hours=rng.randrange(8))
            last = SprintScopeChange.objects.filter(sprint=sprint).order_by("-id").values_list("id", flat=True)[0]
            item = backlog_items.item_update(item=item, data={"status": ItemStatus.DONE}, actor=dev)
            if final == ItemStatus.ACCEPTED:
                sprint_services.item_accept(item=item, actor=po)
            elif final == ItemStatus.REJECTED:
                reason = "The acceptance criteria are not met on mobile."
                sprint_services.item_reject(item=item, reason=reason, actor=po)
            # Demo history: date what just happened on a day of the sprint.
            SprintScopeChange.objects.filter(sprint=sprint, id__gt=last).update(at=day)
            BacklogItem.objects.filter(pk=item.pk, done_at__isnull=False).update(done_at=day)
        if sprint.pk == past.pk:
            sprint_services.sprint_complete(sprint=sprint, carry_over="next", actor=po)
            ended = timezone.make_aware(datetime.combine(sprint.end_date, time(17)))
            SprintScopeChange.objects.filter(sprint=sprint, kind="carried_over").update(at=ended)
            Sprint.objects.filter(pk=sprint.pk).update(completed_at=ended)
