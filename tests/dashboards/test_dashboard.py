"""Dashboards: who may read them, what they show, the CSV export and the JSON endpoints."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job, JobState
from okrs.models import Health, ObjectiveSnapshot
from okrs.services.rollup import workspace_rollup, workspace_snapshot
from tests import factories as f

ROLES = ["admin", "product_manager", "product_owner", "contributor", "executive", "viewer"]
PERIOD = "2027-Q1"
TODAY = date(2027, 2, 14)  # half way through the quarter


def _urls(world, other=False):
    ws = (world.other_workspace if other else world.workspace).pk
    product = (world.other_product if other else world.product).pk
    return [
        reverse("dashboards:workspace_dashboard", kwargs={"workspace_id": ws}),
        reverse("dashboards:workspace_dashboard_csv", kwargs={"workspace_id": ws}),
        reverse("dashboards:product_dashboard", kwargs={"product_id": product}),
        reverse("dashboards:product_dashboard_csv", kwargs={"product_id": product}),
        reverse("workspace_dashboard_api", kwargs={"workspace_id": ws}),
        reverse("product_dashboard_api", kwargs={"product_id": product}),
    ]


def _okrs(world, *, objectives=1, product=None):
    """Objectives with two key results each (one checked in, one tracking a KPI), rolled up half way through."""
    product = product or world.product
    kpi = f.KPIFactory(product=product, name=f"Activation {product.key}", unit="%")
    start = timezone.make_aware(timezone.datetime(2027, 1, 10, 12))
    for day, value in enumerate(("40", "42", "47")):
        f.MeasurementFactory(kpi=kpi, value=D(value), measured_at=start + timedelta(days=day * 10))
    made = []
    for n in range(objectives):
        objective = f.ObjectiveFactory(
            workspace=product.workspace, product=product, period=PERIOD, title=f"Objective {n:02d}"
        )
        checked = f.KeyResultFactory(objective=objective, title=f"Signups {n:02d}")
        f.MeasurementFactory(
            kpi=None, key_result=checked, value=D("10"), confidence=30, note=f"Blocked by legal {n:02d}"
        )
        f.KeyResultFactory(
            objective=objective, title=f"Activation {n:02d}", kpi=kpi, start_value=D("40"), target_value=D("50")
        )
        made.append(objective)
    workspace_rollup(workspace_id=product.workspace_id, today=TODAY)
    return made, kpi


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_every_dashboard(world, role):
    _okrs(world)
    client = world.client(role)
    for url in _urls(world):
        response = client.get(url, {"period": PERIOD})
        assert response.status_code == 200, url


def test_anonymous_is_sent_to_sign_in_or_refused(world):
    client = world.client(None)
    for url in _urls(world):
        response = client.get(url)
        if "/api/" in url:
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_workspace_is_not_found(world):
    _okrs(world)
    for url in _urls(world, other=True):
        assert world.client("admin").get(url).status_code == 404, url
    for url in _urls(world):
        assert world.client("outsider").get(url).status_code == 404, url


def test_the_workspace_dashboard_shows_only_its_own_workspace(world):
    _okrs(world)
    f.ObjectiveFactory(workspace=world.other_workspace, period=PERIOD, title="Their secret objective")
    f.KPIFactory(product=world.other_product, name="Their secret KPI")
    f.InitiativeFactory(product=world.other_product, title="Their secret initiative")
    page = world.client("viewer").get(_urls(world)[0], {"period": PERIOD}).content.decode()
    api = world.client("viewer").get(_urls(world)[4], {"period": PERIOD}).content.decode()
    for text in (page, api):
        assert "Objective 00" in text
        assert "Their secret" not in text


def test_figures_of_the_api_match_the_rollup(world):
    _okrs(world)
    data = world.client("executive").get(_urls(world)[5], {"period": PERIOD}).json()
    objective = data["objectives"][0]
    signups, activation = objective["key_results"]
    assert (signups["progress"], signups["confidence"], signups["health"]) == (10.0, 30, Health.OFF_TRACK)
    assert (activation["current"], activation["progress"]) == (47.0, 70.0)
    assert objective["progress"] == 40.0  # (10 + 70) ÷ 2
    assert data["period"] == {
        "name": PERIOD,
        "start": "2027-01-01",
        "end": "2027-04-01",
        "expected_progress": data["period"]["expected_progress"],
    }
    assert [r["last_check_in_note"] for r in data["at_risk"] if r["kind"] == "key_result"] == ["Blocked by legal 00"]
    kpi = data["kpis"][0]
    assert (kpi["latest"], kpi["period_first"], kpi["period_change"], kpi["improving"]) == (47.0, 40.0, 7.0, True)
    assert [p["value"] for p in kpi["series"]] == [40.0, 42.0, 47.0]


def test_the_period_filter_chooses_the_objectives(world):
    _okrs(world)
    f.ObjectiveFactory(workspace=world.workspace, period="2027-Q2", title="Next quarter objective")
    client = world.client("viewer")
    q1 = client.get(_urls(world)[0], {"period": PERIOD}).content.decode()
    q2 = client.get(_urls(world)[0], {"period": "2027-Q2"}).content.decode()
    assert "Objective 00" in q1 and "Next quarter objective" not in q1
    assert "Objective 00" not in q2 and "Next quarter objective" in q2


def test_a_bad_period_is_a_400_in_the_api_and_a_message_on_the_page(world):
    client = world.client("viewer")
    response = client.get(_urls(world)[4], {"period": "Q1-2027"})
    assert response.status_code == 400
    assert "period" in response.json()["errors"]
    page = client.get(_urls(world)[0], {"period": "Q1-2027"})
    assert page.status_code == 200
    assert "Use a year (2027)" in page.content.decode()


def test_roadmap_status_initiative_progress_and_outcome_coverage(world):
    objective = f.ObjectiveFactory(workspace=world.workspace, period=PERIOD)
    key_result = f.KeyResultFactory(objective=objective)
    linked = f.InitiativeFactory(product=world.product, title="Linked", horizon="now", status="in_progress")
    linked.key_results.add(key_result)
    unlinked = f.InitiativeFactory(product=world.product, title="Orphan", horizon="next", status="planned")
    f.InitiativeFactory(
        product=world.product, title="Shipped", horizon="now", status="shipped", end_date=date(2027, 2, 1)
    )
    f.InitiativeFactory(product=world.product, title="Dropped", horizon="later", status="dropped")
    f.BacklogItemFactory(product=world.product, initiative=linked, story_points=5, status="done")
    f.BacklogItemFactory(product=world.product, initiative=linked, story_points=3, status="new")
    f.BacklogItemFactory(product=world.product, initiative=unlinked, story_points=None)  # counts as one point
    f.BacklogItemFactory(product=world.product, story_points=2)  # tied to no initiative
    f.BacklogItemFactory(product=world.product, initiative=linked, story_points=8, status="rejected")

    data = world.client("viewer").get(_urls(world)[5], {"period": PERIOD}).json()

    assert data["roadmap"] == {"now": 1, "next": 1, "later": 0, "shipped_this_period": 1}
    progress = {i["title"]: (i["points_done"], i["points_total"], i["progress"]) for i in data["initiatives"]}
    labels = {i["title"]: i["status_label"] for i in data["initiatives"]}
    assert labels == {"Linked": "In progress", "Orphan": "Planned", "Shipped": "Shipped"}  # the roadmap's names
    assert progress["Linked"][:2] == (5, 16)  # item_progress_for_initiatives counts every item's points
    assert progress["Orphan"] == (0, 1, 0)
    coverage = data["coverage"]
    assert (coverage["initiatives_linked"], coverage["initiatives_total"]) == (1, 3)  # the dropped one is left out
    assert (coverage["effort_linked"], coverage["effort_total"]) == (8, 11)  # rejected work is not planned
    assert [i["title"] for i in coverage["unlinked"]] == ["Orphan", "Shipped"]


def test_the_csv_export_has_the_dashboard_figures(world):
    _okrs(world)
    f.ObjectiveFactory(workspace=world.workspace, period=PERIOD, title='=HYPERLINK("http://evil")')
    response = world.client("viewer").get(_urls(world)[1], {"period": PERIOD})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="dashboard-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    objective = next(r for r in rows if r["section"] == "objective" and r["name"] == "Objective 00")
    assert (objective["value"], objective["health"]) == ("40.0", Health.OFF_TRACK)
    assert any(r["section"] == "kpi" and r["figure"] == "latest" and r["value"] == "47.0" for r in rows)
    assert any(r["name"].startswith("'=HYPERLINK") for r in rows)  # not a live formula in a spreadsheet


def test_the_page_has_charts_with_their_figures_in_tables(world):
    _okrs(world)
    objective = world.workspace.objectives.get()
    workspace_snapshot(workspace_id=world.workspace.pk, day=date(2027, 2, 13))
    assert ObjectiveSnapshot.objects.filter(objective=objective).exists()
    page = world.client("viewer").get(_urls(world)[2], {"period": PERIOD}).content.decode()
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in page
    assert 'data-chart="kpi-line"' in page and 'id="kpi-data"' in page
    assert 'data-chart="history"' in page and "2027-02-13" in page
    assert '<td class="num">47</td>' in page  # the KPI series in its table


def test_the_dashboard_links_are_in_the_navigation(world):
    product_page = world.client("viewer").get(_urls(world)[2]).content.decode()
    assert reverse("dashboards:product_dashboard", kwargs={"product_id": world.product.pk}) in product_page
    assert (
        reverse("dashboards:workspace_dashboard", kwargs={"workspace_id": world.workspace.pk})
        in (
            world.client("viewer").get(reverse("products:product_list", kwargs={"workspace_id": world.workspace.pk}))
        ).content.decode()
    )


@pytest.mark.parametrize("url_index", [0, 2, 4, 5, 1])
def test_query_counts_do_not_grow_with_rows(world, django_assert_max_num_queries, url_index):
    _okrs(world, objectives=25)
    for n in range(25):
        initiative = f.InitiativeFactory(product=world.product, title=f"Initiative {n}", horizon="now")
        f.BacklogItemFactory(product=world.product, initiative=initiative, story_points=3)
    second = f.ProductFactory(workspace=world.workspace, name="Ledger", key="LED")
    _okrs(world, objectives=20, product=second)
    workspace_snapshot(workspace_id=world.workspace.pk, day=date(2027, 2, 13))
    client = world.client("executive")
    url = _urls(world)[url_index]
    with django_assert_max_num_queries(15):
        response = client.get(url, {"period": PERIOD})
    assert response.status_code == 200
    assert "Objective 24" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_strategy_roles_start_a_recompute(world, role, django_capture_on_commit_callbacks):
    objective = f.ObjectiveFactory(workspace=world.workspace, period=PERIOD)
    f.MeasurementFactory(kpi=None, key_result=f.KeyResultFactory(objective=objective), value=D("50"), confidence=90)
    url = reverse("dashboards:workspace_recompute", kwargs={"workspace_id": world.workspace.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(role).post(url)
    objective.refresh_from_db()
    if role in ("admin", "product_manager"):
        assert response.status_code == 302
        job = Job.objects.get()
        assert (job.state, job.progress, job.started_by) == (JobState.SUCCEEDED, 100, world.users[role])
        assert objective.progress == D("0.5")
        assert objective.snapshots.filter(day=timezone.localdate()).exists()
    else:
        assert response.status_code == 403
        assert not Job.objects.exists() and objective.progress is None
    assert world.client("outsider").post(url).status_code == 404
