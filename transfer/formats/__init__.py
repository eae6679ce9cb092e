"""Readers of the source formats. Each turns a file into a stream of `SourceItem`s (see records.py),
reading CSV row by row and spreadsheets in openpyxl's read-only mode, so memory stays flat."""
