"""The placement report as CSV and XLSX: columns, formula-injection neutralisation, writers.

Rows come from ``values_list(...).iterator(chunk_size=2000)``: a server-side cursor hands them
over in chunks, so memory stays flat whatever the number of placements.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Placement
from listings.models import Field, Listing

CHUNK_SIZE = 2000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The media type of each export format (ReportExport.Format), for downloads from pages and the API.
CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
# A spreadsheet treats a cell starting with one of these as a formula (tab and carriage return
# too, in some programs): such text gets a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Make user-written text safe to open in a spreadsheet (CSV injection)."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    path: str
    kind: str = "text"  # text | int | decimal | date | choice
    labels: dict | None = None
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("Placement", "pk", "int", width=10),
    Column("Student", "student__name", width=24),
    Column("Email", "student__email", width=28),
    Column("Student ID", "student__student_profile__student_number", width=14),
    Column("Program", "student__student_profile__program", width=26),
    Column("Graduation year", "student__student_profile__graduation_year", "int", width=10),
    Column("Organization", "organization__name", width=26),
    Column("Organization country", "organization__country", width=10),
    Column("Listing", "listing__title", width=36),
    Column("Kind", "listing__kind", "choice", dict(Listing.Kind.choices)),
    Column("Field", "listing__field", "choice", dict(Field.choices), width=20),
    Column("Compensation", "listing__compensation_type", "choice", dict(Listing.Compensation.choices)),
    Column("Amount", "listing__compensation_amount", "decimal", width=12),
    Column("Currency", "listing__currency", width=8),
    Column("Pay period", "listing__pay_period", "choice", dict(Listing.PayPeriod.choices), width=10),
    Column("Hours per week", "listing__hours_per_week", "int", width=8),
    Column("Start", "start_date", "date", width=12),
    Column("End", "end_date", "date", width=12),
    Column("Status", "status", "choice", dict(Placement.Status.choices), width=12),
    Column("Hours logged", "hours_logged", "decimal", width=10),
    Column("Certificate", "certificate__code", width=18),
    # The supervisor's average rating, once the evaluation is revealed (``placement_report``).
    Column("Average rating", "revealed_average", "decimal", width=10),
)
HEADERS = [c.header for c in COLUMNS]


def _converters(for_csv: bool) -> list[Callable]:
    def text(v):
        return neutralise(v or "")

    def choice_of(labels):
        return lambda v: labels.get(v, v or "")

    def plain(v):
        if v is None:
            return ""
        if for_csv and isinstance(v, date | Decimal):
            return v.isoformat() if isinstance(v, date) else format(v, "f")
        return v

    out = []
    for column in COLUMNS:
        if column.kind == "text":
            out.append(text)
        elif column.kind == "choice":
            out.append(choice_of(column.labels))
        else:
            out.append(plain if for_csv else (lambda v: v))
    return out


def report_rows(queryset: QuerySet[Placement], *, for_csv: bool) -> Iterator[list]:
    """The report's rows, converted for the output format, streamed from the database."""
    convert = _converters(for_csv)
    pairs = list(enumerate(convert))
    for raw in queryset.values_list(*(c.path for c in COLUMNS)).iterator(chunk_size=CHUNK_SIZE):
        yield [f(raw[i]) for i, f in pairs]


class _Echo:
    """A file-like object whose write returns what it is given (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(queryset: QuerySet[Placement]) -> Iterator[str]:
    """The CSV text, a few rows at a time (with a BOM so spreadsheet programs read it as UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)
    batch: list[str] = []
    for row in report_rows(queryset, for_csv=True):
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def write_csv(fileobj, queryset: QuerySet[Placement], *, progress: Callable[[int], None] | None = None) -> int:
    """Write the CSV to a binary file; returns the number of rows."""
    count = 0
    writer = csv.writer(_TextSink(fileobj))
    fileobj.write("\ufeff".encode())
    writer.writerow(HEADERS)
    for row in report_rows(queryset, for_csv=True):
        writer.writerow(row)
        count += 1
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    return count


class _TextSink:
    def __init__(self, fileobj):
        self.fileobj = fileobj

    def write(self, value: str) -> None:
        self.fileobj.write(value.encode("utf-8"))


def write_xlsx(
    fileobj,
    queryset: QuerySet[Placement],
    *,
    institution_name: str,
    filters: dict,
    summary: dict,
    total: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the workbook (write-only mode: rows go to disk as they come): a summary sheet, then
    the placements with a bold, frozen header row and typed cells (numbers, dates)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    sheet = workbook.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 40
    for label, value in _summary_rows(institution_name, filters, summary, total):
        title = WriteOnlyCell(sheet, value=neutralise(label))
        if value is None:
            title.font = bold
        sheet.append([title, value if not isinstance(value, str) else neutralise(value)])

    sheet = workbook.create_sheet("Placements")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in report_rows(queryset, for_csv=False):
        sheet.append(row)
        count += 1
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    workbook.save(fileobj)
    return count


def _summary_rows(institution_name: str, filters: dict, summary: dict, total: int) -> Iterable[tuple[str, object]]:
    yield ("Placement report", None)
    yield ("Institution", institution_name)
    # timezone.now() is in UTC; spreadsheet cells hold naive date-times.
    yield ("Generated at (UTC)", timezone.now().replace(tzinfo=None, microsecond=0))
    yield ("Placements", total)
    yield ("From", filters.get("date_from") or "any")
    yield ("To", filters.get("date_to") or "any")
    yield ("Program", filters.get("program") or "all")
    yield ("Graduation year", filters.get("graduation_year") or "all")
    yield ("", "")
    yield ("By status", None)
    for value, label in Placement.Status.choices:
        yield (label, summary["status"].get(value, 0))
    yield ("", "")
    yield ("By compensation", None)
    for value, label in Listing.Compensation.choices:
        yield (label, summary["compensation"].get(value, 0))
    yield ("", "")
    yield ("By field", None)
    labels = dict(Field.choices)
    for value, n in sorted(summary["field"].items(), key=lambda item: (-item[1], item[0])):
        yield (labels.get(value, value), n)
