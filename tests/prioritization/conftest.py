import random
from decimal import Decimal as D

import pytest

from backlog.models import IMPACT_VALUES
from prioritization.models import CriterionValue, ScorecardCriterion
from tests import factories as f


def rice_inputs(reach=2000, impact="2", confidence=80, effort="4") -> dict:
    return {"reach": reach, "impact": D(impact), "confidence": confidence, "effort": D(effort)}


def wsjf_inputs(bv=8, tc=5, rr=3, size=2) -> dict:
    return {"business_value": bv, "time_criticality": tc, "risk_reduction": rr, "job_size": size}


def random_items(product, count: int, seed: int = 7) -> list:
    """Items with random inputs, some of them missing; scores left empty as if never computed."""
    rng = random.Random(seed)
    impacts = sorted(IMPACT_VALUES)
    items = []
    for _ in range(count):
        data = {
            "reach": rng.choice([None, rng.randint(0, 50_000)]),
            "impact": rng.choice(impacts + [None]),
            "confidence": rng.choice([None, rng.randint(0, 100)]),
            "effort": rng.choice([None, D(rng.randint(1, 4000)) / 100]),
            "business_value": rng.choice([None, 1, 2, 3, 5, 8, 13, 20]),
            "time_criticality": rng.choice([1, 2, 3, 5, 8, 13, 20]),
            "risk_reduction": rng.choice([1, 2, 3, 5, 8, 13, 20]),
            "job_size": rng.choice([None, 1, 2, 3, 5, 8, 13, 20]),
        }
        items.append(f.BacklogItemFactory(product=product, **data))
    return items


@pytest.fixture
def scorecard(world):
    """Strategic fit ×2, revenue ×3, customer requests ×1 on the world's product."""
    return [
        ScorecardCriterion.objects.create(product=world.product, name=name, weight=D(weight), order=i)
        for i, (name, weight) in enumerate([("Strategic fit", "2"), ("Revenue", "3"), ("Customer requests", "1")])
    ]


def set_values(item, criteria, values) -> None:
    for criterion, value in zip(criteria, values, strict=True):
        if value is not None:
            CriterionValue.objects.create(item=item, criterion=criterion, value=D(value))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a full re-score and run it (tasks run inline in ordinary tests); returns the finished job."""
    from prioritization import services

    def start(product, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.product_reprioritise_start(product=product, actor=actor)
        job.refresh_from_db()
        return job

    return start
