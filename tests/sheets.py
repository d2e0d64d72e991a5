"""Reading an export as its reader does: the table starts at the header, below the banner rows
(the watermark, and the notice of a cut export) that ``teams.exports.write_workbook`` puts above it."""

import io

from openpyxl import load_workbook


def header_row(sheet) -> int:
    """The header is the row just above the frozen pane."""
    return int(sheet.freeze_panes[1:]) - 1 if sheet.freeze_panes else 1


def table(sheet) -> list[tuple]:
    """The header and the data rows, as values."""
    return list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))


def open_table(content: bytes) -> list[tuple]:
    return table(load_workbook(io.BytesIO(content)).active)
