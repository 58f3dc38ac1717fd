"""Files as streets really send them, round 7: what a probe of realistic exports (review 25, 2026-12-07)
found misread. A roster's exits said by a column nobody had listed (变动类型 read as the categories, 异动情况 and
是否在册 not read), by a sheet named 已故 or 死亡注销, or by the heading of a block (二、本月减少人员): the dead
counted as living. A category cell that denies or only foresees its category (已取消独居, 疑似失能) counted as it.
A daily register's 失联 and 休 counted as calls. A day without its year followed by its weekday rejected. A visit
record numbering its visits (本年累计探访次数) refused as a summary of counts. Each loads as DESIGN §3 and §4 say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_id, run_cli
from tests.etl.exports import TITLE, OneLoad, Warehouse, write_xlsx
from tests.etl.test_street_files import balanced, loaded, warnings, write_workbook

loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    return loads.load(tmp_path_factory.mktemp("street-files-6"))


def elder(n: int) -> str:
    """A distinct synthetic ID number for every n below 100, of a person of 78."""
    return make_id("19480515", n)


DIED = "2026-09-20"  # before the rosters' 填报日期 (2026-10-05): out of October's figures


def counted_in_october(one_load, id_number: str) -> bool:
    """Whether the person is among October's special-difficulty elders (DESIGN §4: active in the month)."""
    return bool(one_load[0].rows("select 1 from elder_months where elder_id = ? and month_start = '2026-10-01'",
                                 [id_number]))


# --- an exit said by a column of another name -------------------------------------------------------------------------

EXIT_HEADERS = {"变动类型": ("花园路", 1), "注销类型": ("滨西", 3), "异动情况": ("兆丰路", 5), "人员现状": ("林泉", 7)}


def _exit_column(header_cell: str):
    def write(folder: Path) -> Path:
        community, first = EXIT_HEADERS[header_cell]
        header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", header_cell, "变动日期"]
        rows = [["1", "劝业场街道", community, f"在册{first}", elder(first), "独居", "正常", ""],
                ["2", "劝业场街道", community, f"死亡{first}", elder(first + 1), "失能", "死亡", DIED]]
        return write_xlsx(folder / f"{community}底册_{header_cell}.xlsx", [*TITLE, header, *rows])
    return write


for _header_cell in EXIT_HEADERS:
    loads.file(f"exit column {_header_cell}")(_exit_column(_header_cell))


@pytest.mark.parametrize("header_cell", list(EXIT_HEADERS))
def test_an_exit_column_under_another_common_header_is_the_status(one_load, header_cell):
    # 变动类型 had been read as the categories (类型), 异动情况 and 人员现状 not at all: the dead counted, no row warned
    _, first = EXIT_HEADERS[header_cell]
    balanced(one_load[1][f"exit column {header_cell}"], 2)
    assert loaded(one_load, f"exit column {header_cell}", "status, categories") == [
        ("在册", ["独居"]), ("死亡", ["失能"])]
    assert not [message for _, message in warnings(one_load, f"exit column {header_cell}") if "的列" in message]
    assert counted_in_october(one_load, elder(first)) and not counted_in_october(one_load, elder(first + 1))


@loads.file("yes-no exit columns")
def _yes_no_exits(folder: Path) -> Path:
    header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "是否在册", "是否注销", "是否迁出",
              "变动日期", "人员状态"]
    answers = [("是", "否", "否", "", "在册"), ("否", "", "", DIED, ""), ("是", "是", "否", DIED, "在册"),
               ("是", "否", "是", DIED, "")]
    rows = [[str(n + 1), "劝业场街道", "新疆路", f"是否{n}", elder(10 + n), "空巢", *cells]
            for n, cells in enumerate(answers)]
    return write_xlsx(folder / "新疆路底册_是否.xlsx", [*TITLE, header, *rows])


def test_yes_no_columns_asking_whether_listed_cancelled_or_moved_away_are_the_status(one_load):
    balanced(one_load[1]["yes-no exit columns"], 4)
    assert loaded(one_load, "yes-no exit columns", "status") == [("在册",), ("注销",), ("注销",), ("迁出",)]
    assert [counted_in_october(one_load, elder(10 + n)) for n in range(4)] == [True, False, False, False]
    # a status cell of 在册 beside 是否注销 是: loaded as the yes/no column says, the two said to disagree
    assert warnings(one_load, "yes-no exit columns") == [(6, "在册状态为在册, 但另一栏写明已注销: 按注销导入, 请核实")]


# --- a category cell that denies or only foresees its category ----------------------------------------------------

DENIED = ["已取消独居", "曾失能", "疑似失能", "待认定失能", "拟纳入独居", "独居（否）"]


@loads.file("denied categories")
def _denied_categories(folder: Path) -> Path:
    header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    rows = [[str(n + 1), "劝业场街道", "南京路", f"类别{n}", elder(20 + n), cell]
            for n, cell in enumerate([*DENIED, "独居"])]
    return write_xlsx(folder / "南京路底册_类别.xlsx", [*TITLE, header, *rows])


def test_a_category_denied_or_not_yet_decided_is_no_marking(one_load):
    # DESIGN §4: special-difficulty by the categories marked; these had counted as marked, without a word
    balanced(one_load[1]["denied categories"], len(DENIED) + 1)
    assert loaded(one_load, "denied categories", "categories") == [([],)] * len(DENIED) + [(["独居"],)]
    said = [message for _, message in warnings(one_load, "denied categories")]
    assert [f"未知的特殊困难类别: {cell}, 未计入" for cell in DENIED[:5]] == [
        message for message in said if message.startswith("未知的特殊困难类别")]
    assert [counted_in_october(one_load, elder(20 + n)) for n in range(len(DENIED) + 1)] == [False] * len(DENIED) + [
        True]


# --- exits kept on a sheet of their own, or in a block under a heading --------------------------------------------

ROSTER_HEADER = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "变动日期"]
EXIT_SHEETS = {"已故": ("宁夏路", 30), "死亡注销": ("福明", 33)}


def _exit_sheet(sheet_name: str):
    def write(folder: Path) -> Path:
        community, first = EXIT_SHEETS[sheet_name]
        living = [["1", "劝业场街道", community, f"在册{first}", elder(first), "独居", ""]]
        dead = [["1", "劝业场街道", community, f"离开{first}", elder(first + 1), "失能", DIED]]
        return write_workbook(folder / f"{community}底册_{sheet_name}.xlsx", {
            "在册人员": [*TITLE, ROSTER_HEADER, *living], sheet_name: [*TITLE, ROSTER_HEADER, *dead]})
    return write


for _sheet_name in EXIT_SHEETS:
    loads.file(f"exit sheet {_sheet_name}")(_exit_sheet(_sheet_name))


@pytest.mark.parametrize("sheet_name", list(EXIT_SHEETS))
def test_a_sheet_named_by_an_exit_says_its_peoples_status(one_load, sheet_name):
    # 已故 had been read as 故 (其 已 dropped), 死亡注销 as no word at all: the dead counted as living
    _, first = EXIT_SHEETS[sheet_name]
    balanced(one_load[1][f"exit sheet {sheet_name}"], 2)
    assert sorted(loaded(one_load, f"exit sheet {sheet_name}", "elder_name, status")) == [
        (f"在册{first}", "在册"), (f"离开{first}", "死亡")]
    assert counted_in_october(one_load, elder(first)) and not counted_in_october(one_load, elder(first + 1))


EXIT_HEADINGS = {"二、已故老人（1人）": ("百货大楼", 40, "死亡"), "二、本月减少人员（1人）": ("新津", 43, "注销")}


def _exit_heading(heading: str):
    def write(folder: Path) -> Path:
        community, first, _ = EXIT_HEADINGS[heading]
        rows = [["一、在册人员（2人）"],
                *[[str(n + 1), "劝业场街道", community, f"在册{first + n}", elder(first + n), "独居", ""]
                  for n in range(2)],
                [heading], ["1", "劝业场街道", community, f"离开{first}", elder(first + 2), "失能", DIED]]
        return write_xlsx(folder / f"{community}底册_分段.xlsx", [*TITLE, ROSTER_HEADER, *rows])
    return write


for _heading in EXIT_HEADINGS:
    loads.file(f"exit heading {_heading}")(_exit_heading(_heading))


@pytest.mark.parametrize("heading", list(EXIT_HEADINGS))
def test_a_block_headed_by_an_exit_says_its_peoples_status(one_load, heading):
    # a roster without a status column, its exits in a block of their own: they had loaded as 在册, without a word
    _, first, status = EXIT_HEADINGS[heading]
    balanced(one_load[1][f"exit heading {heading}"], 3)
    assert loaded(one_load, f"exit heading {heading}", "elder_name, status, change_date::varchar") == [
        (f"在册{first}", "在册", None), (f"在册{first + 1}", "在册", None), (f"离开{first}", status, DIED)]
    assert [counted_in_october(one_load, elder(first + n)) for n in range(3)] == [True, True, False]


# --- a visit record numbering its visits ------------------------------------------------------------------------------

@loads.file("visits numbered")
def _visits_numbered(folder: Path) -> list[Path]:
    roster = write_xlsx(folder / "蒙古路底册.xlsx", [*TITLE, ROSTER_HEADER, *[
        [str(n), "劝业场街道", "蒙古路", f"计次{n}", elder(50 + n), "独居", ""] for n in (1, 2)]])
    header = ["序号", "老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果", "本年累计探访次数"]
    rows = [[str(n), f"计次{n}", elder(50 + n), "蒙古路", f"2026-10-1{n}", "入户", "正常", str(9 + n)] for n in (1, 2)]
    return [roster, write_xlsx(folder / "蒙古路10月探访记录.xlsx", [["蒙古路社区2026年10月探访记录"], header, *rows])]


def test_a_visit_record_with_a_running_count_of_visits_is_a_record(one_load):
    # one count beside each visit's date: the record numbers its visits; it had been refused as a summary of counts
    _, visits = one_load[1]["visits numbered"]
    balanced(visits, 2)
    assert one_load[0].rows("select id_number, visit_date::varchar, method from visit_rows where load_id = ?"
                            " order by row_number", [visits.load_id]) == [
        (elder(51), "2026-10-11", "上门"), (elder(52), "2026-10-12", "上门")]


# --- a daily register's words ---------------------------------------------------------------------------------------

# a day's mark as a clerk writes it: whether it is a contact (DESIGN §2: 未遇 never counts), and whether the load warns
REGISTER_MARKS = {"√": (True, False), "好": (True, False), "失联": (False, False), "休": (False, False),
                  "空": (False, False), "在医院": (False, False), "子女接走": (False, True), "去旅游": (False, True)}


@loads.file("register words")
def _register_words(folder: Path) -> list[Path]:
    roster = write_xlsx(folder / "静园底册.xlsx", [*TITLE, ROSTER_HEADER, *[
        [str(n), "劝业场街道", "静园", f"登记{n}", elder(60 + n), "独居", ""] for n in (1, 2)]])
    marks = [*REGISTER_MARKS, *[""] * (31 - len(REGISTER_MARKS))]
    rows = [["静园社区独居老人每日联系登记表（2026年10月）"], ["序号", "姓名", "身份证号", *range(1, 32)],
            [1, "登记1", elder(61), *marks], [2, "登记2", elder(62), *(["√"] * 31)]]
    return [roster, write_xlsx(folder / "静园日联系登记表.xlsx", rows)]


def test_a_registers_words_that_tell_of_no_contact_count_for_nothing_and_unknown_ones_are_warned_of(one_load):
    # 失联, 休, 在医院 … written in a day's cell had counted as calls made, without a word (review 25 H3)
    _, register = one_load[1]["register words"]
    assert register.status == "loaded", register.message
    counted = one_load[0].rows("select day(visit_date), outcome in ('正常', '发现问题', '紧急') from visit_rows"
                               " where load_id = ? and id_number = ? order by 1", [register.load_id, elder(61)])
    assert counted == [(day + 1, contact) for day, (contact, _) in enumerate(REGISTER_MARKS.values())]
    warned = one_load[0].rows("select message from load_warnings where load_id = ? and code = 'unknown_value'",
                              [register.load_id])
    assert sorted(warned) == sorted((f"工作表 Sheet ({day + 1}日): 未知的探访结果: {mark}, 不计为有效探访",)
                                    for day, (mark, (_, warns)) in enumerate(REGISTER_MARKS.items()) if warns)


# --- a day written without its year, with its weekday or the time of day after it ---------------------------------

YEARLESS_DAYS = {"10月7日（周三）": "2026-10-07", "10月9日周五": "2026-10-09", "10月16日下午": "2026-10-16",
                 "10.28下午": "2026-10-28", "10月19日晚": "2026-10-19", "10月20日晚7点": "2026-10-20 19:00:00"}


@loads.file("yearless days with words after them")
def _yearless_days(folder: Path) -> Path:
    header = ["序号", "老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    rows = [[str(n + 1), f"无年{n}", elder(70 + n), "兆丰路", cell, "入户", "正常"]
            for n, cell in enumerate(YEARLESS_DAYS)]
    return write_xlsx(folder / "兆丰路探访记录.xlsx", [["兆丰路社区2026年10月探访记录"], header, *rows])


def test_a_day_without_its_year_followed_by_its_weekday_or_the_time_of_day_takes_the_titles_year(one_load):
    # they had been rejected as 探访日期没有年份, though the title names the month, as 10月6号 beside them read
    balanced(one_load[1]["yearless days with words after them"], len(YEARLESS_DAYS))
    assert loaded(one_load, "yearless days with words after them", "strftime(visit_at, '%Y-%m-%d %H:%M:%S')") == [
        (when if " " in when else f"{when} 00:00:00",) for when in YEARLESS_DAYS.values()]


# --- a roster kept as a sheet per category ------------------------------------------------------------------------

SHEET_HEADER = ["序号", "街道", "社区", "姓名", "性别", "身份证号", "联系电话"]


@loads.file("a sheet per category")
def _sheet_per_category(folder: Path) -> Path:
    def rows(category: str, first: int) -> list[list]:
        return [[f"泰安道社区{category}名单"], SHEET_HEADER,
                *[[str(n + 1), "小白楼街道", "泰安道", f"{category}{n}", "男", elder(first + n), "13900001111"]
                  for n in range(2)]]
    return write_workbook(folder / "泰安道底册_分类.xlsx", {"独居老人": rows("独居", 80), "失能老人": rows("失能", 82)})


def test_a_roster_kept_as_a_sheet_per_category_marks_each_sheets_elders_with_it(one_load):
    # without a category column, each sheet named by its category: every elder had been left out, but the 80-year-olds
    balanced(one_load[1]["a sheet per category"], 4)
    assert sorted(loaded(one_load, "a sheet per category", "elder_name, categories")) == [
        ("失能0", ["失能"]), ("失能1", ["失能"]), ("独居0", ["独居"]), ("独居1", ["独居"])]
    assert not [message for _, message in warnings(one_load, "a sheet per category") if "特殊困难类别一列" in message]
    assert all(counted_in_october(one_load, elder(n)) for n in range(80, 84))


# --- two tables stacked in one sheet, the second's columns in another order ----------------------------------------

@loads.file("stacked tables in two orders")
def _stacked_in_two_orders(folder: Path) -> Path:
    first = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "居住情况"]
    second = ["序号", "街道", "社区", "姓名", "身份证号", "居住情况", "特殊困难类别"]
    rows = [first, ["1", "小白楼街道", "树德里", "叠一", elder(90), "独居", "独自居住"], [],
            second, ["1", "小白楼街道", "崇仁里", "叠二", elder(91), "与子女同住", "失能"]]
    return write_xlsx(folder / "小白楼底册_两段.xlsx", [*TITLE, *rows])


def test_a_second_table_whose_header_orders_its_columns_otherwise_is_refused_saying_where(one_load):
    # read by the first table's columns, 崇仁里's categories had come from the living arrangement, without a word
    result = one_load[1]["stacked tables in two orders"]
    assert result.status == "failed"
    assert result.message == ("工作表 Sheet 第 6 行是另一个表的表头, 列的顺序与第 3 行的表头不同, 无法按同一表头读取, "
                              "未导入: 请把两个表分开 (各放一个工作表, 或按同一列顺序排列) 后重新导入")


# --- a visit record's headers under other words -----------------------------------------------------------------------

@loads.file("visits under other words")
def _visits_under_other_words(folder: Path) -> list[Path]:
    roster = write_xlsx(folder / "承德道底册.xlsx", [*TITLE, ROSTER_HEADER, *[
        [str(n), "小白楼街道", "承德道", f"慰问{n}", elder(92 + n), "空巢", ""] for n in (1, 2)]])
    header = ["序号", "老人姓名", "身份证号", "社区", "慰问日期", "慰问方式", "紧急联系人", "紧急联系人电话"]
    rows = [[str(n), f"慰问{n}", elder(92 + n), "承德道", f"2026-10-2{n}", "入户", "王芳", "13900002222"]
            for n in (1, 2)]
    return [roster, write_xlsx(folder / "承德道慰问记录.xlsx", [["承德道社区2026年10月慰问记录"], header, *rows])]


def test_a_visit_records_慰问_headers_are_its_date_and_method_and_an_emergency_contact_is_no_emergency(one_load):
    # the record had been refused for a missing 探访方式; 紧急联系人 had filled the visit's emergency with a name
    _, visits = one_load[1]["visits under other words"]
    balanced(visits, 2)
    assert one_load[0].rows("select visit_date::varchar, method, emergency from visit_rows where load_id = ?"
                            " order by row_number", [visits.load_id]) == [
        ("2026-10-21", "上门", None), ("2026-10-22", "上门", None)]


# --- headers written as their pinyin initials ---------------------------------------------------------------------

def later(n: int) -> str:
    """More distinct synthetic ID numbers (elder's run to 99), of a person of 79."""
    return make_id("19470310", n)


@loads.file("pinyin headers")
def _pinyin_headers(folder: Path) -> list[Path]:
    # a system's export whose columns are named by their pinyin initials (XM 姓名, SFZH 身份证号, TFRQ 探访日期)
    header = ["XH", "JD", "SQ", "XM", "XB", "SFZH", "RYLB", "LXDH"]
    roster = write_xlsx(folder / "长春道底册_拼音.xlsx", [*TITLE, header, *[
        [str(n), "小白楼街道", "长春道", f"拼音{n}", "女", later(n), "独居", "13900003333"] for n in (1, 2)]])
    rows = [[str(n), "长春道", f"拼音{n}", later(n), f"2026-10-0{n + 2}", "入户", "正常", "社工甲"] for n in (1, 2)]
    visits = write_xlsx(folder / "长春道探访_拼音.xlsx", [
        ["长春道社区2026年10月探访记录"], ["XH", "SQ", "XM", "SFZH", "TFRQ", "TFFS", "TFJG", "TFR"], *rows])
    return [roster, visits]


def test_headers_written_as_their_pinyin_initials_are_read(one_load):
    # probe 25 L2: refused as 前 30 行中没有找到表头
    roster, visits = one_load[1]["pinyin headers"]
    balanced(roster, 2)
    balanced(visits, 2)
    assert one_load[0].rows("select community_code, categories, phone from roster_rows where load_id = ?",
                            [roster.load_id]) == [("120101002009", ["独居"], "13900003333")] * 2
    assert one_load[0].rows("select id_number, visit_date::varchar, method, outcome from visit_rows where load_id = ?"
                            " order by row_number", [visits.load_id]) == [
        (later(1), "2026-10-03", "上门", "正常"), (later(2), "2026-10-04", "上门", "正常")]


# --- a community's roster that says it has nobody to list ---------------------------------------------------------

NOBODY_HEADER = ["序号", "街道", "社区", "姓名", "性别", "身份证号", "特殊困难类别", "状态"]


@loads.file("nobody listed")
def _nobody_listed(folder: Path) -> list[Path]:
    october = write_xlsx(folder / "解放路底册_10月.xlsx", [*TITLE, ROSTER_HEADER, *[
        [str(n), "小白楼街道", "解放路", f"无人{n}", later(10 + n), "独居", ""] for n in (1, 2)]])
    november = write_xlsx(folder / "解放路底册_11月.xlsx", [["小白楼街道解放路社区特殊困难老年人底册"],
                                                          ["填报日期：2026年11月5日"], NOBODY_HEADER,
                                                          ["本社区暂无特殊困难老年人"]])
    written = write_xlsx(folder / "达文里底册_无.xlsx", [*TITLE, NOBODY_HEADER, ["1", "小白楼街道", "达文里", "无"]])
    unplaced = write_xlsx(folder / "底册_暂无.xlsx", [*TITLE, NOBODY_HEADER, ["暂无"]])
    return [october, november, written, unplaced]


def test_a_roster_saying_its_community_has_nobody_is_that_communitys_list_of_no_one(one_load):
    # probe 25 M4: the community had shown as 未报送底册, its figures blank; 无 under 姓名 rejected as 身份证号为空
    warehouse, results = one_load
    october, november, written, unplaced = results["nobody listed"]
    for result in (november, written, unplaced):
        balanced(result, 1)  # the row saying so: read, and loaded as the list of no one
    assert warehouse.rows("select community_code, elder_count, snapshot_date::varchar from roster_snapshots"
                          " where load_id in (?, ?) order by all", [november.load_id, written.load_id]) == [
        ("120101002010", 0, "2026-11-05"), ("120101002012", 0, "2026-10-05")]
    # the November list of no one ends October's listings on its date: they leave, October keeps them
    assert warehouse.rows("select elder_id, max(valid_to)::varchar from elder_periods where elder_id in (?, ?)"
                          " group by all order by all", [later(11), later(12)]) == [
        (later(11), "2026-11-05"), (later(12), "2026-11-05")]
    assert counted_in_october(one_load, later(11)) and counted_in_october(one_load, later(12))
    said = warehouse.rows("select load_id, row_number, code, message from load_warnings where load_id in (?, ?, ?)"
                          " order by load_id", [november.load_id, written.load_id, unplaced.load_id])
    assert said == [
        (november.load_id, 4, "nobody_listed", "第 4 行写明暂无特殊困难老年人: 计为解放路社区居委会的底册, 0 人;"
                                               " 现行底册中该社区的 2 人将按去向未说明计为退出"),
        (written.load_id, 4, "nobody_listed", "第 4 行写明暂无特殊困难老年人: 计为达文里社区居委会的底册, 0 人"),
        (unplaced.load_id, 4, "nobody_unplaced",
         "第 4 行写明暂无特殊困难老年人, 但看不出是哪个社区的, 未计入: 请在标题或社区一列写明社区后重新导入")]
    assert not warehouse.rows("select 1 from rejects where load_id in (?, ?, ?)",
                              [november.load_id, written.load_id, unplaced.load_id])
    # alerts, as the 导入 and 数据 pages list them: people leave a community, or a file's 暂无 counts nowhere
    assert warehouse.rows("select load_id, code from load_alerts where load_id in (?, ?, ?) order by all",
                          [november.load_id, written.load_id, unplaced.load_id]) == [
        (november.load_id, "mass_removal"), (unplaced.load_id, "nobody_unplaced")]
    # as `carevisit metrics` shows October: 达文里 sent its roster, of no one (its rates blank: no one to count)
    shown = run_cli("metrics", "--month", "2026-10", "--level", "community", "--format", "json",
                    "--db", str(warehouse.settings.db_path))
    [davenli] = [row for row in json.loads(shown.stdout) if row["code"] == "120101002012"]
    assert (davenli["roster_reported"], davenli["special_count"], davenli["visit_rate_home"]) == (True, 0, None)


def _datongdao(title_day: str, *rows: list[str]) -> list[list[str]]:
    return [[f"小白楼街道大同道社区特殊困难老年人底册 填报日期：2026年{title_day}"], ROSTER_HEADER, *rows]


@loads.file("nobody in force")
def _nobody_in_force(folder: Path) -> list[Path]:
    return [write_xlsx(folder / "大同道底册_10月.xlsx", _datongdao("10月5日", *[
                [str(n), "小白楼街道", "大同道", f"大同{n}", later(40 + n), "独居", ""] for n in (1, 2)])),
            write_xlsx(folder / "大同道底册_11月5日.xlsx", _datongdao("11月5日", ["本社区暂无特殊困难老年人"])),
            write_xlsx(folder / "大同道底册_11月20日.xlsx", _datongdao("11月20日", ["暂无"])),
            # one newcomer, and a row naming 大同1 with a mistyped ID number
            write_xlsx(folder / "大同道底册_11月25日.xlsx", _datongdao(
                "11月25日", ["1", "小白楼街道", "大同道", "大同3", later(43), "独居", ""],
                ["2", "小白楼街道", "大同道", "大同1", later(41)[:-1] + ("0" if later(41)[-1] != "0" else "1"),
                 "独居", ""]))]


def test_a_list_of_no_one_is_the_roster_in_force_that_later_files_are_compared_with(one_load):
    # the roster in force had been the community's latest list of people, the lists of no one after it passed over:
    # a second list of no one said 现行底册中该社区的 2 人将按去向未说明计为退出 again, and a rejected row naming one of
    # them was said to take that person off the list, though the first list of no one had already
    warehouse, results = one_load
    october, first, again, people = results["nobody in force"]
    assert warehouse.rows("select message from load_warnings where load_id = ? and code = 'nobody_listed'",
                          [first.load_id]) == [("第 3 行写明暂无特殊困难老年人: 计为大同道社区居委会的底册, 0 人;"
                                                " 现行底册中该社区的 2 人将按去向未说明计为退出",)]
    assert warehouse.rows("select message from load_warnings where load_id = ? and code = 'nobody_listed'",
                          [again.load_id]) == [("第 3 行写明暂无特殊困难老年人: 计为大同道社区居委会的底册, 0 人",)]
    assert (people.rows_loaded, people.rows_rejected) == (1, 1)
    assert not warehouse.rows("select message from load_warnings where load_id = ? and code = 'rejected_listed'",
                              [people.load_id])
