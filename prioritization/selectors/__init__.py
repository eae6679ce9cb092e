"""Reads of prioritisation, split by topic; import them from here."""

from .matrix import Matrix, MatrixPoint, matrix, matrix_svg_points
from .moscow import OPEN_STATUSES, MoscowRow, MoscowView, moscow
from .ranking import (
    RankedRow,
    RankingFilter,
    criteria_for_framework,
    criteria_list,
    explain,
    framework_or_default,
    items_for_ranking,
    job_latest,
    ranked,
    rows_for,
    scenario_list,
    snapshot_choices,
    snapshot_latest,
    snapshot_positions,
    unscored,
)
from .scenarios import Move, scenario_moves

__all__ = [
    "OPEN_STATUSES",
    "Matrix",
    "MatrixPoint",
    "MoscowRow",
    "MoscowView",
    "Move",
    "RankedRow",
    "RankingFilter",
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
    "rows_for",
    "scenario_list",
    "scenario_moves",
    "snapshot_choices",
    "snapshot_latest",
    "snapshot_positions",
    "unscored",
]
