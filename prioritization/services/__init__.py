"""Writes of prioritisation, split by topic; import them from here."""

from .apply import ranking_apply, ranking_apply_start, ranking_order, ranking_undo, ranking_undo_start
from .moscow import moscow_apply
from .runs import (
    JOB_KIND,
    SCORE_FIELDS,
    product_reprioritise,
    product_reprioritise_start,
    product_run_lock,
    rescore_custom,
    settings_update,
)
from .scenarios import (
    scenario_apply,
    scenario_create,
    scenario_discard,
    scenario_item_input_remove,
    scenario_item_input_set,
    scenario_update,
)
from .scorecard import (
    criteria_for,
    criterion_create,
    criterion_delete,
    criterion_update,
    criterion_values_set,
)

__all__ = [
    "ranking_apply",
    "ranking_apply_start",
    "ranking_order",
    "ranking_undo",
    "ranking_undo_start",
    "JOB_KIND",
    "SCORE_FIELDS",
    "criteria_for",
    "criterion_create",
    "criterion_delete",
    "criterion_update",
    "criterion_values_set",
    "moscow_apply",
    "product_reprioritise",
    "product_reprioritise_start",
    "product_run_lock",
    "rescore_custom",
    "scenario_apply",
    "scenario_create",
    "scenario_discard",
    "scenario_item_input_remove",
    "scenario_item_input_set",
    "scenario_update",
    "settings_update",
]
