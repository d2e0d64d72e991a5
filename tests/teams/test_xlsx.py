"""The streaming xlsx writer (teams/xlsx.py) against openpyxl, which wrote every export before it: each kind
of value must come back from the file exactly as from the workbook openpyxl writes for it (value, type,
number format, font, quote prefix), and the file must open in LibreOffice as shown to a reader."""

import csv
import datetime as dt
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from teams.exports import INTEGER, MONEY, MONEY_WHOLE, MONTH, PERCENT, TWO_DECIMALS, Figure, Sheet, write_workbook
from teams.xlsx import FORMULA_START

SHANGHAI_NOON = dt.datetime(2026, 11, 3, 4, 0, tzinfo=dt.UTC)
# Every kind of value an export holds, and the edges of each.
VALUES = [
    0,
    -5,
    2**40,
    4.22,
    1 / 3,
    1e-7,
    Decimal("231600.50"),
    Decimal("0.855"),
    True,
    False,
    dt.date(2026, 11, 3),
    dt.date(1900, 1, 1),
    dt.date(1900, 3, 1),
    dt.datetime(2026, 11, 3, 9, 15),
    SHANGHAI_NOON,
    dt.datetime(2026, 11, 3, 23, 59, 59, 500000, tzinfo=dt.UTC),
    dt.time(10, 30),
    dt.timedelta(hours=30, minutes=5),
    "墙砖空鼓，客户要求三天内返工",
    'a & b < c > d "e"',
    " 前后有空格 ",
    "第一行\n第二行",
    "回车\r之后",
    "铃\x07声",
    "\x07\x08",
    "=SUM(A1)",
    "+8613800000000",
    "-2",
    "@x",
    "\tx",
    "x" * 40000,
    "",
    None,
    gettext_lazy("Complaints"),
    Figure(Decimal("231600.50"), MONEY),
    Figure(9, MONEY_WHOLE),
    Figure(Decimal("0.855"), PERCENT),
    Figure(dt.date(2026, 11, 1), MONTH),
    Figure(Decimal("1.50"), TWO_DECIMALS),
    Figure(12345, INTEGER),
    Figure(None, TWO_DECIMALS),
    Figure("文字"),
]


def _openpyxl_cell(sheet, value, font=None):
    """The cell the exports' writer made with openpyxl's write-only workbook (teams/exports.py before
    teams/xlsx.py), for the reference file."""
    number_format = None
    if isinstance(value, Figure):
        value, number_format = value.value, value.number_format
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    elif value is not None and not isinstance(value, int | float | Decimal | dt.date | dt.time | dt.timedelta):
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _reference(rows, *, header, watermark) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("投诉")
    banner = _openpyxl_cell(sheet, watermark, Font(italic=True, color="7F7F7F"))
    sheet.append([banner])
    sheet.append([_openpyxl_cell(sheet, h, Font(bold=True)) for h in header])
    for row in rows:
        sheet.append([_openpyxl_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ours(rows, *, header, watermark) -> bytes:
    buffer = io.BytesIO()
    assert write_workbook(buffer, [Sheet("投诉", header, rows)], watermark=watermark) == len(rows)
    return buffer.getvalue()


def _seen(cell) -> tuple:
    color = cell.font.color.rgb[-6:] if cell.font.color is not None and cell.font.color.type == "rgb" else None
    return (
        cell.value,
        cell.data_type,
        cell.number_format,
        bool(cell.font.b),
        bool(cell.font.i),
        color,
        cell.quotePrefix,
    )


def _cells(content: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(content)).active
    return {cell.coordinate: _seen(cell) for row in sheet.iter_rows() for cell in row if cell.value is not None}


def test_every_kind_of_value_reads_back_as_openpyxl_wrote_it():
    header, watermark = ["编号", "=表头"], "导出人：王建国（gm） · 内部资料"
    rows = [VALUES[i : i + 7] for i in range(0, len(VALUES), 7)]
    ours, reference = (
        _cells(_ours(rows, header=header, watermark=watermark)),
        _cells(_reference(rows, header=header, watermark=watermark)),
    )
    assert ours.keys() == reference.keys()
    for coordinate, seen in reference.items():
        assert ours[coordinate] == seen, coordinate


def test_cells_people_read():
    """The same, said as a reader sees it: numbers are numbers, times are Shanghai times with a date format,
    formula-looking text is quoted text, the cut is Excel's 32,767 characters."""
    rows = [
        [7, Decimal("231600.50"), SHANGHAI_NOON, dt.date(2026, 11, 3), "=1+1", "x" * 40000, "\ud800孤"],
        [Figure(Decimal("0.855"), PERCENT), Figure(Decimal("231600.5"), MONEY), Figure(dt.date(2026, 11, 1), MONTH)],
    ]
    sheet = load_workbook(io.BytesIO(_ours(rows, header=["a"], watermark=""))).active
    number, money, when, day, formula, long_text, surrogate = sheet[2]
    assert number.data_type == "n" and number.value == 7
    assert money.data_type == "n" and money.value == pytest.approx(231600.5)
    assert when.is_date and when.value == dt.datetime(2026, 11, 3, 12, 0) and when.number_format == "yyyy-mm-dd hh:mm"
    assert day.is_date and day.value == dt.datetime(2026, 11, 3) and day.number_format == "yyyy-mm-dd"
    assert formula.data_type == "s" and formula.value == "=1+1" and formula.quotePrefix
    assert len(long_text.value) == 32767
    assert surrogate.value == "孤"  # a lone surrogate cannot be written: dropped, not the export failed
    share, amount, month = sheet[3][:3]
    assert share.number_format == "0.0%" and amount.number_format == '"¥"#,##0.00'
    assert month.is_date and month.number_format == "yyyy-mm"


def test_a_figure_of_formula_text_is_still_text():
    """openpyxl made ``Figure("=…")`` a formula; the writer's guard covers every string."""
    sheet = load_workbook(io.BytesIO(_ours([[Figure("=HYPERLINK(1)")]], header=["a"], watermark=""))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=HYPERLINK(1)" and sheet["A2"].quotePrefix


def test_sheet_frame_titles_widths_frozen_header_page_header_author():
    buffer = io.BytesIO()
    sheets = [
        Sheet("投诉/一览:*?", ["编号", "日期"], [[1, dt.date(2026, 11, 3)]], widths=(8, 18), notice="只导出了一部分"),
        Sheet("投诉/一览:*?", ["编号"], []),
        Sheet("长" * 40, ["x"], [[1]]),
    ]
    assert write_workbook(buffer, sheets, watermark="导出人：A & B") == 2
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["投诉_一览___", "投诉_一览___1", "长" * 31]
    assert workbook.properties.creator == "导出人：A & B"
    sheet = workbook.active
    assert sheet.title == "投诉_一览___"
    assert sheet.freeze_panes == "A4"
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == ["导出人：A & B", "只导出了一部分", "编号"]
    assert sheet["A1"].font.i and sheet["A2"].font.b and sheet["A2"].font.color.rgb.endswith("9C0006")
    assert sheet["A3"].font.b and sheet["B3"].font.b and not sheet["A4"].font.b
    assert [sheet.column_dimensions[c].width for c in "AB"] == [8, 18]
    # Printed on every page; "&&" is a literal ampersand in a page header ("&B" would switch to bold).
    assert sheet.oddHeader.center.text == sheet.firstHeader.center.text == "导出人：A && B"
    assert workbook["投诉_一览___1"].freeze_panes == "A3" and workbook["投诉_一览___1"].max_row == 2


def test_a_list_longer_than_a_sheet_goes_on_into_the_next(monkeypatch):
    """Excel opens no sheet of more than 1,048,576 rows: the rows beyond go on into "Title (2)", each part under
    the same watermark and header, and none is lost."""
    from teams import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 6)  # 2 rows above the data: 4 data rows a sheet
    buffer = io.BytesIO()
    rows = ([n, f"第{n}条"] for n in range(1, 11))
    assert write_workbook(buffer, [Sheet("长" * 40, ["编号", "内容"], rows)], watermark="导出人：A") == 10
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["长" * 31, "长" * 27 + " (2)", "长" * 27 + " (3)"]
    read = []
    for sheet in workbook.worksheets:
        values = list(sheet.values)
        assert values[:2] == [("导出人：A", None), ("编号", "内容")] and sheet.freeze_panes == "A3"
        assert len(values) <= 6
        read += values[2:]
    assert read == [(n, f"第{n}条") for n in range(1, 11)]


def test_a_sheet_goes_on_before_its_xml_needs_zip64(monkeypatch):
    from teams import xlsx

    monkeypatch.setattr(xlsx, "MAX_PART_BYTES", 1)  # full at the first flush
    buffer = io.BytesIO()
    count = xlsx.FLUSH_ROWS + 1
    assert write_workbook(buffer, [Sheet("通话", ["编号"], ([n] for n in range(count)))]) == count
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["通话", "通话 (2)"]
    assert [len(list(sheet.values)) - 1 for sheet in workbook.worksheets] == [xlsx.FLUSH_ROWS - 1, 2]


def test_the_package_is_what_excel_expects():
    """No zip64 extension (Excel refuses it on small files), every part declared, the sheet's parts in
    SpreadsheetML order."""
    content = _ours([[1, "a"]], header=["a", "b"], watermark="w")
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        names = set(package.namelist())
        assert package.testzip() is None
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in package.infolist())
        types = package.read("[Content_Types].xml").decode()
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert content[4:6] == b"\x14\x00"  # "version needed to extract" 2.0, not 4.5 (zip64)
    assert names == {
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/theme/theme1.xml",
        "xl/worksheets/sheet1.xml",
    }
    for part in names - {"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"}:
        assert f'PartName="/{part}"' in types
    order = ["<sheetPr>", "<sheetViews>", "<sheetFormatPr", "<cols>", "<sheetData>", "<pageMargins", "<headerFooter>"]
    assert [sheet.index(tag) for tag in order] == sorted(sheet.index(tag) for tag in order)


def test_a_response_that_cannot_seek_gets_the_whole_file():
    from django.http import HttpResponse

    response = HttpResponse()
    write_workbook(response, [Sheet("a", ["x"], [[1]])])
    assert load_workbook(io.BytesIO(response.content)).active["A2"].value == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it_as_shown(tmp_path):
    """LibreOffice reads the file (Excel and WPS users are the audience; LibreOffice is the reader we can run
    here) and shows each value in its format; the formula-looking text is text, not computed."""
    rows = [
        [
            7,
            Figure(Decimal("231600.5"), MONEY),
            Figure(Decimal("0.855"), PERCENT),
            SHANGHAI_NOON,
            dt.date(2026, 11, 3),
            "=1+1",
            "a & <b>",
            "回车\r之后",
        ]
    ]
    path = tmp_path / "export.xlsx"
    path.write_bytes(_ours(rows, header=["编号", "金额"], watermark="导出人：A"))
    # Tokens: comma, double quote, UTF-8, from line 1, …, the 9th "save cell contents as shown".
    filter_ = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    subprocess.run(  # noqa: S603
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            filter_,
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (output,) = tmp_path.glob("export*.csv")  # one file per sheet (the last token: every sheet)
    table = list(csv.reader(io.StringIO(output.read_bytes().decode(), newline="")))
    assert table[0][0] == "导出人：A" and table[1][:2] == ["编号", "金额"]
    assert table[2] == ["7", "¥231,600.50", "85.5%", "2026-11-03 12:00", "2026-11-03", "=1+1", "a & <b>", "回车\r之后"]
