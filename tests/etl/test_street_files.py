"""Files as streets and communities really send them: civil-affairs headers, two-row headers, footers,
clock words, bracketed levels, IDs typed with full-width digits. Each loads as DESIGN §3 says."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import BINXI, HUAYUANLU, make_id, run_cli
from tests.etl.exports import OneLoad, Warehouse, write_csv

ZHAOFENGLU = "120101001004"

loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    return loads.load(tmp_path_factory.mktemp("street-files"))


def elder(n: int) -> str:
    """A distinct synthetic ID number for every n (this module's own birth dates: 1941 on)."""
    return make_id((dt.date(1941, 1, 1) + dt.timedelta(days=n * 37)).strftime("%Y%m%d"), n % 90 + 1)


def write_workbook(path: Path, sheets: dict[str, list[list]], merges: tuple[str, ...] = (),
                   hidden_rows: tuple[int, ...] = (), hidden_columns: tuple[str, ...] = ()) -> Path:
    """An .xlsx of named sheets; merges and hidden rows and columns on the last sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for row in hidden_rows:
        sheet.row_dimensions[row].hidden = True
    for column in hidden_columns:
        sheet.column_dimensions[column].hidden = True
    workbook.save(path)
    return path


def loaded(one_load, key: str, columns: str) -> list[tuple]:
    """The rows of `key`'s load, in the file's order: its kind's stored table, the columns asked."""
    warehouse, results = one_load
    result = results[key]
    table = {"roster": "roster_rows", "visits": "visit_rows", "contacts": "contact_rows"}[result.kind]
    order = "row_number, contact_index" if table == "contact_rows" else "row_number"  # a row's people in its order
    return warehouse.rows(f"select {columns} from {table} where load_id = ? order by {order}",  # noqa: S608
                          [result.load_id])


def warnings(one_load, key: str) -> list[tuple]:
    """The warnings of `key`'s load; not contacts_dropped: the one load's contact lists of one community replace
    each other, and each says so of the one before (tests/etl/test_contact_people.py tests it)."""
    warehouse, results = one_load
    return warehouse.rows("select row_number, message from load_warnings where load_id = ?"
                          " and code is distinct from 'contacts_dropped' order by all", [results[key].load_id])


def balanced(result, read: int, rejected: int = 0) -> None:
    assert result.status == "loaded", result.message
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (read, read - rejected, rejected)


# --- shapes that load as they are ------------------------------------------------------------------


@loads.file("civil-affairs headers")
def _civil_affairs_headers(folder: Path) -> Path:
    header = ["序号", "所在街道", "所在社区", "老人姓名", "身份证件号码", "老人类别", "联系方式", "本人意愿"]
    rows = [["", "劝业场街道", "花园路", f"民政{n}", elder(n), "独居老人", "13812345678", "是"] for n in (1, 2)]
    return write_csv(folder / "民政系统导出.csv", [header, *rows])


def test_a_civil_affairs_export_with_a_blank_serial_column_loads(one_load):
    balanced(one_load[1]["civil-affairs headers"], 2)
    assert loaded(one_load, "civil-affairs headers", "elder_name, community_code, categories, phone, consent") == [
        (f"民政{n}", HUAYUANLU, ["独居"], "13812345678", "同意") for n in (1, 2)]


@loads.file("instructions sheet first")
def _instructions_sheet_first(folder: Path) -> Path:
    notes = [["填表说明"], ["1. 身份证号请填写18位"], ["2. 社区、姓名必填"]]
    roster = [["街道", "社区", "姓名", "身份证号", "特殊困难类别"],
              *[["劝业场街道", "花园路", f"说明{n}", elder(10 + n), "独居"] for n in (1, 2)]]
    return write_workbook(folder / "说明在前.xlsx", {"填表说明": notes, "底册": roster})


def test_a_workbook_whose_first_sheet_is_the_instructions_loads_the_second(one_load):
    result = one_load[1]["instructions sheet first"]
    balanced(result, 2)
    assert one_load[0].one("select sheet_name from loads where load_id = ?", [result.load_id]) == "底册"


@loads.file("column B, hidden rows")
def _column_b_hidden_rows(folder: Path) -> Path:
    rows = [[], ["", "序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "备注"],
            *[["", str(n), "劝业场街道", "花园路", f"隐藏{n}", elder(20 + n), "独居", ""] for n in (1, 2, 3)]]
    return write_workbook(folder / "从B列开始.xlsx", {"底册": rows}, hidden_rows=(4,), hidden_columns=("H",))


def test_a_table_from_column_b_with_hidden_rows_loads_every_row_under_its_excel_number(one_load):
    balanced(one_load[1]["column B, hidden rows"], 3)
    assert loaded(one_load, "column B, hidden rows", "row_number, elder_name") == [
        (3, "隐藏1"), (4, "隐藏2"), (5, "隐藏3")]


@loads.file("gbk title, trailing commas")
def _gbk_title_trailing_commas(folder: Path) -> Path:
    lines = ["和平区劝业场街道特殊困难老年人底册（2026年5月）,,,,,", "填报单位：劝业场街道,,,填报日期：2026年5月31日,,",
             "街道,社区,姓名,身份证号,特殊困难类别,",
             *[f"劝业场街道,花园路,国标{n},{elder(30 + n)},独居," for n in (1, 2)]]
    path = folder / "国标标题.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def test_a_gbk_csv_with_a_title_and_a_trailing_comma_on_every_line_loads(one_load):
    warehouse, results = one_load
    result = results["gbk title, trailing commas"]
    balanced(result, 2)
    assert warehouse.one("select report_date from loads where load_id = ?", [result.load_id]) == dt.date(2026, 5, 31)
    assert warnings(one_load, "gbk title, trailing commas") == []


CATEGORY_CELLS = ["独居，失能", "独居 失能", "独居老人/失能老人", "空巢老人、高龄老人", "失能老人（完全失能）"]


@loads.file("category separators")
def _category_separators(folder: Path) -> Path:
    rows = [["劝业场街道", "花园路", f"类别{i}", elder(40 + i), cell] for i, cell in enumerate(CATEGORY_CELLS)]
    return write_csv(folder / "类别写法.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_category_cells_split_at_full_width_commas_spaces_and_slashes(one_load):
    balanced(one_load[1]["category separators"], len(CATEGORY_CELLS))
    assert [c for (c,) in loaded(one_load, "category separators", "categories")] == [
        ["失能", "独居"], ["失能", "独居"], ["失能", "独居"], ["空巢"], ["失能"]]


PHONE_CELLS = {"座机23301234": ["23301234"], "022-23301234": ["02223301234"],
               "座机：022-23301234 手机：13812345678": ["02223301234", "13812345678"],
               "138-1234-5678": ["13812345678"]}


@loads.file("phones")
def _phones(folder: Path) -> Path:
    rows = [["劝业场街道", "花园路", f"电话{i}", elder(50 + i), "独居", cell] for i, cell in enumerate(PHONE_CELLS)]
    return write_csv(folder / "电话写法.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别", "联系方式"], *rows])


def test_landlines_with_a_dash_or_the_word_座机_are_phones(one_load):
    balanced(one_load[1]["phones"], len(PHONE_CELLS))
    assert [p for (p,) in loaded(one_load, "phones", "phones")] == list(PHONE_CELLS.values())


@loads.file("names")
def _names(folder: Path) -> Path:
    names = ["王〇一", "阿依·买买提", "欧阳 娜娜"]
    rows = [["劝业场街道", "花园路", name, elder(60 + i), "独居"] for i, name in enumerate(names)]
    return write_csv(folder / "姓名写法.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_names_with_〇_and_a_middle_dot_load_as_written(one_load):
    assert loaded(one_load, "names", "elder_name") == [("王〇一",), ("阿依·买买提",), ("欧阳娜娜",)]


# --- shapes that were refused, rejected or misread -------------------------------------------------


@loads.file("required marks in headers")
def _required_marks(folder: Path) -> Path:
    header = ["序号", "街道\n（必填）", "社区名称*", "姓名（必填）", "身份证号码\n(18位)", "人员类型", "联系电话"]
    rows = [[str(n), "劝业场街道", "花园路社区", f"必填{n}", elder(70 + n), "失能老人", "13812345678"] for n in (1, 2)]
    return write_workbook(folder / "必填表头.xlsx", {"Sheet1": [header, *rows]})


def test_a_roster_whose_phone_column_is_联系电话_is_a_roster_not_a_contact_list(one_load):
    # 联系电话 is a roster's phone and a contact list's contact phone alike: it tells neither kind
    result = one_load[1]["required marks in headers"]
    assert result.kind == "roster"
    balanced(result, 2)
    assert loaded(one_load, "required marks in headers", "elder_name, categories, phone") == [
        (f"必填{n}", ["失能"], "13812345678") for n in (1, 2)]


@loads.file("bracketed levels")
def _bracketed_levels(folder: Path) -> Path:
    rows = [["劝业场街道办事处", "滨西(社区)", "括号一", elder(80), "独居"],
            ["劝业场街道", "滨西（社区）", "括号二", elder(81), "独居"],
            ["劝业场街道", "花园路社区(居委会)", "括号三", elder(82), "独居"],
            ["劝业场", "兆丰路社区居民委员会", "括号四", elder(83), "独居"]]
    return write_csv(folder / "社区括号.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_a_community_with_its_level_in_brackets_is_that_community(one_load):
    balanced(one_load[1]["bracketed levels"], 4)
    assert loaded(one_load, "bracketed levels", "community_code") == [
        (BINXI,), (BINXI,), (HUAYUANLU,), (ZHAOFENGLU,)]


@loads.file("community with its street")
def _community_with_its_street(folder: Path) -> Path:
    cells = ["劝业场街道花园路社区", "和平区劝业场街道花园路社区居委会", "劝业场街滨西",
             "小白楼街道花园路社区", "劝业场街道新花园路"]
    rows = [[cell, f"全称{i}", elder(95 + i), "独居"] for i, cell in enumerate(cells)]
    return write_csv(folder / "社区全称.csv", [["所属社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_a_community_cell_that_names_its_street_first_is_that_community(one_load):
    warehouse, results = one_load
    result = results["community with its street"]
    balanced(result, 5, rejected=2)
    assert loaded(one_load, "community with its street", "community_code") == [(HUAYUANLU,), (HUAYUANLU,), (BINXI,)]
    # the street named is not the community's, or no community ends the cell: not guessed
    assert [reason.split(" (")[0] for _, reason in warehouse.rejects(result)] == [
        "未知社区: 小白楼街道花园路社区", "未知社区: 劝业场街道新花园路"]


@loads.file("district with its city")
def _district_with_city(folder: Path) -> Path:
    rows = [["天津市和平区", "劝业场街道", "花园路社区", "市区一", elder(90), "独居"],
            ["和平", "劝业场街", "花园路", "市区二", elder(91), "独居"],
            ["天津市南开区", "劝业场街道", "花园路", "市区三", elder(92), "独居"]]
    return write_csv(folder / "区带市名.csv", [["区", "街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_a_district_written_with_its_city_is_that_district(one_load):
    warehouse, results = one_load
    result = results["district with its city"]
    balanced(result, 3, rejected=1)
    assert loaded(one_load, "district with its city", "elder_name") == [("市区一",), ("市区二",)]
    assert warehouse.rejects(result) == [(4, "未知的区: 天津市南开区")]


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@loads.file("ids as typed")
def _ids_as_typed(folder: Path) -> Path:
    cells = [elder(100).translate(FULL_WIDTH), "'" + elder(101), "‘" + elder(102), "＇" + elder(103)]
    wrong_check = elder(104)[:17] + ("1" if elder(104).endswith("0") else "0")
    rows = [["劝业场街道", "花园路", f"证号{i}", cell, "独居"] for i, cell in enumerate([*cells, "'" + wrong_check])]
    return write_csv(folder / "证号写法.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_ids_in_full_width_digits_or_behind_an_apostrophe_are_read_as_ids(one_load):
    warehouse, results = one_load
    result = results["ids as typed"]
    balanced(result, 5, rejected=1)
    assert loaded(one_load, "ids as typed", "id_number") == [(elder(n),) for n in (100, 101, 102, 103)]
    assert warehouse.rejects(result) == [(6, "身份证号校验位错误")]  # the apostrophe repairs nothing


@loads.file("ids with web spaces")
def _ids_with_web_spaces(folder: Path) -> Path:
    cells = [elder(105) + "\xa0", "\u200b" + elder(106), elder(107)[:9] + "\xa0" + elder(107)[9:]]
    rows = [["劝业场街道", "花园路\xa0", f"网页\xa0{i}", cell, "独居"] for i, cell in enumerate(cells)]
    return write_csv(folder / "网页导出空格.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_no_break_and_zero_width_spaces_from_a_web_export_are_spaces(one_load):
    balanced(one_load[1]["ids with web spaces"], 3)
    assert loaded(one_load, "ids with web spaces", "id_number, elder_name, community_code") == [
        (elder(n), f"网页{i}", HUAYUANLU) for i, n in enumerate((105, 106, 107))]


CLOCK_CELLS = {"2026年5月3日 上午": dt.datetime(2026, 5, 3), "2026年5月3日下午3点": dt.datetime(2026, 5, 3, 15),
               "2026-5-3 上午9点30分": dt.datetime(2026, 5, 3, 9, 30),
               "2026年5月4日晚上8点半": dt.datetime(2026, 5, 4, 20, 30),
               "2026/05/05 09:30:00": dt.datetime(2026, 5, 5, 9, 30), "2026-5-6 9:30": dt.datetime(2026, 5, 6, 9, 30)}


@loads.file("clock words")
def _clock_words(folder: Path) -> Path:
    header = ["身份证号", "姓名", "社区", "走访时间", "探访方式", "探访结果", "探访人员"]
    rows = [[elder(110 + i), f"时刻{i}", "花园路", cell, "入户", "正常", "网格员"]
            for i, cell in enumerate(CLOCK_CELLS)]
    rows.append([elder(120), "无年份", "花园路", "5月3日", "入户", "正常", "网格员"])
    return write_csv(folder / "走访时间写法.csv", [header, *rows])


def test_visit_times_written_with_上午_下午_and_点_load_at_that_time(one_load):
    balanced(one_load[1]["clock words"], len(CLOCK_CELLS) + 1, rejected=1)
    assert [at for (at,) in loaded(one_load, "clock words", "visit_at")] == list(CLOCK_CELLS.values())


def test_a_visit_date_without_a_year_is_rejected_saying_so(one_load):
    warehouse, results = one_load
    assert warehouse.rejects(results["clock words"]) == [(len(CLOCK_CELLS) + 2, "探访日期没有年份: 5月3日")]


WEEKDAY_CELLS = {"2026年5月3日星期日": dt.datetime(2026, 5, 3), "2026-05-04 周一": dt.datetime(2026, 5, 4),
                 "2026/5/5 星期二 10:00": dt.datetime(2026, 5, 5, 10), "2026.05.06.": dt.datetime(2026, 5, 6),
                 "2026 年 5 月 7 日": dt.datetime(2026, 5, 7), "2026年5月8日。": dt.datetime(2026, 5, 8)}


@loads.file("weekday dates")
def _weekday_dates(folder: Path) -> Path:
    header = ["身份证号", "姓名", "社区", "探访日期", "探访方式"]
    rows = [[elder(125 + i), f"星期{i}", "花园路", cell, "入户"] for i, cell in enumerate(WEEKDAY_CELLS)]
    return write_csv(folder / "长日期格式.csv", [header, *rows])


def test_dates_in_excels_long_format_with_the_weekday_or_a_full_stop_load(one_load):
    balanced(one_load[1]["weekday dates"], len(WEEKDAY_CELLS))
    assert [at for (at,) in loaded(one_load, "weekday dates", "visit_at")] == list(WEEKDAY_CELLS.values())


@loads.file("day and time columns")
def _day_and_time_columns(folder: Path) -> Path:
    header = ["身份证号", "姓名", "社区", "探访时间", "探访日期", "探访方式", "探访结果", "探访人"]
    rows = [header, [elder(190), "两次", "花园路", dt.time(9, 30), dt.date(2026, 5, 3), "入户", "正常", "社工"],
            [elder(190), "两次", "花园路", "下午3点", dt.date(2026, 5, 3), "入户", "正常", "社工"],
            [elder(191), "整时", "花园路", "2026-05-04 10:15", "2026-05-04", "电话", "正常", "社工"],
            [elder(192), "看不懂", "花园路", "傍晚时分", "2026-05-05", "电话", "正常", "社工"]]
    return write_workbook(folder / "日期时间分列.xlsx", {"探访记录": rows})


def test_a_visits_day_and_time_of_day_in_two_columns_make_its_time(one_load):
    # two visits on one day at different times are two visits, not a repeat
    balanced(one_load[1]["day and time columns"], 4)
    assert [at for (at,) in loaded(one_load, "day and time columns", "visit_at")] == [
        dt.datetime(2026, 5, 3, 9, 30), dt.datetime(2026, 5, 3, 15), dt.datetime(2026, 5, 4, 10, 15),
        dt.datetime(2026, 5, 5)]
    assert warnings(one_load, "day and time columns") == [(5, "探访时间无法识别: 傍晚时分, 只按日期导入")]


@loads.file("totals and footer")
def _totals_and_footer(folder: Path) -> Path:
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    rows = [header, ["劝业场街道", "花园路", "合计前一", elder(130), "独居"],
            ["花园路社区小计", "", "1", "", ""],
            ["", "花园路小计", "1人", "", ""],  # by the place's name alone (probe Q: rejected, 身份证号为空)
            ["劝业场街道", "滨西", "合计后一", elder(131), "独居"],
            ["", "滨西社区 小计", "1", "", ""],
            ["合 计", "", "2", "", ""], [],
            ["备注：1.本表由社区填报"], ["填表人：某某", "", "审核人：某某", "联系电话：022-23301234"],
            ["填报日期：2026年5月31日"], ["制表：某某", "", "审核：某某"]]  # (review 7: 制表 was a row, ID missing)
    return write_workbook(folder / "合计与落款.xlsx", {"底册": rows})


def test_subtotals_named_by_their_place_and_the_signature_below_are_not_data(one_load):
    result = one_load[1]["totals and footer"]
    balanced(result, 2)
    assert loaded(one_load, "totals and footer", "row_number, elder_name") == [(2, "合计前一"), (5, "合计后一")]


@loads.file("blocks with their headers")
def _blocks_with_their_headers(folder: Path) -> Path:
    header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    block = [[str(n), "劝业场街道", "花园路" if n < 3 else "滨西", f"分块{n}", elder(195 + n), "独居"]
             for n in (1, 2, 3, 4)]
    return write_workbook(folder / "分块粘贴.xlsx", {"底册": [header, *block[:2], [], header, *block[2:]]})


def test_a_header_repeated_over_each_pasted_block_is_not_a_row(one_load):
    balanced(one_load[1]["blocks with their headers"], 4)
    assert loaded(one_load, "blocks with their headers", "row_number, community_code") == [
        (2, HUAYUANLU), (3, HUAYUANLU), (6, BINXI), (7, BINXI)]


@loads.file("所在社区 and service columns")
def _service_columns(folder: Path) -> Path:
    header = ["老人姓名", "所在社区", "服务时间", "服务方式", "服务内容", "服务人员"]
    rows = [[f"服务{n}", "花园路", f"2026-05-2{n}", "上门探访", "了解近况", "志愿者"] for n in (1, 2)]
    return write_csv(folder / "服务记录.csv", [header, *rows])


def test_a_visit_record_named_in_service_words_is_found_and_read(one_load):
    result = one_load[1]["所在社区 and service columns"]
    assert result.kind == "visits"
    balanced(result, 2)
    columns = "elder_name, community_code, visit_date, method, findings"
    assert loaded(one_load, "所在社区 and service columns", columns) == [
        (f"服务{n}", HUAYUANLU, dt.date(2026, 5, 20 + n), "上门", "了解近况") for n in (1, 2)]
    assert warnings(one_load, "所在社区 and service columns") == []


@loads.file("two-row header, html")
def _two_row_header_html(folder: Path) -> Path:
    cells = "".join(f"<tr><td>{elder(140 + n)}</td><td>两行{n}</td><td>花园路</td><td>2026-05-0{n}</td>"
                    "<td>入户</td><td>正常</td></tr>" for n in (1, 2))
    page = ('<html><head><meta charset="gbk"></head><body><table><tr><td colspan="6">探访记录</td></tr>'
            '<tr><td rowspan="2">身份证号</td><td rowspan="2">姓名</td><td rowspan="2">社区</td>'
            '<td colspan="3">探访信息</td></tr><tr><td>探访日期</td><td>探访方式</td><td>探访结果</td></tr>'
            f"{cells}</table></body></html>")
    path = folder / "两行表头.xls"
    path.write_bytes(page.encode("gbk"))
    return path


def test_a_two_row_header_with_a_group_title_over_the_visit_columns_is_read_whole(one_load):
    balanced(one_load[1]["two-row header, html"], 2)
    assert loaded(one_load, "two-row header, html", "row_number, elder_name, visit_date, method") == [
        (3 + n, f"两行{n}", dt.date(2026, 5, n), "上门") for n in (1, 2)]


@loads.file("two-row header, csv")
def _two_row_header_csv(folder: Path) -> Path:
    top = ["序号", "基本信息", "", "", "", "特殊困难类别", "联系电话"]
    below = ["", "街道", "社区", "姓名", "身份证号", "", ""]
    rows = [[str(n), "劝业场街道", "花园路", f"分组{n}", elder(150 + n), "独居", "13812345678"] for n in (1, 2)]
    return write_csv(folder / "分组表头.csv", [top, below, *rows])


def test_a_two_row_header_without_merges_takes_the_names_above_its_blank_cells(one_load):
    balanced(one_load[1]["two-row header, csv"], 2)
    assert loaded(one_load, "two-row header, csv", "row_number, elder_name, categories, phone") == [
        (2 + n, f"分组{n}", ["独居"], "13812345678") for n in (1, 2)]
    assert warnings(one_load, "two-row header, csv") == []


@loads.file("a line under the header")
def _a_line_under_the_header(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "楼号", "备注说明", "特殊困难类别"]
    line = ["", "", "花园路社区", "劝业场街道", "失能2人", ""]  # blank under three names, place words under others
    rows = [[f"楼下{n}", elder(185 + n), "花园路", f"{n}号楼", "", "独居"] for n in (1, 2)]
    return write_csv(folder / "表头下一行.csv", [header, line, *rows])


def test_a_row_naming_no_column_itself_is_never_the_header_it_sits_under(one_load):
    warehouse, results = one_load
    result = results["a line under the header"]
    balanced(result, 3, rejected=1)
    assert warehouse.rejects(result) == [(2, "身份证号为空")]
    assert loaded(one_load, "a line under the header", "elder_name") == [("楼下1",), ("楼下2",)]


ROSTER_WORDS = [("✔", "老两口", "半自理", "健在", "同意", "空巢", "半失能", "在册"),
                ("✘", "一个人住", "自理", "在世", "不同意", "独居", "自理", "在册")]


@loads.file("roster words")
def _roster_words(folder: Path) -> Path:
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别", "是否同意探访", "居住情况", "失能程度", "状态"]
    rows = [["劝业场街道", "花园路", f"词{i}", elder(160 + i), "空巢" if i == 0 else "独居", *words[:4]]
            for i, words in enumerate(ROSTER_WORDS)]
    return write_csv(folder / "底册用词.csv", [header, *rows])


def test_roster_words_clerks_write_are_understood(one_load):
    # 半自理 is half able to look after oneself: 半失能, never 自理
    assert loaded(one_load, "roster words", "consent, living, disability, status") == [
        tuple(words[4:]) for words in ROSTER_WORDS]


@loads.file("visit words")
def _visit_words(folder: Path) -> Path:
    header = ["身份证号", "姓名", "社区", "探访日期", "探访方式", "探访结果", "探访人"]
    rows = [[elder(170), "面谈", "花园路", "2026-05-06", "面对面", "正常", "社工"],
            [elder(171), "送餐", "花园路", "2026-05-07", "视频探访", "需要送餐服务", "社工"],
            [elder(172), "无需", "花园路", "2026-05-08", "电话", "不需要帮助", "社工"]]
    return write_csv(folder / "探访用词.csv", [header, *rows])


def test_visit_words_clerks_write_are_understood(one_load):
    assert loaded(one_load, "visit words", "method, outcome") == [("上门", "正常"), ("视频", "发现问题"),
                                                                  ("电话", "正常")]
    assert warnings(one_load, "visit words") == []


@loads.file("key words")
def _key_words(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "联系人姓名", "与老人关系", "联系人电话", "是否持有钥匙"]
    rows = [["花园路", f"钥匙{i}", elder(175 + i), "王某", "儿子", f"1381234567{i}", cell]
            for i, cell in enumerate(["有钥匙", "无钥匙", "没有"])]
    return write_csv(folder / "钥匙.csv", [header, *rows])


def test_has_key_cells_as_clerks_write_them(one_load):
    assert loaded(one_load, "key words", "has_key") == [("是",), ("否",), ("否",)]
    assert warnings(one_load, "key words") == []


# --- a file that is no table at all ----------------------------------------------------------------


def test_the_blank_template_a_street_sends_back_is_refused_in_one_line_leaving_the_warehouse(tmp_path):
    good = write_csv(tmp_path / "底册.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"],
                                            ["劝业场街道", "花园路", "王丽", elder(180), "独居"]])
    db = tmp_path / "w.duckdb"
    assert run_cli("ingest", str(good), "--db", str(db)).returncode == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    template = write_workbook(tmp_path / "空模板.xlsx", {"填表说明": [["填表说明"], ["1. 身份证号请填写18位"]],
                                                      "Sheet2": [[]]})
    done = run_cli("ingest", str(template), "--db", str(db))
    assert done.returncode != 0
    assert [line for line in done.stderr.splitlines() if "空模板.xlsx" in line] == [
        "无法导入 空模板.xlsx: 所有工作表的前 30 行中都没有找到表头 (例如 身份证号、姓名、社区 等列名)"]
    assert "Traceback" not in done.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
