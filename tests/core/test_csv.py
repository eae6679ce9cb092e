"""Every spreadsheet export goes through one writer that neutralises formulas."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from core.csv import FORMULA_STARTS, csv_text, neutralise


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@given(st.text(max_size=30))
def test_no_cell_a_spreadsheet_would_evaluate_survives(value):
    written = _cells(csv_text(["title"], [[value]]))[1][0]
    assert not written[:1] or written[:1] not in FORMULA_STARTS
    # Harmless text is written exactly as it is.
    if value[:1] not in FORMULA_STARTS and "\r" not in value:
        assert written == value


def test_numbers_are_left_alone():
    assert neutralise(-3) == -3
    assert _cells(csv_text(["n"], [[-3]]))[1] == ["-3"]
