"""Excel sheets read the fast way (fastexcel plus the sheet's XML) come out exactly as python-calamine reads them."""

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from etl.workbooks import Grid, read_grids
from tests.conftest import make_id

ID = make_id("19500101", 7)
HEADER = ["序号", "身份证号", "姓名", "社区", "探访日期", "探访方式", "备注"]
# every kind of cell a clerk's workbook holds, below a title and a header
ROWS = [
    ["和平区探访关爱服务记录"],
    ["填报单位：劝业场街道", None, "填报日期", dt.date(2026, 10, 5)],
    HEADER,
    [1, ID, "张三", "花园路", dt.date(2026, 10, 5), "入户", None],
    [2, 120101195001011234, "李 四", None, dt.datetime(2026, 10, 6, 9, 30), "电话", 2.5],
    [3, "", "王五", None, "2026.10.7", "视频", True],
    [4, ID, "赵六", "滨西", dt.datetime(2026, 10, 8), "入户", 13812345678],
    [None, None, None, None, None, None, None],
    ["合计", None, None, None, None, None, 0.30000000000000004],
]
MERGES = [(0, 0, 0, 6), (3, 3, 4, 3)]  # the title across the sheet; 社区 over two rows (0-based)


def write_openpyxl(path: Path, rows: list[list], top: int, left: int) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(row=top + r + 1, column=left + c + 1, value=value)
    for r1, c1, r2, c2 in MERGES:
        sheet.merge_cells(start_row=top + r1 + 1, start_column=left + c1 + 1, end_row=top + r2 + 1,
                          end_column=left + c2 + 1)
    workbook.save(path)


def write_xlsxwriter(path: Path, rows: list[list], top: int, left: int) -> None:
    """Excel's own way of writing: shared strings, styled dates, a formula with its cached value."""
    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet()
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(top + r, left + c, value, moment)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(top + r, left + c, dt.datetime.combine(value, dt.time()), date)
                elif value is not None:
                    sheet.write(top + r, left + c, value)
        sheet.write_formula(top + len(rows) - 1, left + 1, "=SUM(A4:A7)", None, 10)
        for r1, c1, r2, c2 in MERGES:
            sheet.merge_range(top + r1, left + c1, top + r2, left + c2, rows[r1][c1])


WRITERS = {"openpyxl": write_openpyxl, "xlsxwriter": write_xlsxwriter}


def sheet_rows(grid: Grid) -> list[list[str | None]]:
    """The grid's cells from A1, an empty cell as None however the reader gives it."""
    rows = [[cell if cell != "" else None for cell in row.values()] for row in grid.cells.to_pylist()]
    return [[None] * grid.cells.num_columns for _ in range(grid.first_row - 1)] + rows


def assert_read_alike(path: Path, reader: str = "fastexcel") -> list[Grid]:
    grids, reference = read_grids(path), read_grids(path, fast=False)
    assert [grid.reader for grid in grids] == [reader] * len(reference)
    for grid, expected in zip(grids, reference, strict=True):
        assert grid.name == expected.name
        assert sheet_rows(grid) == sheet_rows(expected)
        assert sorted(grid.merged) == sorted(expected.merged)
    return grids


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(("top", "left"), [(0, 0), (2, 2)], ids=["from A1", "from C3"])
def test_fast_reading_gives_the_cells_calamine_gives(tmp_path, writer, top, left):
    path = tmp_path / "探访.xlsx"
    WRITERS[writer](path, ROWS, top, left)
    [grid] = assert_read_alike(path)
    rows = sheet_rows(grid)
    assert rows[top + 4][left:left + 7] == ["2", "1.20101E+17", "李 四", None, "2026-10-06 09:30:00", "电话", "2.5"]
    assert rows[top + 6][left + 4:] == ["2026-10-08", "入户", "13812345678"]
    assert grid.first_row == top + 1


def test_a_workbook_written_with_attributes_in_another_order_reads_the_same(tmp_path):
    path = tmp_path / "探访.xlsx"
    write_openpyxl(path, ROWS, 0, 0)
    rewrite_sheet(path, lambda xml: re.sub(rb'<c r="(\w+)"( s="\d+")?( t="\w+")?', rb'<c\3\2 r="\1"', xml))
    assert_read_alike(path)


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("cells without references", lambda xml: re.sub(rb'(<c) r="\w+"', rb"\1", xml)),
        ("namespace prefixes", lambda xml: with_namespace_prefixes(xml)),
    ],
)
def test_an_unusual_sheet_is_left_to_calamine(tmp_path, case, change):
    path = tmp_path / "探访.xlsx"
    write_openpyxl(path, ROWS, 0, 0)
    rewrite_sheet(path, change)
    assert_read_alike(path, reader="python-calamine")


@pytest.mark.parametrize("value", [dt.time(9, 30), dt.timedelta(hours=30), dt.timedelta(days=2)],
                         ids=["time of day", "duration", "whole days"])
def test_times_of_day_and_durations_are_left_to_calamine(tmp_path, value):
    # fastexcel shows both as a date in 1899/1900; only the number format tells them apart
    path = tmp_path / "探访.xlsx"
    write_openpyxl(path, [*ROWS[:4], [5, ID, "孙七", "花园路", value, "入户", None]], 0, 0)
    assert_read_alike(path, reader="python-calamine")


def test_every_sheet_is_read_empty_ones_too(tmp_path):
    path = tmp_path / "探访.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.create_sheet("十月").append(HEADER)
    workbook["十月"].append([1, ID, "张三", "花园路", "2026-10-05", "入户"])
    workbook.save(path)
    grids = read_grids(path)
    assert [(grid.name, grid.cells.num_rows) for grid in grids] == [("说明", 0), ("十月", 2)]
    assert grids[1].reader == "fastexcel"


def test_every_demo_workbook_reads_the_same_both_ways(demo_build):
    _settings, exports, _results = demo_build
    workbooks = [path for path in exports.files if path.suffix == ".xlsx"]
    assert workbooks
    for path in workbooks:
        assert_read_alike(path)


def with_namespace_prefixes(xml: bytes) -> bytes:
    """A sheet's XML written with a prefix on every element (<x:c …>), as some systems write it."""
    return re.sub(rb"<(/?)(\w+)([ >/])", rb"<\1x:\2\3", xml).replace(b"xmlns=", b"xmlns:x=")


def rewrite_sheet(path: Path, change) -> None:
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def write_error_values_xlsx(path: Path) -> None:
    """A lookup that found nothing and a division by zero, as Excel saves them: the formula and its error."""
    with xlsxwriter.Workbook(path) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["社区", "姓名", "特殊困难类别"])
        sheet.write_row(1, 0, ["花园路", "甲"])
        sheet.write_formula(1, 2, "=VLOOKUP(B2,类别!A:B,2,0)", None, "#N/A")
        sheet.write_row(2, 0, ["花园路", "乙", "独居"])
        sheet.write_formula(3, 1, "=1/0", None, "#DIV/0!")
        sheet.write(3, 2, "空巢")


def write_error_values_xls(path: Path) -> None:
    """The same as an Excel 97-2003 file: #N/A as a cell of its own (a BOOLERR record), #DIV/0! as a formula's kept
    result (xlwt keeps a formula's result as text: its bytes are made an error's, as Excel writes them)."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("底册")
    for c, value in enumerate(["社区", "姓名", "特殊困难类别"]):
        sheet.write(0, c, value)
    sheet.write(1, 0, "花园路")
    sheet.write(1, 1, "甲")
    sheet.row(1).set_cell_error(2, 0x2A)  # #N/A
    for c, value in enumerate(["花园路", "乙", "独居"]):
        sheet.write(2, c, value)
    sheet.write(3, 1, xlwt.Formula("1/0"))
    sheet.write(3, 2, "空巢")
    workbook.save(str(path))
    data = bytearray(path.read_bytes())
    # the FORMULA record of B4 (type 6, its length, row 3, column 1): its 8-byte result becomes error 7 (#DIV/0!)
    at = re.search(rb"\x06\x00..\x03\x00\x01\x00..", bytes(data), re.DOTALL).end()
    data[at:at + 8] = b"\x02\x00\x07\x00\x00\x00\xff\xff"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["xlsx", "xlsx read by calamine", "xls"])
def test_an_error_value_reads_as_excel_shows_it_whichever_reader_reads_the_sheet(tmp_path, kind):
    # python-calamine reads an error value as an empty cell (review 11a M1, s10): a category lost without a word
    path = tmp_path / ("底册.xls" if kind == "xls" else "底册.xlsx")
    (write_error_values_xls if kind == "xls" else write_error_values_xlsx)(path)
    if kind == "xlsx read by calamine":
        rewrite_sheet(path, with_namespace_prefixes)
    [grid] = read_grids(path)
    assert grid.reader == ("fastexcel" if kind == "xlsx" else "python-calamine")
    assert sheet_rows(grid) == [["社区", "姓名", "特殊困难类别"], ["花园路", "甲", "#N/A"], ["花园路", "乙", "独居"],
                                [None, "#DIV/0!", "空巢"]]
