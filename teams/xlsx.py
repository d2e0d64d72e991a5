"""A small streaming xlsx writer: the worksheet XML written directly, row by row, into a deflated zip entry.

openpyxl's write-only workbook built a cell object per value, styled it, and serialised it through lxml: half
of the time of an export of 300,000 complaints. Here a row is one string made from the values, the styles are
defined once for the whole workbook, and nothing of a row is kept once it is written, so memory stays flat
however long the sheet. The parts are those openpyxl writes (ECMA-376 Part 1, SpreadsheetML: workbook, one
worksheet per sheet with inline strings, styles, theme, document properties), and openpyxl, LibreOffice and
Excel read the file as openpyxl's (tests/teams/test_xlsx.py opens it with openpyxl and, when installed,
LibreOffice).

A cell holds what ``openpyxl`` would make of the value, with the rules ``teams.exports`` writes by:

- ``int``, ``float``, ``Decimal`` are numbers (``%.16g``, as openpyxl; NaN and infinities are left empty);
  ``bool`` is a boolean;
- ``datetime``, ``date``, ``time`` and ``timedelta`` are serial numbers (the 1900 date system) with a date or
  time format; an aware ``datetime`` is first turned into local time (the current time zone);
- a string is an inline string: characters XML cannot hold are dropped (openpyxl refuses them), it is cut at
  Excel's 32,767 characters, and one that Excel would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return first) is stored as text with Excel's quote prefix;
- ``Figure(value, number_format)`` is the value with that number format (money, percentages…);
- ``None`` and ``""`` leave the cell empty. Any other type is refused (``ValueError``), as openpyxl does.
"""

import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from itertools import chain
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.writer.theme import theme_xml

# A cell starting with one of these is a formula to Excel (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (openpyxl refuses the control characters; lone surrogates cannot even be encoded).
ILLEGAL_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# One search says whether a string needs any work beyond being copied: illegal characters or markup.
_SPECIAL_RE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_STRING = 32767  # Excel's limit for a cell's text (openpyxl cuts there too)
# The default formats of values without one (openpyxl's for time and timedelta).
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "h:mm:ss"
TIMEDELTA_FORMAT = "[hh]:mm:ss"
# The 1900 date system: day 1 is 1900-01-01, and Excel counts the 29 February 1900 that never was.
EPOCH = datetime(1899, 12, 30)
EPOCH_ORDINAL = EPOCH.toordinal()
FLUSH_ROWS = 500  # rows joined into one write to the zip entry
# What one worksheet may hold: Excel's 1,048,576 rows, and XML well under the 2 GiB at which a zip entry needs
# ZIP64, which Excel reads only in its own strict variant. A longer list goes on into "Title (2)", "Title (3)"…
MAX_ROWS = 1_048_576
MAX_PART_BYTES = 1 << 30  # checked at each flush: 500 rows of the widest cells stay below 2 GiB
# Fast enough and nearly as small as the default 6 on XML this repetitive (300,000 complaints: 4 s less).
COMPRESS_LEVEL = 1

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_END = object()
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Figure:
    """A number with the Excel number format it is shown in (e.g. ``0.0%``)."""

    value: object
    number_format: str = "General"


@dataclass(frozen=True)
class Font:
    bold: bool = False
    italic: bool = False
    color: str = ""  # RRGGBB

    def xml(self) -> str:
        color = f'<color rgb="FF{self.color}"/>' if self.color else '<color theme="1"/>'
        return (
            "<font>"
            + ('<b val="1"/>' if self.bold else "")
            + ('<i val="1"/>' if self.italic else "")
            + f'<sz val="11"/>{color}<name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
        )


PLAIN = Font()


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_serial(value) -> float | int:
    """``value`` (naive ``datetime``, ``date``, ``time`` or ``timedelta``) as Excel's serial number, as
    openpyxl's ``to_excel`` computes it."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, time):
        return _day_fraction(value)
    days = value.toordinal() - EPOCH_ORDINAL
    if 0 < days <= 60:
        days -= 1  # before 1 March 1900 (Excel's phantom leap day)
    return days + _day_fraction(value) if isinstance(value, datetime) else days


def _day_fraction(value) -> float:
    return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6) / 86400


def clean_text(value: str) -> str:
    """The text as a cell can hold it: characters XML cannot hold dropped, cut at Excel's limit."""
    return ILLEGAL_XML_RE.sub("", value)[:MAX_STRING]


def _text_xml(value: str) -> str:
    """Escaped for an element's content; a carriage return as a character reference, or readers would read
    it as a line feed."""
    return escape(value).replace("\r", "&#13;")


def _attr(value: str) -> str:
    return quoteattr(ILLEGAL_XML_RE.sub("", value), {"\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


class Workbook:
    """One workbook written into ``target`` (a binary file; a non-seekable one, such as an ``HttpResponse``,
    gets the finished file in one write): ``sheet(...)`` as many times as there are sheets, then ``close()``."""

    def __init__(self, target, *, creator: str = ""):
        self.target = target
        seekable = getattr(target, "seekable", None)
        # zipfile writes sizes after the data into a file it can seek in; Excel wants them there.
        self.buffer = target if seekable is not None and seekable() else BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
        self.creator = creator
        self.created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.titles: list[str] = []
        self.fonts: dict[Font, int] = {PLAIN: 0}
        self.formats: dict[str, int] = {}
        self.styles: dict[tuple[int, int, bool], int] = {(0, 0, False): 0}
        self.zone = timezone.get_current_timezone()

    # Styles: each combination written once into styles.xml, cells point at it by number.

    def style(self, *, font: Font = PLAIN, number_format: str = "General", quote_prefix: bool = False) -> int:
        font_id = self.fonts.setdefault(font, len(self.fonts))
        format_id = BUILTIN_FORMATS_REVERSE.get(number_format)
        if format_id is None:
            format_id = self.formats.setdefault(number_format, 164 + len(self.formats))
        return self.styles.setdefault((font_id, format_id, quote_prefix), len(self.styles))

    # Sheets

    def sheet(
        self,
        title: str,
        rows: Iterable[Sequence],
        *,
        top: Sequence[tuple[Sequence, Font]] = (),
        widths: Sequence[float] = (),
        freeze_rows: int = 0,
        page_header: str = "",
    ) -> int:
        """Write one sheet: the ``top`` rows (values and their font: banners, the header), then ``rows``;
        return the number of ``rows``. The first ``freeze_rows`` rows stay in view when scrolling;
        ``page_header`` is printed at the top of every page. Rows beyond what a worksheet holds go on into
        "Title (2)" and so on, each under the same ``top`` rows: nothing is cut, and Excel opens every part."""
        rows, written, part = iter(rows), 0, 1
        while True:
            suffix = f" ({part})" if part > 1 else ""
            written += self._part(self._title(title, suffix), rows, top, widths, freeze_rows, page_header)
            following = next(rows, _END)
            if following is _END:
                return written
            rows, part = chain([following], rows), part + 1

    def _part(self, title, rows, top, widths, freeze_rows: int, page_header: str) -> int:
        """One worksheet: the ``top`` rows, then ``rows`` until the sheet is full (``MAX_ROWS``,
        ``MAX_PART_BYTES``); what remains in ``rows`` is left for the next."""
        self.titles.append(title)
        number = len(self.titles)
        with self.zip.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
            part.write(self._sheet_start(number, widths, freeze_rows).encode())
            writer = _RowWriter(self)
            line = 0
            for values, font in top:
                line += 1
                part.write(writer.row(line, values, font).encode())
            written = writer.rows(part, rows, line)
            end = '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            if page_header:
                text = _text_xml("&C" + clean_text(page_header).replace("&", "&&"))
                end += f"<headerFooter><oddHeader>{text}</oddHeader><evenHeader>{text}</evenHeader>"
                end += f"<firstHeader>{text}</firstHeader></headerFooter>"
            part.write((end + "</worksheet>").encode())
        return written

    def _title(self, title: str, suffix: str = "") -> str:
        # Excel refuses these characters in a sheet's name, and two sheets of the same name (in any case).
        title = re.sub(r"[\\*?:/\[\]]", "_", clean_text(str(title)))[: 31 - len(suffix)].strip("'") or "Sheet"
        title += suffix
        taken = {t.lower() for t in self.titles}
        candidate, n = title, 1
        while candidate.lower() in taken:
            suffix = str(n)
            candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
        return candidate

    def _sheet_start(self, number: int, widths, freeze_rows: int) -> str:
        selected = ' tabSelected="1"' if number == 1 else ""
        if freeze_rows:
            top_left = f"A{freeze_rows + 1}"
            view = (
                f'<sheetView workbookViewId="0"{selected}><pane ySplit="{freeze_rows}" topLeftCell="{top_left}" '
                f'activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="{top_left}" sqref="{top_left}"/></sheetView>'
            )
        else:
            view = f'<sheetView workbookViewId="0"{selected}/>'
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>' for i, width in enumerate(widths, start=1)
        )
        return (
            f'{DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/></sheetPr><sheetViews>{view}</sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    # The rest of the package, once every sheet is written

    def close(self) -> None:
        if not self.titles:
            self.sheet("Sheet", [])
        parts = {
            "[Content_Types].xml": self._content_types(),
            "_rels/.rels": _relationships(
                [
                    ("officeDocument", REL_NS + "/officeDocument", "xl/workbook.xml"),
                    ("core", PKG_REL_NS + "/metadata/core-properties", "docProps/core.xml"),
                    ("app", REL_NS + "/extended-properties", "docProps/app.xml"),
                ]
            ),
            "docProps/core.xml": self._core(),
            "docProps/app.xml": (
                f'{DECLARATION}<Properties xmlns="{REL_NS.replace("relationships", "extended-properties")}">'
                "<Application>Microsoft Excel</Application></Properties>"
            ),
            "xl/workbook.xml": self._workbook(),
            "xl/_rels/workbook.xml.rels": _relationships(
                [(f"rId{i}", REL_NS + "/worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(self.titles) + 1)]
                + [
                    ("rIdStyles", REL_NS + "/styles", "styles.xml"),
                    ("rIdTheme", REL_NS + "/theme", "theme/theme1.xml"),
                ]
            ),
            "xl/styles.xml": self._styles(),
            "xl/theme/theme1.xml": theme_xml,
        }
        for name, text in parts.items():
            self.zip.writestr(name, text.encode())
        self.zip.close()
        if self.buffer is not self.target:
            self.target.write(self.buffer.getvalue())

    def _content_types(self) -> str:
        office = "application/vnd.openxmlformats-officedocument"
        overrides = [
            ("/xl/workbook.xml", office + ".spreadsheetml.sheet.main+xml"),
            ("/xl/styles.xml", office + ".spreadsheetml.styles+xml"),
            ("/xl/theme/theme1.xml", office + ".theme+xml"),
            ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
            ("/docProps/app.xml", office + ".extended-properties+xml"),
        ] + [
            (f"/xl/worksheets/sheet{i}.xml", office + ".spreadsheetml.worksheet+xml")
            for i in range(1, len(self.titles) + 1)
        ]
        return (
            f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
            + "</Types>"
        )

    def _core(self) -> str:
        creator = f"<dc:creator>{_text_xml(clean_text(self.creator))}</dc:creator>" if self.creator else ""
        return (
            f"{DECLARATION}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'{creator}<dcterms:created xsi:type="dcterms:W3CDTF">{self.created}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{self.created}</dcterms:modified></cp:coreProperties>'
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={_attr(title)} sheetId="{i}" r:id="rId{i}"/>' for i, title in enumerate(self.titles, start=1)
        )
        return (
            f'{DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )

    def _styles(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode={_attr(code)}/>' for code, number in self.formats.items()
        )
        fonts = "".join(font.xml() for font in self.fonts)
        xfs = "".join(
            f'<xf numFmtId="{format_id}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"'
            + (' applyNumberFormat="1"' if format_id else "")
            + (' applyFont="1"' if font_id else "")
            + (' quotePrefix="1"' if quote else "")
            + "/>"
            for font_id, format_id, quote in self.styles
        )
        return (
            f'{DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self.fonts)}">{fonts}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(self.styles)}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )


def _relationships(entries) -> str:
    return (
        f'{DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
        + "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in entries)
        + "</Relationships>"
    )


class _RowWriter:
    """Rows as SpreadsheetML, for one sheet. ``rows`` is the hot loop (300,000 rows × 19 columns in an
    export of every complaint): the common values — text, whole numbers, times — are handled inline, with the
    style numbers of the workbook looked up once; ``_cell`` does the rest and the styled rows above the table."""

    def __init__(self, book: Workbook):
        self.book = book
        self.letters: list[str] = []
        self.zone = book.zone
        self.quoted = book.style(quote_prefix=True)
        self.date_style = book.style(number_format=DATE_FORMAT)
        self.datetime_style = book.style(number_format=DATETIME_FORMAT)

    def _letters(self, n: int) -> list[str]:
        while len(self.letters) < n:
            self.letters.append(column_letter(len(self.letters) + 1))
        return self.letters

    def row(self, line: int, values: Sequence, font: Font = PLAIN) -> str:
        letters = self._letters(len(values))
        cells = "".join(self._cell(f"{letters[i]}{line}", value, font) for i, value in enumerate(values))
        return f'<row r="{line}">{cells}</row>'

    def _cell(self, ref: str, value, font: Font = PLAIN) -> str:
        number_format = None
        if type(value) is Figure:
            value, number_format = value.value, value.number_format
        content, kind, default_format, quote = self._content(value)
        style = self.book.style(
            font=font, number_format=number_format or default_format or "General", quote_prefix=quote
        )
        s = f' s="{style}"' if style else ""
        if content is None:
            return f'<c r="{ref}"{s}/>' if style else ""
        return f'<c r="{ref}"{s}{kind}>{content}</c>'

    def _content(self, value) -> tuple[str | None, str, str | None, bool]:
        """(the cell's inner XML, its type attribute, its default number format, whether quoted)."""
        if isinstance(value, Promise):
            value = str(value)
        if isinstance(value, bytes):
            value = value.decode()
        if value is None:
            return None, "", None, False
        if isinstance(value, bool):
            return f"<v>{int(value)}</v>", ' t="b"', None, False
        if isinstance(value, int | float | Decimal):
            if isinstance(value, int):
                return f"<v>{value}</v>", "", None, False
            value = float(value)  # a Decimal too, as openpyxl writes it
            if math.isnan(value) or math.isinf(value):
                return None, "", None, False
            return f"<v>{value:.16g}</v>", "", None, False
        if isinstance(value, str):
            value = clean_text(value)
            if not value:
                return None, "", None, False
            space = ' xml:space="preserve"' if value != value.strip() else ""
            text = f"<is><t{space}>{_text_xml(value)}</t></is>"
            return text, ' t="inlineStr"', None, value.startswith(FORMULA_START)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(self.zone).replace(tzinfo=None)
            return f"<v>{excel_serial(value):.16g}</v>", "", DATETIME_FORMAT, False
        if isinstance(value, date):
            return f"<v>{excel_serial(value)}</v>", "", DATE_FORMAT, False
        if isinstance(value, time):
            return f"<v>{excel_serial(value):.16g}</v>", "", TIME_FORMAT, False
        if isinstance(value, timedelta):
            return f"<v>{excel_serial(value):.16g}</v>", "", TIMEDELTA_FORMAT, False
        raise ValueError(f"Cannot convert {value!r} to Excel")

    def rows(self, part, rows: Iterator[Sequence], line: int) -> int:
        """Write ``rows`` from row ``line + 1`` on, until they end or the sheet is full; return how many."""
        letters = self._letters(32)
        zone, epoch, fraction = self.zone, EPOCH_ORDINAL, _day_fraction
        quoted, date_style, datetime_style = self.quoted, self.date_style, self.datetime_style
        special, formula_start, cell = _SPECIAL_RE.search, FORMULA_START, self._cell
        out: list[str] = []
        add = out.append
        first, size, last, most = line, 0, MAX_ROWS, MAX_PART_BYTES
        for values in rows:
            line += 1
            if len(values) > len(letters):
                letters = self._letters(len(values))
            add(f'<row r="{line}">')
            for i, value in enumerate(values):
                kind = type(value)
                if kind is str:
                    if not value:
                        continue
                    if special(value) is not None:
                        value = clean_text(value)
                        if not value:
                            continue
                        text = _text_xml(value)
                    elif len(value) > MAX_STRING:
                        text = value = value[:MAX_STRING]
                    else:
                        text = value
                    space = ' xml:space="preserve"' if value != value.strip() else ""
                    s = f' s="{quoted}"' if value.startswith(formula_start) else ""
                    add(f'<c r="{letters[i]}{line}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>')
                elif value is None:
                    continue
                elif kind is int:
                    add(f'<c r="{letters[i]}{line}"><v>{value}</v></c>')
                elif kind is datetime:
                    if value.tzinfo is not None:
                        value = value.astimezone(zone)
                    days = value.toordinal() - epoch
                    if days <= 60:
                        days -= days > 0
                    serial = days + fraction(value)
                    add(f'<c r="{letters[i]}{line}" s="{datetime_style}"><v>{serial:.16g}</v></c>')
                elif kind is date:
                    days = value.toordinal() - epoch
                    if days <= 60:
                        days -= days > 0
                    add(f'<c r="{letters[i]}{line}" s="{date_style}"><v>{days}</v></c>')
                else:
                    add(cell(f"{letters[i]}{line}", value))
            add("</row>")
            if line % FLUSH_ROWS == 0:
                size += part.write("".join(out).encode())
                out.clear()
                if size >= most:
                    break
            if line == last:
                break
        part.write("".join(out).encode())
        return line - first
