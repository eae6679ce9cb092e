"""The frameworks' arithmetic: worked examples computed by hand, boundaries, and properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prioritization import scoring
from prioritization.scoring import BIG_BET, COULD, FILL_IN, MUST, QUICK_WIN, SHOULD, TIME_SINK, WONT

IMPACTS = [D("3"), D("2"), D("1"), D("0.5"), D("0.25")]


# ---- RICE ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reach", "impact", "confidence", "effort", "expected"),
    [
        (2000, D("2"), 80, D("4"), D("800.00")),  # the textbook example: 2,000 × 2 × 0.8 ÷ 4
        (500, D("0.5"), 100, D("0.25"), D("1000.00")),  # 500 × 0.5 × 1 ÷ 0.25
        (1, D("0.25"), 50, D("3"), D("0.04")),  # 0.125 ÷ 3 = 0.041666… → 0.04
        (0, D("3"), 100, D("1"), D("0.00")),  # no reach: a real 0, not unscored
        (100, D("1"), 0, D("1"), D("0.00")),  # confidence 0 % is allowed and scores 0
        (1, D("0.25"), 2, D("0.01"), D("0.50")),  # 0.005 ÷ 0.01 = 0.5
        (1, D("0.25"), 1, D("1"), D("0.00")),  # 0.0025 → 0.00
        (1, D("0.5"), 1, D("1"), D("0.01")),  # 0.005 is half a cent: rounded up, like PostgreSQL
        (3, D("1"), 50, D("1"), D("1.50")),
        (4_294_967_295, D("3"), 100, D("0.01"), D("1288490188500.00")),  # the largest reach over the least effort
    ],
)
def test_rice_worked_examples(reach, impact, confidence, effort, expected):
    score = scoring.rice(reach=reach, impact=impact, confidence=confidence, effort=effort)
    assert score.value == expected
    assert score.missing == ()


def test_rice_breakdown_explains_each_factor():
    score = scoring.rice(reach=2000, impact=D("2"), confidence=80, effort=D("4"))
    assert [f.label for f in score.factors] == ["Reach", "Impact", "Confidence", "Effort"]
    assert [f.effect for f in score.factors][1:] == ["× 2 (high)", "× 0.8 (80 %)", "÷ 4"]
    assert score.formula == "2,000 × 2 × 0.8 ÷ 4 = 800.00"


@pytest.mark.parametrize(
    ("inputs", "missing"),
    [
        ({"reach": None, "impact": D("1"), "confidence": 80, "effort": D("1")}, ("reach",)),
        ({"reach": 1, "impact": None, "confidence": None, "effort": D("1")}, ("impact", "confidence")),
        ({"reach": 1, "impact": D("1"), "confidence": 80, "effort": None}, ("effort",)),
        ({"reach": 1, "impact": D("1"), "confidence": 80, "effort": D("0")}, ("effort (must be positive)",)),
    ],
)
def test_rice_with_missing_inputs_is_unscored_never_zero(inputs, missing):
    score = scoring.rice(**inputs)
    assert score.value is None and not score.is_scored
    assert score.missing == missing


# ---- WSJF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bv", "tc", "rr", "size", "expected"),
    [
        (8, 5, 3, 2, D("8.00")),  # (8 + 5 + 3) ÷ 2
        (20, 20, 20, 1, D("60.00")),  # the top of the scale
        (1, 1, 1, 20, D("0.15")),  # the bottom: 3 ÷ 20
        (1, 2, 3, 13, D("0.46")),  # 6 ÷ 13 = 0.4615…
        (1, 1, 3, 8, D("0.63")),  # 5 ÷ 8 = 0.625: half a cent rounds up
        (0, 0, 0, 5, D("0.00")),
    ],
)
def test_wsjf_worked_examples(bv, tc, rr, size, expected):
    score = scoring.wsjf(business_value=bv, time_criticality=tc, risk_reduction=rr, job_size=size)
    assert score.value == expected


def test_wsjf_breakdown_gives_each_part_its_share_of_the_cost_of_delay():
    score = scoring.wsjf(business_value=8, time_criticality=5, risk_reduction=3, job_size=2)
    assert [(f.label, f.share) for f in score.factors[:3]] == [
        ("Business value", D("50.0")),  # 8 of 16
        ("Time criticality", D("31.3")),  # 5 of 16 = 31.25 %
        ("Risk reduction", D("18.8")),
    ]
    assert score.formula == "(8 + 5 + 3) ÷ 2 = 8.00"


def test_wsjf_missing_or_zero_job_size_is_unscored():
    assert scoring.wsjf(business_value=8, time_criticality=None, risk_reduction=3, job_size=2).missing == (
        "time criticality",
    )
    assert scoring.wsjf(business_value=8, time_criticality=5, risk_reduction=3, job_size=0).value is None


# ---- custom scorecard ---------------------------------------------------------------------------

CRITERIA = [
    scoring.Criterion(1, "Strategic fit", D("2")),
    scoring.Criterion(2, "Revenue", D("3")),
    scoring.Criterion(3, "Customer requests", D("1")),
]


def test_scorecard_worked_example():
    # (2 × 5 + 3 × 4 + 1 × 8) ÷ 2 = 30 ÷ 2 = 15
    score = scoring.scorecard(criteria=CRITERIA, values={1: D("5"), 2: D("4"), 3: D("8")}, effort=D("2"))
    assert score.value == D("15.00")
    assert [(f.label, f.share) for f in score.factors[:3]] == [
        ("Strategic fit", D("33.3")),
        ("Revenue", D("40.0")),
        ("Customer requests", D("26.7")),
    ]


def test_scorecard_lists_each_missing_criterion_and_needs_criteria():
    score = scoring.scorecard(criteria=CRITERIA, values={1: D("5")}, effort=None)
    assert score.missing == ("Revenue", "Customer requests", "effort")
    assert scoring.scorecard(criteria=[], values={}, effort=D("1")).missing == ("scorecard criteria (none defined)",)


# ---- value vs effort ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "effort", "expected"),
    [
        (D("100"), D("1"), QUICK_WIN),
        (D("100"), D("5"), BIG_BET),
        (D("10"), D("1"), FILL_IN),
        (D("10"), D("5"), TIME_SINK),
        (D("50"), D("2.99"), QUICK_WIN),  # exactly at the value threshold counts as high value
        (D("49.99"), D("3"), TIME_SINK),  # exactly at the effort threshold counts as high effort
    ],
)
def test_quadrants_with_thresholds(value, effort, expected):
    assert scoring.quadrant(value=value, effort=effort, value_threshold=D("50"), effort_threshold=D("3")) == expected


def test_median_of_odd_and_even_counts():
    assert scoring.median([D("3"), D("1"), D("2")]) == D("2")
    assert scoring.median([D("4"), D("1"), D("2"), D("3")]) == D("2.5")
    assert scoring.median([]) is None


# ---- MoSCoW -------------------------------------------------------------------------------------


def test_moscow_check_flags_must_haves_over_their_share():
    # Capacity 10, musts 7 = 70 % > 60 %; musts + shoulds + coulds 11 > 10.
    check = scoring.moscow_check(
        items=[(MUST, D("4")), (MUST, D("3")), (SHOULD, D("3")), (COULD, D("1")), (WONT, D("9")), ("", D("5"))],
        capacity=D("10"),
        must_share_limit=D("60"),
    )
    assert check.effort[MUST] == D("7") and check.must_share == D("70.0")
    assert check.over_must_limit and check.over_capacity


def test_moscow_check_at_exactly_the_limit_is_fine():
    check = scoring.moscow_check(items=[(MUST, D("6")), (SHOULD, D("4"))], capacity=D("10"), must_share_limit=D("60"))
    assert check.must_share == D("60.0")
    assert not check.over_must_limit and not check.over_capacity


def test_moscow_proposal_worked_example():
    # Capacity 10. The caps are cumulative: musts ≤ 6 (60 %), musts + shoulds ≤ 8 (20 % is left for
    # could-haves as contingency), everything ≤ 10. Best score first, each into the first category with room.
    candidates = [
        scoring.Candidate(1, D("4"), D("90")),  # must: 4 ≤ 6
        scoring.Candidate(2, D("3"), D("80")),  # must would be 7 > 6; should: 4 + 3 = 7 ≤ 8
        scoring.Candidate(3, D("2"), D("70")),  # must or should would make 9 > 8; could: 9 ≤ 10
        scoring.Candidate(4, D("1"), D("60")),  # must: 5 ≤ 6, musts + shoulds 8 ≤ 8, all 10 ≤ 10
        scoring.Candidate(5, D("1"), D("50")),  # all would be 11 > 10: won't have this time
    ]
    proposal = scoring.moscow_propose(candidates=candidates, capacity=D("10"), must_share_limit=D("60"))
    assert proposal == {1: MUST, 2: SHOULD, 3: COULD, 4: MUST, 5: WONT}


efforts = st.decimals(min_value=D("0.25"), max_value=D("20"), places=2)
candidates_strategy = st.lists(
    st.tuples(efforts, st.decimals(min_value=D("0"), max_value=D("1000"), places=2)), max_size=30
)


@given(
    candidates=candidates_strategy,
    capacity=st.decimals(min_value=D("1"), max_value=D("100"), places=2),
    share=st.decimals(min_value=D("1"), max_value=D("100"), places=0),
)
def test_a_proposal_always_respects_the_capacity_rule(candidates, capacity, share):
    items = [scoring.Candidate(i, effort, score) for i, (effort, score) in enumerate(candidates)]
    proposal = scoring.moscow_propose(candidates=items, capacity=capacity, must_share_limit=share)
    check = scoring.moscow_check(
        items=[(proposal[c.id], c.effort) for c in items], capacity=capacity, must_share_limit=share
    )
    assert not check.over_must_limit
    assert not check.over_capacity
    assert set(proposal) == {c.id for c in items}


@given(candidates=candidates_strategy, capacity=st.decimals(min_value=D("1"), max_value=D("100"), places=2))
def test_a_proposal_leaves_nothing_out_that_would_still_fit(candidates, capacity):
    items = [scoring.Candidate(i, effort, score) for i, (effort, score) in enumerate(candidates)]
    proposal = scoring.moscow_propose(candidates=items, capacity=capacity, must_share_limit=D("60"))
    committed = sum((c.effort for c in items if proposal[c.id] != WONT), D(0))
    for c in items:
        if proposal[c.id] == WONT:
            assert committed + c.effort > capacity


# ---- monotonicity -------------------------------------------------------------------------------

reach = st.integers(min_value=0, max_value=10_000_000)
confidence = st.integers(min_value=0, max_value=100)
effort = st.decimals(min_value=D("0.01"), max_value=D("999999.99"), places=2)
impact = st.sampled_from(IMPACTS)


@given(reach=reach, extra=st.integers(min_value=0, max_value=1_000_000), impact=impact, c=confidence, e=effort)
def test_more_reach_never_lowers_rice(reach, extra, impact, c, e):
    low = scoring.rice(reach=reach, impact=impact, confidence=c, effort=e).value
    high = scoring.rice(reach=reach + extra, impact=impact, confidence=c, effort=e).value
    assert high >= low


@given(reach=reach, i1=impact, i2=impact, c=confidence, e=effort)
def test_more_impact_never_lowers_rice(reach, i1, i2, c, e):
    low, high = sorted([i1, i2])
    assert (
        scoring.rice(reach=reach, impact=high, confidence=c, effort=e).value
        >= scoring.rice(reach=reach, impact=low, confidence=c, effort=e).value
    )


@given(reach=reach, impact=impact, c=confidence, e1=effort, e2=effort)
def test_more_effort_never_raises_rice(reach, impact, c, e1, e2):
    low, high = sorted([e1, e2])
    assert (
        scoring.rice(reach=reach, impact=impact, confidence=c, effort=high).value
        <= scoring.rice(reach=reach, impact=impact, confidence=c, effort=low).value
    )


@given(
    parts=st.lists(st.sampled_from(scoring.WSJF_SCALE), min_size=3, max_size=3),
    bump=st.integers(min_value=0, max_value=20),
    s1=st.sampled_from(scoring.WSJF_SCALE),
    s2=st.sampled_from(scoring.WSJF_SCALE),
)
def test_wsjf_grows_with_cost_of_delay_and_shrinks_with_size(parts, bump, s1, s2):
    bv, tc, rr = parts
    small, large = sorted([s1, s2])
    base = scoring.wsjf(business_value=bv, time_criticality=tc, risk_reduction=rr, job_size=small).value
    assert scoring.wsjf(business_value=bv + bump, time_criticality=tc, risk_reduction=rr, job_size=small).value >= base
    assert scoring.wsjf(business_value=bv, time_criticality=tc, risk_reduction=rr, job_size=large).value <= base
