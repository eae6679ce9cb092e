"""The full re-score: set-based in the database, the same numbers as the Python maths, idempotent."""

import threading
from decimal import Decimal as D

import pytest
from django.db import OperationalError, connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backlog.models import IMPACT_VALUES, BacklogItem, rice_score
from backlog.services import items as backlog_services
from backlog.services import scores
from core import events
from jobs.models import Job, JobState
from prioritization import scoring, services
from prioritization.models import CustomScore, Framework, PrioritySettings, Snapshot
from products.models import Product
from tests import factories as f
from tests.conftest import wait_for

from .conftest import random_items, rice_inputs, set_values, wsjf_inputs


def test_a_full_run_stores_the_same_scores_as_the_python_maths(run, world, postgres):
    items = random_items(world.product, 300)
    assert BacklogItem.objects.filter(rice_score__isnull=False).count() == 0
    job = run(world.product, world.users["product_manager"])
    assert job.state == JobState.SUCCEEDED and job.progress == 100
    stored = {i.pk: i for i in BacklogItem.objects.filter(product=world.product)}
    for item in items:
        row = stored[item.pk]
        assert row.rice_score == rice_score(
            reach=item.reach, impact=item.impact, confidence=item.confidence, effort=item.effort
        ), item.pk
        assert row.wsjf_score == item.computed_wsjf_score, item.pk
    unscored = [i for i in items if i.reach is None or i.impact is None or i.confidence is None or i.effort is None]
    assert unscored and all(stored[i.pk].rice_score is None for i in unscored)  # never 0


def test_half_cents_round_up_in_the_database_as_in_python(run, world, postgres):
    # 1 × 0.5 × 1 % ÷ 1 = 0.005 and 5 ÷ 8 = 0.625: exactly half a cent.
    item = f.BacklogItemFactory(product=world.product, **rice_inputs(1, "0.5", 1, "1"), **wsjf_inputs(1, 1, 3, 8))
    run(world.product)
    item.refresh_from_db()
    assert (item.rice_score, item.wsjf_score) == (D("0.01"), D("0.63"))
    assert item.rice_score == item.computed_rice_score and item.wsjf_score == item.computed_wsjf_score


def test_the_run_records_a_snapshot_and_a_second_run_changes_nothing(run, world, postgres):
    low = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=100))
    high = f.BacklogItemFactory(product=world.product, **rice_inputs(reach=5000))
    missing = f.BacklogItemFactory(product=world.product, reach=10)
    first = run(world.product, world.users["admin"])
    snapshot = Snapshot.objects.get(product=world.product)
    assert snapshot.framework == Framework.RICE and snapshot.created_by == world.users["admin"]
    assert snapshot.ranking == [[high.pk, "2000.00"], [low.pk, "40.00"]]
    assert (snapshot.scored_count, snapshot.unscored_count) == (2, 1)
    assert first.result["items_rescored"] == 2 and first.result["snapshot_recorded"]
    versions = list(BacklogItem.objects.order_by("pk").values_list("pk", "updated_at", "version"))

    second = run(world.product, world.users["admin"])

    assert second.result["items_rescored"] == 0 and not second.result["snapshot_recorded"]
    assert second.result["snapshot_id"] == snapshot.pk
    assert Snapshot.objects.filter(product=world.product).count() == 1
    assert list(BacklogItem.objects.order_by("pk").values_list("pk", "updated_at", "version")) == versions
    missing.refresh_from_db()
    assert missing.rice_score is None


def test_a_run_ranks_by_the_products_default_framework(run, world, postgres):
    PrioritySettings.objects.create(product=world.product, default_framework=Framework.WSJF)
    a = f.BacklogItemFactory(product=world.product, **wsjf_inputs(1, 1, 1, 1))
    b = f.BacklogItemFactory(product=world.product, **wsjf_inputs(20, 20, 20, 1))
    run(world.product)
    assert Snapshot.objects.get().ranking == [[b.pk, "60.00"], [a.pk, "3.00"]]


def test_custom_scores_are_stored_for_complete_items_only(run, world, scorecard, postgres):
    complete = f.BacklogItemFactory(product=world.product, effort=D("2"))
    set_values(complete, scorecard, ["5", "4", "8"])  # (10 + 12 + 8) ÷ 2 = 15
    partial = f.BacklogItemFactory(product=world.product, effort=D("2"))
    set_values(partial, scorecard, ["5", None, "8"])
    no_effort = f.BacklogItemFactory(product=world.product)
    set_values(no_effort, scorecard, ["1", "1", "1"])
    CustomScore.objects.create(item=partial, product=world.product, score=D("99"))  # stale: must go
    run(world.product)
    assert dict(CustomScore.objects.values_list("item_id", "score")) == {complete.pk: D("15.00")}
    assert run(world.product).result["custom_scores_changed"] == 0


def test_a_run_publishes_prioritization_completed(run, world, postgres):
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    events.subscribe(listener)
    try:
        f.BacklogItemFactory(product=world.product, **rice_inputs())
        job = run(world.product)
    finally:
        events._subscribers.remove(listener)
    assert [(h["event"], h["workspace_id"]) for h in heard] == [("prioritization.completed", world.workspace.pk)]
    assert heard[0]["data"]["job_id"] == job.pk and heard[0]["data"]["scored"] == 1


def test_a_finished_job_delivered_again_does_nothing(run, world, postgres):
    item = f.BacklogItemFactory(product=world.product, **rice_inputs())
    job = run(world.product)
    BacklogItem.objects.filter(pk=item.pk).update(rice_score=D("1"))
    assert services.product_reprioritise(product_id=world.product.pk, job_id=job.pk) == job.result
    item.refresh_from_db()
    assert item.rice_score == D("1")  # the redelivered job did not run again


def test_an_edit_rescores_the_custom_score_too(world, scorecard, django_capture_on_commit_callbacks):
    item = f.BacklogItemFactory(product=world.product, effort=D("2"))
    set_values(item, scorecard, ["5", "4", "8"])
    with django_capture_on_commit_callbacks(execute=True):
        backlog_services.item_update(item=item, data={"effort": D("3")}, actor=world.users["admin"])
    assert CustomScore.objects.get(item=item).score == D("10.00")  # 30 ÷ 3
    with django_capture_on_commit_callbacks(execute=True):
        services.criterion_values_set(item=item, values={scorecard[1].pk: None}, actor=world.users["admin"])
    assert not CustomScore.objects.filter(item=item).exists()  # revenue missing: unscored


def test_values_for_another_products_criteria_are_refused(world, scorecard):
    item = f.BacklogItemFactory(product=world.product)
    theirs = f.BacklogItemFactory(product=world.other_product)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.criterion_values_set(item=theirs, values={scorecard[0].pk: D("1")}, actor=None)
    with pytest.raises(ValidationError):
        services.criterion_values_set(item=item, values={scorecard[0].pk: D("-1")}, actor=None)
    assert not item.criterion_values.exists() and not theirs.criterion_values.exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_are_serialised(postgres):
    """Two runs of one product in two connections: the second waits for the lock, then changes nothing."""
    workspace = f.WorkspaceFactory()
    product = f.ProductFactory(workspace=workspace)
    for reach in range(1, 201):
        f.BacklogItemFactory(product=product, **rice_inputs(reach=reach))
    job_ids = [Job.objects.create(workspace=workspace, product=product, kind=services.JOB_KIND).pk for _ in range(2)]
    results = {}
    barrier = threading.Barrier(2)

    def run(job_id):
        try:
            barrier.wait()
            results[job_id] = services.product_reprioritise(product_id=product.pk, job_id=job_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job_id,)) for job_id in job_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    rescored = sorted(r["items_rescored"] for r in results.values())
    assert rescored == [0, 200]
    assert Snapshot.objects.filter(product=product).count() == 1
    assert BacklogItem.objects.filter(product=product, rice_score__isnull=True).count() == 0


@pytest.mark.worker
def test_a_real_worker_runs_the_job_and_a_concurrent_second_run_changes_nothing(celery_worker):
    workspace = f.WorkspaceFactory()
    product = f.ProductFactory(workspace=workspace)
    items = [f.BacklogItemFactory(product=product, **rice_inputs(reach=r), **wsjf_inputs(size=r)) for r in range(1, 31)]
    first = services.product_reprioritise_start(product=product, actor=None)
    second = services.product_reprioritise_start(product=product, actor=None)

    finished = wait_for(lambda: Job.objects.filter(pk__in=[first.pk, second.pk], state=JobState.SUCCEEDED).count() == 2)

    assert finished
    first.refresh_from_db()
    second.refresh_from_db()
    for item in items:
        item.refresh_from_db()
        assert item.rice_score == item.computed_rice_score is not None
        assert item.wsjf_score == item.computed_wsjf_score is not None
    assert sorted([first.result["items_rescored"], second.result["items_rescored"]]) == [0, 30]
    snapshot = Snapshot.objects.get(product=product)
    assert [row[0] for row in snapshot.ranking] == [i.pk for i in reversed(items)]
    assert scoring.round_score(D(snapshot.ranking[0][1])) == items[-1].rice_score


def test_a_custom_scorecard_run_snapshots_the_custom_ranking(run, world, scorecard, postgres):
    PrioritySettings.objects.create(product=world.product, default_framework=Framework.CUSTOM)
    low = f.BacklogItemFactory(product=world.product, effort=D("4"))
    set_values(low, scorecard, ["1", "1", "1"])  # 6 ÷ 4 = 1.5
    high = f.BacklogItemFactory(product=world.product, effort=D("1"))
    set_values(high, scorecard, ["2", "2", "2"])  # 12 ÷ 1 = 12
    f.BacklogItemFactory(product=world.product, effort=D("1"))  # no values: unscored
    run(world.product)
    snapshot = Snapshot.objects.get()
    assert snapshot.ranking == [[high.pk, "12.00"], [low.pk, "1.50"]]
    assert (snapshot.framework, snapshot.scored_count, snapshot.unscored_count) == ("custom", 2, 1)


def test_a_run_that_fails_marks_its_job_failed(world):
    from prioritization.tasks import product_reprioritise

    job = Job.objects.create(workspace=world.workspace, product=world.product, kind=services.JOB_KIND)
    with pytest.raises(Product.DoesNotExist):
        product_reprioritise.delay(product_id=10**9, job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "DoesNotExist" in job.error


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    reach=st.integers(min_value=0, max_value=2**31 - 1),
    impact=st.sampled_from(sorted(IMPACT_VALUES)),
    confidence=st.integers(min_value=0, max_value=100),
    effort=st.decimals(min_value=D("0.01"), max_value=D("999999.99"), places=2),
    parts=st.lists(st.integers(min_value=0, max_value=20), min_size=3, max_size=3),
    job_size=st.integers(min_value=1, max_value=32767),
)
def test_the_sql_of_a_full_run_agrees_with_the_python_maths(
    db, postgres, reach, impact, confidence, effort, parts, job_size
):
    """The exact SQL expressions of the set-based run, on any inputs the columns accept."""
    bv, tc, rr = parts
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {scores.RICE_SQL}, {scores.WSJF_SQL}"
            " FROM (SELECT %s::integer AS reach, %s::numeric(4,2) AS impact,"
            " %s::smallint AS confidence, %s::numeric(8,2) AS effort, %s::smallint AS business_value,"
            " %s::smallint AS time_criticality, %s::smallint AS risk_reduction, %s::smallint AS job_size) AS item",
            [reach, impact, confidence, effort, bv, tc, rr, job_size],
        )
        rice, wsjf = cursor.fetchone()
    assert rice == rice_score(reach=reach, impact=impact, confidence=confidence, effort=effort)
    assert wsjf == scoring.wsjf(business_value=bv, time_criticality=tc, risk_reduction=rr, job_size=job_size).value


def test_a_scenario_with_other_weights_reorders_the_custom_scorecard(world, scorecard):
    from prioritization.selectors import scenario_moves

    fit = f.BacklogItemFactory(product=world.product, effort=D("1"))
    set_values(fit, scorecard, ["10", "0", "0"])  # 2 × 10 = 20
    revenue = f.BacklogItemFactory(product=world.product, effort=D("1"))
    set_values(revenue, scorecard, ["0", "8", "0"])  # 3 × 8 = 24
    scenario = services.scenario_create(
        product=world.product, name="Fit first", framework="custom", actor=None, weights={str(scorecard[0].pk): "3"}
    )
    moves = {m.item_id: m for m in scenario_moves(scenario=scenario)}
    assert (moves[fit.pk].live_score, moves[fit.pk].scenario_score, moves[fit.pk].delta) == (D("20.00"), D("30.00"), 1)
    assert (moves[revenue.pk].live_position, moves[revenue.pk].scenario_position) == (1, 2)
    scorecard[0].refresh_from_db()
    assert scorecard[0].weight == D("2")


def test_a_job_left_running_by_a_killed_worker_runs_again_in_full(run, world, postgres):
    from prioritization.tasks import product_reprioritise

    assert product_reprioritise.acks_late and OperationalError in product_reprioritise.autoretry_for
    items = [f.BacklogItemFactory(product=world.product, **rice_inputs(reach=r)) for r in (10, 20, 30)]
    job = Job.objects.create(workspace=world.workspace, product=world.product, kind=services.JOB_KIND)
    # The killed worker got as far as one item and a progress of 45 %.
    BacklogItem.objects.filter(pk=items[0].pk).update(rice_score=D("4.00"))
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress=45)

    result = product_reprioritise.delay(product_id=world.product.pk, job_id=job.pk).get()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and result["items_rescored"] == 2
    assert [i.rice_score for i in BacklogItem.objects.order_by("pk")] == [D("4.00"), D("8.00"), D("12.00")]
    assert Snapshot.objects.get().scored_count == 3
