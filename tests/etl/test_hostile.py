"""Files that broke the loader (issue 12), each written here as it arrived: now loaded, or refused in one line."""

import codecs
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.styles import Border, Side

from etl.readers import display_name, read_export, release
from etl.settings import engine_config
from etl.temporary import TEMPORARY_PREFIX, remove_stale_temporary_files
from etl.workbooks import MAX_CELLS, MAX_COLUMNS, MAX_UNPACKED_BYTES
from tests.conftest import HUAYUANLU, run_cli
from tests.etl.exports import ROSTER_HEADER, OneLoad, Warehouse, roster_row, write_csv
from tests.etl.hostile import (
    csv_text,
    declaring,
    far_cell_xlsx,
    html_xls,
    mixed_workbook,
    person,
    rewrite_sheet,
    roster_rows,
    xml2003_xls,
)

CARE_VISIT = [sys.executable, "-m", "etl.cli"]


@pytest.fixture
def warehouse(tmp_path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse.duckdb")


@pytest.fixture
def good(tmp_path) -> Path:
    """A good file sent along with the bad one: it must load whatever the other does."""
    return write_csv(tmp_path / "good.csv", [ROSTER_HEADER, *roster_rows(3, 5000)])


def assert_refused_alone(results, message: str) -> None:
    bad, good = results
    assert bad.status == "failed" and message in bad.message and "\n" not in bad.message
    assert (good.status, good.rows_loaded) == ("loaded", 3)


# Files each test checks on its own load only, loaded in one command (see OneLoad), the good file last: a bad
# one is refused alone when the good file after it still loads.
loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict]:
    folder = tmp_path_factory.mktemp("one-load")
    good = write_csv(folder / "good.csv", [ROSTER_HEADER, *roster_rows(3, 5000)])
    warehouse, results = loads.load(folder, then=(good,))
    return warehouse, results | {"good": results[good]}


def refused_alone(one_load, key: str, message: str):
    """The result of `key`'s file, checked refused in one line while the good file after it loaded."""
    results = one_load[1]
    assert_refused_alone((results[key], results["good"]), message)
    return results[key]


# --- far-away cells and sizes: refused before any reader allocates the sheet ---------------------------


for _honest in (True, False):
    loads.file(f"far cell, honest dimension={_honest}")(
        lambda folder, honest=_honest: far_cell_xlsx(folder / f"远处-{honest}.xlsx", honest_dimension=honest))


# probe26c: the far cell's reference written as XML allows (r='…', r = "…"), or the cells of a row written without
# references, which a reader places one after another: each had got past the bound and aborted the process
@loads.file("far cell, single quotes")
def _far_cell_single_quotes(folder: Path) -> Path:
    return rewrite_sheet(far_cell_xlsx(folder / "远处-单引号.xlsx"),
                         lambda xml: xml.replace(b'r="XFD1048576"', b"r = 'XFD1048576'"))


@loads.file("a row of 300 cells without references")
def _cells_without_references(folder: Path) -> Path:
    wide = b"<row>" + b"<c><v>1</v></c>" * 300 + b"</row>"
    return rewrite_sheet(far_cell_xlsx(folder / "无引用的宽行.xlsx", cell="A5"),
                         lambda xml: xml.replace(b"</sheetData>", wide + b"</sheetData>"))


@pytest.mark.parametrize("key", ["far cell, single quotes", "a row of 300 cells without references"])
def test_a_far_cell_written_any_way_xml_allows_is_refused_before_reading(one_load, key):
    refused_alone(one_load, key, f"有单元格在第 {MAX_COLUMNS} 列以外")


@loads.file("a sheet's xml no program writes")
def _character_reference(folder: Path) -> Path:
    return rewrite_sheet(far_cell_xlsx(folder / "字符引用.xlsx", cell="A5"),
                         lambda xml: xml.replace(b'r="A5"', b'r="&#65;5"'))


def test_a_sheet_whose_xml_the_reader_cannot_parse_is_refused_in_one_line(one_load):
    refused_alone(one_load, "a sheet's xml no program writes", "工作表的内容无法读取")


@pytest.mark.parametrize("honest_dimension", [True, False], ids=["declared", "hidden behind a small dimension"])
def test_a_cell_at_xfd1048576_is_refused_before_reading_not_an_abort(one_load, honest_dimension):
    result = refused_alone(one_load, f"far cell, honest dimension={honest_dimension}",
                           f"超过上限 ({MAX_COLUMNS} 列, {MAX_CELLS:,} 个单元格)")
    assert "Ctrl+End" in result.message


# probe27b: an .xlsx is a zip, and its parts are bounded as an uploaded zip's members are: a 400 KB workbook whose
# one text unpacked to 400 MB had taken 189 s and 2.6 GB before failing. A few MB of zeros exceed the ratio bound.
@loads.file("a text of 4 MB of zeros")
def _bomb(folder: Path) -> Path:
    return rewrite_sheet(far_cell_xlsx(folder / "炸弹.xlsx", cell="A5"),
                         lambda xml: xml.replace(b"<t>x</t>", b"<t>" + b"0" * (4 << 20) + b"</t>"))


@loads.file("many parts of 0.9 MB of zeros")
def _small_bombs(folder: Path) -> Path:
    # each part under the ratio check's 1 MB floor, all of them together a bomb (probe28b: 60 such sheets took 59 s)
    path = far_cell_xlsx(folder / "小炸弹.xlsx", cell="A8")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
        for n in range(3):
            package.writestr(f"xl/media/part{n}.bin", b"0" * 900_000)
    return path


@loads.file("a sheet declaring 1.5 GB")
def _declared_too_large(folder: Path) -> Path:
    path = far_cell_xlsx(folder / "声明太大.xlsx", cell="A6")
    return path.write_bytes(declaring(path.read_bytes(), "xl/worksheets/sheet1.xml", 3 << 29)) and path


@loads.file("a sheet unpacking past its declared size")
def _lying(folder: Path) -> Path:
    path = far_cell_xlsx(folder / "声明太小.xlsx", cell="A7")  # its sheet unpacks to 2.6 kB: 1 kB declared
    return path.write_bytes(declaring(path.read_bytes(), "xl/worksheets/sheet1.xml", 1000)) and path


@pytest.mark.parametrize(("key", "said"), [
    ("a text of 4 MB of zeros", "工作簿异常 (压缩比过高: 解压后是压缩时的 "),
    ("many parts of 0.9 MB of zeros", "工作簿异常 (压缩比过高: 解压后是压缩时的 "),
    ("a sheet declaring 1.5 GB", f"工作簿解压后有 1,536 MB, 超过上限 ({MAX_UNPACKED_BYTES >> 20:,} MB)"),
    ("a sheet unpacking past its declared size", "解压后的内容比文件中记录的大小更大"),
])
def test_a_workbook_unpacking_to_more_than_any_export_or_than_it_declares_is_refused_before_reading(one_load, key,
                                                                                                   said):
    refused_alone(one_load, key, said)


# probe26c: a lone \r ending one line above the table (the rest \r\n): its first person had been read as the
# header's row and lost, without a word
for _after in ("title", "header"):
    loads.file(f"a lone CR after the {_after}")(
        lambda folder, after=_after: _with_a_lone_cr(folder / f"单独回车-{after}.csv", after))


def _with_a_lone_cr(path: Path, after: str) -> Path:
    lines = [csv_text([row]).removesuffix("\r\n") for row in
             [["和平区居家老年人情况底册"], ROSTER_HEADER, *roster_rows(3, 6200 if after == "title" else 6300)]]
    lone = 0 if after == "title" else 1
    path.write_bytes("".join(line + ("\r" if i == lone else "\r\n") for i, line in enumerate(lines)).encode())
    return path


@pytest.mark.parametrize("after", ["title", "header"])
def test_a_lone_cr_ending_a_line_above_the_table_loses_no_row(one_load, after):
    warehouse, results = one_load
    result = results[f"a lone CR after the {after}"]
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 3, 3)
    assert warehouse.rows("select row_number from roster_rows where load_id = ? order by 1", [result.load_id]) == [
        (3,), (4,), (5,)]


@loads.file("a picture renamed .csv")
def _picture_renamed(folder: Path) -> Path:
    path = folder / "照片.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    return path


def test_a_picture_renamed_csv_is_refused_as_no_table_not_asked_to_be_saved_as_csv_again(one_load):
    """probe26c: it had been told to open the file in Excel and save it as CSV UTF-8."""
    refused_alone(one_load, "a picture renamed .csv", "这不是表格文件 (内容是 PNG 图片, 只是改了扩展名)")


@loads.file("xml 2003 with a place before the first column")
def _xml2003_negative_index(folder: Path) -> Path:
    path = xml2003_xls(folder / "负位置.xls", [ROSTER_HEADER, *roster_rows(2, 6500)])
    path.write_text(path.read_text(encoding="utf-8").replace("<Cell><Data", '<Cell ss:Index="-5"><Data', 1),
                    encoding="utf-8")
    return path


def test_an_xml_2003_sheet_placing_a_cell_before_the_first_column_is_refused_in_one_line(one_load):
    """probe26c: ss:Index="-5" had moved the cell to another column and made its row a rejected row."""
    refused_alone(one_load, "xml 2003 with a place before the first column", "ss:Index=-5 不是正整数")


@loads.file("borders drawn far past the table")
def _borders_far_past_the_table(folder: Path) -> Path:
    """Borders drawn over whole rows (to column KN) and on the sheet's last row: Excel declares the range
    A1:KN1048576, whose cells hold nothing (probe26a: such files had been refused as too large)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [ROSTER_HEADER, *roster_rows(2, 6000)]:
        sheet.append(row)
    line = Side(style="thin")
    for row in range(1, 4):
        for column in range(1, 301):
            sheet.cell(row, column).border = Border(left=line, right=line, top=line, bottom=line)
    sheet.cell(1_048_576, 1).border = Border(bottom=line)
    workbook.save(folder / "边框画到远处.xlsx")
    return folder / "边框画到远处.xlsx"


def test_a_table_with_borders_drawn_far_past_it_loads_its_rows(one_load):
    result = one_load[1]["borders drawn far past the table"]
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 2, 2)


def test_the_far_cell_refusal_through_the_command_line_exits_1_without_a_backtrace(tmp_path, good):
    path = far_cell_xlsx(tmp_path / "底册.xlsx")
    done = subprocess.run([*CARE_VISIT, "ingest", str(path), str(good), "--db", str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr
    assert [line for line in done.stderr.splitlines() if "底册.xlsx" in line] == [
        next(line for line in done.stderr.splitlines() if line.startswith("无法导入 底册.xlsx"))]
    assert not list(tmp_path.glob(".w.duckdb.cv-tmp-*"))


loads.file("column AD")(lambda folder: far_cell_xlsx(folder / "AD列.xlsx", cell="AD3"))


def test_a_cell_in_column_aa_is_no_reason_to_refuse(one_load):
    result = one_load[1]["column AD"]
    assert (result.status, result.rows_loaded) == ("loaded", 2)


@loads.file("wide csv")
def _wide_csv(folder: Path) -> Path:
    header = ROSTER_HEADER + [f"备注{n}" for n in range(MAX_COLUMNS)]
    return write_csv(folder / "宽.csv", [header, roster_rows(1)[0] + ["x"] * MAX_COLUMNS])


def test_a_csv_wider_than_a_sheet_may_be_is_refused(one_load):
    refused_alone(one_load, "wide csv", f"超过上限 {MAX_COLUMNS} 列")


# --- CSV oddities that were tracebacks ----------------------------------------------------------------


@loads.file("big cells")
def _big_cells(folder: Path) -> Path:
    rows = roster_rows(3)
    rows[0][-1] = "13812345678" + " " * 200_000
    rows[1][3] = "长" * 150_000
    return write_csv(folder / "大单元格.csv", [ROSTER_HEADER, *rows])


def test_a_cell_over_128_kb_near_the_top_loads_whole(one_load):
    result = one_load[1]["big cells"]
    assert (result.status, result.rows_read, result.rows_loaded + result.rows_rejected) == ("loaded", 3, 3)


@loads.file("CR only")
def _cr_only(folder: Path) -> Path:
    rows = [ROSTER_HEADER, *roster_rows(4), roster_row(5, "123")]
    path = folder / "mac.csv"
    path.write_text(csv_text(rows, line_end="\r"), encoding="utf-8")
    return path


def test_cr_only_line_endings_load_with_the_rows_a_person_sees(one_load):
    warehouse, results = one_load
    result = results["CR only"]
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 5, 4)
    assert warehouse.rejects(result) == [(6, "身份证号格式不对: 应为18位")]


@loads.file("trailing commas")
def _trailing_commas(folder: Path) -> Path:
    rows = [row + [""] * 16_383 for row in [ROSTER_HEADER, *roster_rows(5)]]
    return write_csv(folder / "逗号.csv", rows)


def test_16383_trailing_commas_load_the_rows_without_a_warning(one_load):
    result = one_load[1]["trailing commas"]
    assert (result.status, result.rows_read, result.rows_loaded, result.warning_count) == ("loaded", 5, 5, 0)


@loads.file("gbk name")
def _gbk_name(folder: Path) -> Path:
    return write_csv(Path(os.fsdecode(os.fsencode(folder) + b"/" + "底册十月".encode("gbk") + b".csv")),
                     [ROSTER_HEADER, *roster_rows(2)])


def test_a_file_name_in_gbk_bytes_loads_under_its_chinese_name(one_load, tmp_path):
    warehouse, results = one_load
    result = results["gbk name"]
    assert (result.status, result.file_name, result.rows_loaded) == ("loaded", "底册十月.csv", 2)
    assert display_name(Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + "底册十月".encode("gbk") + b".csv"))) == (
        "底册十月.csv")
    assert warehouse.one("select count(*) from loads where file_name = '底册十月.csv'") == 1


def test_a_db_that_is_not_duckdb_is_refused_in_one_line_leaving_nothing_beside_it(tmp_path, good):
    db = tmp_path / "notes.duckdb"
    db.write_text("这不是数据库", encoding="utf-8")
    done = subprocess.run([*CARE_VISIT, "ingest", str(good), "--db", str(db)], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"错误: {db} 不是 CareVisit 的数据库文件 (不是 DuckDB 格式): 请检查 --db 指向的文件"]
    assert db.read_text(encoding="utf-8") == "这不是数据库"
    assert not list(tmp_path.glob(".notes.duckdb.cv-tmp-*"))


@loads.file("unbalanced quote")
def _unbalanced_quote(folder: Path) -> Path:
    lines = csv_text([ROSTER_HEADER, *roster_rows(20)]).split("\r\n")
    lines[4] = lines[4].replace("张三", '"张三')  # line 5 of the file
    path = folder / "引号.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return path


def test_an_unbalanced_quote_mid_file_is_refused_with_its_line(one_load):
    refused_alone(one_load, "unbalanced quote", "第 5 行有一个引号 (\") 没有配对, 其后 16 行被读进了同一个单元格")


@loads.file("open quote, ragged")
def _open_quote_ragged(folder: Path) -> Path:
    rows = [ROSTER_HEADER, *roster_rows(6)]
    rows[3] = rows[3][:5]  # a short row: the lenient reader reads this file
    lines = csv_text(rows).split("\r\n")
    lines[2] = lines[2].replace("张三", '"张三')
    path = folder / "引号-不齐.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return path


def test_a_quote_left_open_in_a_ragged_file_is_refused_too(one_load):
    refused_alone(one_load, "open quote, ragged", "第 3 行有一个引号 (\") 没有配对")


@loads.file("quoted line break")
def _quoted_line_break(folder: Path) -> Path:
    rows = roster_rows(3)
    rows[1][-1] = "13812345678,\n13912345678"
    return write_csv(folder / "换行.csv", [ROSTER_HEADER, *rows])


def test_a_line_break_inside_a_quoted_cell_is_still_a_cell(one_load):
    result = one_load[1]["quoted line break"]
    assert (result.status, result.rows_loaded) == ("loaded", 3)


# --- a workbook of two kinds -------------------------------------------------------------------------


loads.file("two kinds")(lambda folder: mixed_workbook(folder / "十月.xlsx", roster_count=3, visit_count=4))


def test_a_roster_sheet_then_a_visit_sheet_load_each_as_its_kind(one_load):
    warehouse, results = one_load
    result = results["two kinds"]
    assert (result.status, result.kind, result.rows_read, result.rows_loaded) == ("loaded", "roster", 7, 7)
    assert result.message == "按工作表分别导入: 底册 3 行、探访记录 4 行"
    assert [(p.kind, p.rows_loaded) for p in result.parts] == [("roster", 3), ("visits", 4)]
    load_ids = [p.load_id for p in result.parts]
    assert warehouse.rows("select kind, sheet_name, rows_loaded from loads where list_contains(?, load_id)"
                          " order by load_id", [load_ids]) == [("roster", "底册", 3), ("visits", "探访记录", 4)]
    # nobody from the visit sheet became a roster elder
    assert warehouse.one("select count(*) from roster_rows where elder_name like '访%'") == 0
    assert warehouse.one("select count(*) from visit_rows where load_id = ?", [load_ids[1]]) == 4


def test_a_workbook_of_two_kinds_is_skipped_whole_the_second_time(warehouse, tmp_path):
    path = mixed_workbook(tmp_path / "十月.xlsx")
    warehouse.ingest(path)
    [again] = warehouse.ingest(path)
    assert again.status == "skipped"
    assert warehouse.one("select count(*) from loads") == 2


# --- messages that misled ----------------------------------------------------------------------------


def test_a_workbook_saved_with_a_password_says_so(warehouse, tmp_path, good):
    # it was "Excel 文件无法打开 (文件损坏或不是 Excel 格式): Cfb error: Cannot find Workbook stream"
    import msoffcrypto.format.ooxml

    workbook = openpyxl.Workbook()
    for row in [ROSTER_HEADER, *roster_rows(2, name="密码")]:
        workbook.active.append(row)
    workbook.save(tmp_path / "plain.xlsx")
    with (tmp_path / "plain.xlsx").open("rb") as source, (tmp_path / "加密底册.xlsx").open("wb") as locked:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("1234", locked)
    assert_refused_alone(warehouse.ingest(tmp_path / "加密底册.xlsx", good),
                         "文件设置了打开密码, 无法读取: 请在 Excel 或 WPS 中取消密码")


def test_a_gbk_file_with_a_few_bytes_not_gbk_names_their_line_and_an_empty_file_says_so(warehouse, tmp_path, good):
    # "文件编码无法识别 (不是 UTF-8 也不是 GBK/GB18030)", of a file in GBK but for one cell pasted from elsewhere;
    # and an empty file was "前 30 行中没有找到表头" or "Excel 文件无法打开 (文件损坏…)"
    path = tmp_path / "坏字节底册.csv"
    path.write_bytes(csv_text([ROSTER_HEADER, *roster_rows(3, name="坏字")]).encode("gb18030").replace(
        "坏字".encode("gb18030"), b"\x80\xff", 1))
    (tmp_path / "空.csv").write_bytes(b"")
    (tmp_path / "空.xlsx").write_bytes(b"")
    bad_bytes, empty_csv, empty_xlsx, done = warehouse.ingest(path, tmp_path / "空.csv", tmp_path / "空.xlsx", good)
    assert bad_bytes.message == ("第 2 行有无法识别的字符 (按 GBK/GB18030 编码读取): "
                                 "请用 Excel 或 WPS 打开后另存为「CSV UTF-8」再导入")
    assert empty_csv.message == empty_xlsx.message == "文件是空的 (0 字节): 请重新导出或重新发送"
    assert (done.status, done.rows_loaded) == ("loaded", 3)


def test_a_file_named_by_an_elders_id_number_is_never_printed_with_it(tmp_path):
    # the command printed the name as given, the ID number whole, where the warehouse stores it masked
    id_number = person(7)
    path = write_csv(tmp_path / f"补录{id_number}.csv", [ROSTER_HEADER, *roster_rows(1, 7)])
    done = run_cli("ingest", str(path), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 0, done.stderr
    assert id_number not in done.stdout + done.stderr
    assert f"补录{id_number[:4]}{'*' * 10}{id_number[-4:]}.csv" in done.stdout


def test_a_person_its_rows_name_is_masked_inside_a_files_name(tmp_path):
    """A file of one elder's rows named after them among other words (程霞补录底册.csv) was stored, shown and
    recorded with the name whole: only a file's name that is a name alone was masked. A name its rows give (the
    elder's, a contact person's) is masked wherever it stands in the file's name, in every place the name is kept."""
    rows = [ROSTER_HEADER, roster_row(1, person(7), name="程霞"), roster_row(2, "12010119", name="程霞")]
    path = write_csv(tmp_path / "程霞补录底册 (10月).csv", rows)
    db = tmp_path / "w.duckdb"
    done = run_cli("ingest", str(path), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "程霞" not in done.stdout + done.stderr
    assert "程*补录底册 (10月).csv" in done.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("select file_name from loads union all select file_name from rejects").fetchall()
    finally:
        con.close()
    assert stored == [("程*补录底册 (10月).csv",)] * 2


def test_a_workbook_cut_short_is_said_in_the_clerks_words(warehouse, tmp_path, good):
    # a workbook half sent or half saved: the reason had ended in the zip library's English (File is not a zip file)
    whole = tmp_path / "whole.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(ROSTER_HEADER)
    workbook.save(whole)
    (tmp_path / "半截.xlsx").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    cut, done = warehouse.ingest(tmp_path / "半截.xlsx", good)
    assert (cut.status, done.status) == ("failed", "loaded")
    words = cut.message.replace("Excel", "")  # a name the clerk knows; no other word of English
    assert "没有传完或没有保存完" in cut.message and not any("a" <= c.lower() <= "z" for c in words), cut.message


def test_files_excel_wps_or_a_mac_leave_beside_the_exports_are_skipped(warehouse, tmp_path, good):
    # a glob of a folder with a workbook open (~$底册.xlsx, the owner file) failed the command
    (tmp_path / "~$底册.xlsx").write_bytes(b"\x05owner" + b"\x00" * 160)
    (tmp_path / "._底册.csv").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 80)
    owner, apple_double, done = warehouse.ingest(tmp_path / "~$底册.xlsx", tmp_path / "._底册.csv", good)
    assert (owner.status, apple_double.status, done.status) == ("skipped", "skipped", "loaded")
    assert owner.message == "是 Excel、WPS 或苹果电脑留下的临时或附属文件, 不是导出的表格, 已跳过"


def test_a_folder_and_a_fifo_are_not_missing_files(warehouse, tmp_path, good):
    (tmp_path / "十月.csv").mkdir()
    os.mkfifo(tmp_path / "管道.csv")
    folder, fifo, _ = warehouse.ingest(tmp_path / "十月.csv", tmp_path / "管道.csv", good)
    assert folder.message == "这是一个文件夹, 不是文件: 请选择其中的文件"
    assert fifo.message == "这不是普通文件 (而是管道、设备等), 无法导入"


@loads.file("gb18030 behind a BOM")
def _gb18030_behind_a_bom(folder: Path) -> Path:
    path = folder / "BOM底册.csv"
    path.write_bytes(codecs.BOM_UTF8 + csv_text([ROSTER_HEADER, *roster_rows(2, name="王五")]).encode("gb18030"))
    return path


def test_gb18030_behind_a_utf8_byte_order_mark_loads(one_load):
    warehouse, results = one_load
    result = results["gb18030 behind a BOM"]
    assert (result.status, result.rows_loaded, result.warning_count) == ("loaded", 2, 0)
    assert warehouse.rows("select distinct elder_name from roster_rows where load_id = ?", [result.load_id]) == [
        ("王五",)]


@loads.file("ascii megabyte")
def _ascii_megabyte(folder: Path) -> Path:
    title = "Heping District " * 70_000  # over the megabyte the encoding is guessed from
    path = folder / "英文标题底册.csv"
    path.write_bytes(f"{title}\r\n{csv_text([ROSTER_HEADER, *roster_rows(2, name='王五')])}".encode("gb18030"))
    return path


def test_a_gb18030_file_whose_first_megabyte_is_ascii_loads_as_gb18030(one_load):
    warehouse, results = one_load
    result = results["ascii megabyte"]
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 2, 2)
    assert warehouse.rows("select distinct elder_name from roster_rows where load_id = ?", [result.load_id]) == [
        ("王五",)]


@loads.file("utf-8 then gb18030")
def _utf8_then_gb18030(folder: Path) -> Path:
    head = csv_text([ROSTER_HEADER, *roster_rows(20_000, name="张三")])
    path = folder / "两种编码.csv"
    path.write_bytes(head.encode("utf-8") + csv_text(roster_rows(1, 30_000, name="王五")).encode("gb18030"))
    return path


def test_utf8_then_gb18030_is_refused_naming_the_line_and_both_encodings(one_load):
    refused_alone(one_load, "utf-8 then gb18030",
                  "第 20002 行起的文字是 GBK/GB18030 编码, 前面却是 UTF-8: 文件混用了两种编码")


def test_rich_markup_in_a_file_name_prints_as_typed(tmp_path, good):
    bad = tmp_path / "底册[final][bold].csv"
    bad.write_text("没有表头\n", encoding="utf-8")
    done = run_cli("ingest", str(bad), str(good), "--db", str(tmp_path / "w.duckdb"))  # what it prints: in-process
    assert done.returncode == 1
    assert "无法导入 底册[final][bold].csv: 前 30 行中没有找到表头" in done.stderr


# --- byte-order marks --------------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["街道", "身份证号", '"身份证号"'])
def test_a_utf8_byte_order_mark_is_not_part_of_the_first_header_cell(tmp_path, first):
    header = [first.strip('"'), *(h for h in ROSTER_HEADER if h != first.strip('"'))]
    line = ",".join([first, *header[1:]])
    path = tmp_path / "底册.csv"
    path.write_bytes(codecs.BOM_UTF8 + (line + "\r\n" + csv_text(roster_rows(1))).encode("utf-8"))
    con = duckdb.connect(config=engine_config())
    sheets, _ = read_export(path, con, "t", lambda cells: sum(cell in ROSTER_HEADER for cell in cells))
    try:
        assert sheets[0].header[0] == first.strip('"')
    finally:
        release(con, sheets)


# --- .xls files that are HTML or XML Spreadsheet 2003 ---------------------------------------------------


loads.file("html in gbk")(lambda folder: html_xls(
    folder / "网页底册.xls", [ROSTER_HEADER, *roster_rows(3, name="张三丰"), roster_row(5, "123", name="李四")],
    encoding="gbk"))


def test_an_html_table_saved_as_xls_loads_with_excels_row_numbers(one_load):
    warehouse, results = one_load
    result = results["html in gbk"]
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 4, 3)
    # title in row 1, header in row 2: the bad ID is in row 6, as Excel shows it
    assert warehouse.rejects(result) == [(6, "身份证号格式不对: 应为18位")]
    # the community cell spans its rows (rowspan), as a merged cell does
    assert warehouse.rows("select distinct community_code, elder_name from roster_rows where load_id = ?",
                          [result.load_id]) == [(HUAYUANLU, "张三丰")]


@loads.file("html without a charset")
def _html_without_a_charset(folder: Path) -> Path:
    path = html_xls(folder / "无字符集.xls", [ROSTER_HEADER, *roster_rows(2, name="王五")], encoding="utf-8")
    path.write_bytes(path.read_bytes().replace(b"charset=utf-8", b""))
    return path


def test_an_html_table_in_utf8_without_a_charset_loads(one_load):
    warehouse, results = one_load
    result = results["html without a charset"]
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    assert warehouse.rows("select distinct elder_name from roster_rows where load_id = ?", [result.load_id]) == [
        ("王五",)]


XML_ROWS = [ROSTER_HEADER, *roster_rows(3), roster_row(4, person(4))]
ID_COLUMN = ROSTER_HEADER.index("身份证号")
loads.file("xml 2003")(lambda folder: xml2003_xls(folder / "XML底册.xls", XML_ROWS, skip_rows=2,
                                                  number_columns=(ID_COLUMN,)))


def test_an_xml_spreadsheet_2003_loads_with_excels_row_numbers(one_load):
    warehouse, results = one_load
    result = results["xml 2003"]
    # title row 1, header row 4 (ss:Index), rows 5-8; an ID stored as a number is corrupt, as Excel shows it
    assert (result.status, result.rows_read) == ("loaded", 4)
    assert [row for row, _ in warehouse.rejects(result)] == [
        row for row, digits in zip(range(5, 9), [r[ID_COLUMN] for r in XML_ROWS[1:]], strict=True)
        if digits.isdigit()]


@loads.file("xml far cell")
def _xml_far_cell(folder: Path) -> Path:
    path = xml2003_xls(folder / "XML远处.xls", [ROSTER_HEADER, *roster_rows(2)])
    path.write_text(path.read_text(encoding="utf-8").replace(
        "</Table>", '<Row ss:Index="1048576"><Cell ss:Index="16384"><Data ss:Type="String">x</Data></Cell></Row>'
                    "</Table>"), encoding="utf-8")
    return path


def test_a_xml_spreadsheet_cell_far_away_is_refused(one_load):
    refused_alone(one_load, "xml far cell", f"超过上限 ({MAX_COLUMNS} 列")


# --- temporary files -----------------------------------------------------------------------------------


def test_temporary_files_a_killed_load_left_are_removed_by_the_next(tmp_path):
    import tempfile

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = Path(tempfile.gettempdir()) / f"{TEMPORARY_PREFIX}{dead.stdout.strip()}-abc.csv"
    mine = Path(tempfile.gettempdir()) / f"{TEMPORARY_PREFIX}{os.getpid()}-abc.csv"
    left.write_text("x")
    mine.write_text("x")
    try:
        remove_stale_temporary_files()
        assert not left.exists() and mine.exists()
    finally:
        left.unlink(missing_ok=True)
        mine.unlink(missing_ok=True)



def test_a_spill_folder_a_killed_load_left_beside_the_warehouse_is_removed_by_the_next(warehouse, tmp_path, good):
    spill = tmp_path / ".warehouse.duckdb.cv-tmp-99999.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"x" * 1024)
    [result] = warehouse.ingest(good)
    assert result.status == "loaded" and not spill.exists()


@loads.file("a million blank lines")
def _a_million_blank_lines(folder: Path) -> Path:
    path = folder / "空行.csv"
    path.write_text(csv_text([ROSTER_HEADER]) + "\r\n" * 1_000_000 + csv_text(roster_rows(2)), encoding="utf-8")
    return path


def test_a_million_blank_lines_cost_no_time(one_load):
    warehouse, results = one_load
    result = results["a million blank lines"]
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 2, 2)
    assert warehouse.rows("select row_number from roster_rows where load_id = ? order by 1", [result.load_id]) == [
        (1_000_002,), (1_000_003,)]


def test_a_sheet_of_more_formatted_cells_than_the_bound_is_refused_before_reading(tmp_path, monkeypatch, good):
    """Cells holding only a format are not measured as a table, but there may not be more of them than there may be
    cells: their XML alone would be gigabytes to read (a small bound here, in place of 64 M)."""
    from etl import workbooks

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [ROSTER_HEADER, *roster_rows(2, 6100)]:
        sheet.append(row)
    for row in range(4, 40):
        for column in range(1, 101):
            sheet.cell(row, column).border = Border(bottom=Side(style="thin"))
    workbook.save(tmp_path / "格式.xlsx")
    monkeypatch.setattr(workbooks, "MAX_CELLS", 3_000)
    results = Warehouse(tmp_path / "w.duckdb").ingest(tmp_path / "格式.xlsx", good)
    assert_refused_alone(results, "写有 3,6")


@pytest.mark.parametrize(("bound", "what", "said"), [
    ("MAX_SHEETS", "sheets", "工作簿有 4 个工作表, 超过上限 3 个"),
    ("MAX_SHARED_STRINGS", "texts", "工作簿中的文字有"),
])
def test_a_workbook_of_more_sheets_or_texts_than_the_bound_is_refused_before_reading(tmp_path, monkeypatch, good,
                                                                                      bound, what, said):
    """A 1.4 MB workbook of 3,000 sheets had run for minutes, a 10 MB one of a hundred million texts aborted (probe26c):
    small bounds here, in place of 500 sheets and 16 M texts."""
    import xlsxwriter  # writes its texts into a table of texts (sharedStrings.xml), as Excel does

    from etl import workbooks

    workbook = xlsxwriter.Workbook(tmp_path / "书.xlsx")
    for index in range(4 if what == "sheets" else 1):
        sheet = workbook.add_worksheet(f"表{index}")
        for r, row in enumerate([ROSTER_HEADER, *roster_rows(2, 6400 + 10 * index)]):
            sheet.write_row(r, 0, row)
    workbook.close()
    monkeypatch.setattr(workbooks, bound, 3)
    results = Warehouse(tmp_path / "w.duckdb").ingest(tmp_path / "书.xlsx", good)
    assert_refused_alone(results, said)
