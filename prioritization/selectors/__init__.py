"""Reads of prioritisation, split by topic; import them from here."""

from .apply import APPLY_KIND, UNDO_KIND, ranking_apply_latest, ranking_apply_queryset
from .matrix import Matrix, MatrixPoint, matrix, matrix_svg_points
from .moscow import OPEN_STATUSES, MoscowRow, MoscowView, moscow
from .ranking import (
    RankedItems,
    RankedRow,
    RankingFilter,
    explain,
    items_for_ranking,
    manual_positions,
    ranked,
    ranked_page,
    rows_for,
    unscored,
    unscored_count,
)
from .runs import (
    JOB_KIND,
    SCORE_FIELDS,
    job_latest,
    snapshot_choices,
    snapshot_latest,
    snapshot_list,
    snapshot_positions,
)
from .scenarios import (
    SCENARIO_INPUTS,
    Move,
    scenario_changes,
    scenario_item_choices,
    scenario_list,
    scenario_moves,
)
from .scorecard import criteria_for, criteria_for_framework, criteria_list
from .settings import framework_or_default, settings_for

__all__ = [
    "APPLY_KIND",
    "UNDO_KIND",
    "ranking_apply_queryset",
    "ranking_apply_latest",
    "JOB_KIND",
    "OPEN_STATUSES",
    "SCENARIO_INPUTS",
    "SCORE_FIELDS",
    "Matrix",
    "MatrixPoint",
    "MoscowRow",
    "MoscowView",
    "Move",
    "RankedItems",
    "RankedRow",
    "RankingFilter",
    "criteria_for",
    "criteria_for_framework",
    "criteria_list",
    "explain",
    "framework_or_default",
    "items_for_ranking",
    "job_latest",
    "matrix",
    "matrix_svg_points",
    "moscow",
    "ranked",
    "ranked_page",
    "manual_positions",
    "rows_for",
    "scenario_changes",
    "scenario_item_choices",
    "scenario_list",
    "scenario_moves",
    "settings_for",
    "snapshot_choices",
    "snapshot_latest",
    "snapshot_list",
    "snapshot_positions",
    "unscored",
    "unscored_count",
]
