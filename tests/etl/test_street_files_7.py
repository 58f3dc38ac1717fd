"""Files as streets really send them, round 8: what a probe of contact lists, daily registers and online forms
(review 26, 2026-12-07) found misread. A contact list titled 包保责任人名单 or 关爱责任人名单, or headed
帮扶责任人, read as a roster: it replaced the community's roster, its elders counted as gone and no one helped. A
社区干部 column read as the community, its contact person dropped. Each loads as DESIGN §3 and §4 say."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import make_id, run_cli
from tests.etl.exports import OneLoad, Warehouse, write_xlsx
from tests.etl.test_street_files import balanced

loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    return loads.load(tmp_path_factory.mktemp("street-files-7"))


def elder(n: int) -> str:
    """A distinct synthetic ID number for every n below 100, of a person of 74."""
    return make_id("19520715", n)


ROSTER_TITLE = [["和平区居家老年人情况底册"], ["填报单位：五大道街道", "", "填报日期：2026年10月1日"]]
ROSTER_HEADER = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "失能程度"]


def roster(folder: Path, community: str, first: int) -> Path:
    """A community's roster: three disabled elders (the first living alone too) and one living alone."""
    rows = [[str(n + 1), "五大道街道", community, f"{community}{n}", elder(first + n), category, level]
            for n, (category, level) in enumerate([("独居、失能", "完全失能"), ("失能", "完全失能"),
                                                   ("失能", "部分失能"), ("独居", "")])]
    return write_xlsx(folder / f"{community}底册.xlsx", [*ROSTER_TITLE, ROSTER_HEADER, *rows])


def october(one_load, first: int) -> list[tuple]:
    """Each of a roster's four elders in October: special-difficulty, disabled, living alone, with a contact."""
    return one_load[0].rows("select is_special, is_disabled, is_alone, has_designated_contact from elder_months"
                            " where month_start = '2026-10-01' and elder_id in (?, ?, ?, ?) order by elder_id",
                            [elder(first + n) for n in range(4)])


EVERYONE_HELPED = [(True, True, True, True), (True, True, False, True), (True, True, False, True),
                   (True, False, True, False)]


# --- a contact list called by the responsibility it records ----------------------------------------------------------

RESPONSIBLE = {
    # title, header: a list of the disabled only, one of everyone, one without a title
    "包保责任人名单": ("育文坊", 1, ["育文坊社区失能老人包保责任人名单"],
                       ["序号", "社区", "姓名", "身份证号", "失能程度", "包保责任人", "包保责任人电话"]),
    "关爱责任人名单": ("友谊里", 11, ["友谊里社区特殊困难老年人关爱责任人名单"],
                       ["序号", "社区", "姓名", "身份证号", "类别", "关爱责任人", "责任人电话"]),
    "帮扶责任人 (no title)": ("文化里", 21, None,
                              ["序号", "社区", "姓名", "身份证号", "人员类别", "帮扶责任人", "帮扶责任人电话"]),
    "帮扶干部 (no title)": ("福林里", 31, None, ["序号", "社区", "姓名", "身份证号", "帮扶干部", "联系方式"]),
}


def _responsible(key: str):
    def write(folder: Path) -> list[Path]:
        community, first, title, header = RESPONSIBLE[key]
        rows = [[str(n + 1), community, f"{community}{n}", elder(first + n),
                 *(["失能"] if len(header) == 7 else []), f"干部{n}", f"1390000{first:02d}{n:02d}"] for n in range(3)]
        return [roster(folder, community, first),
                write_xlsx(folder / f"{community}_{key.split()[0]}.xlsx", [*([title] if title else []), header, *rows])]
    return write


for _key in RESPONSIBLE:
    loads.file(f"responsible {_key}")(_responsible(_key))


@pytest.mark.parametrize("key", list(RESPONSIBLE))
def test_a_list_of_the_people_responsible_for_each_elder_is_a_contact_list(one_load, key):
    # it had loaded as the community's roster: its elders off the list (去向未说明), the lone elder's 独居 dropped
    _, first, _, _ = RESPONSIBLE[key]
    _, contacts = one_load[1][f"responsible {key}"]
    balanced(contacts, 3)
    assert contacts.kind == "contacts"
    assert october(one_load, first) == EVERYONE_HELPED


# --- a cadre's columns beside the contact person's ------------------------------------------------------------------

@loads.file("a cadre's columns")
def _cadre(folder: Path) -> list[Path]:
    header = ["序号", "社区", "老人姓名", "身份证号", "联系人", "联系人电话", "社区干部", "社区干部电话"]
    # the cadre is the second and third elders' only contact
    rows = [[str(n + 1), "尚友里", f"尚友里{n}", elder(41 + n), *(["李红", "13900004100"] if n == 0 else ["", ""]),
             "孙丽", "13900004199"] for n in range(3)]
    return [roster(folder, "尚友里", 41), write_xlsx(folder / "尚友里联系人情况表.xlsx",
                                                  [["尚友里社区失能老年人联系人情况表"], header, *rows])]


def test_a_community_cadres_columns_are_a_contact_person_not_the_community(one_load):
    # 社区干部 had been read as 社区 (a repeated column, not loaded): the cadre, two elders' only contact, dropped
    _, contacts = one_load[1]["a cadre's columns"]
    balanced(contacts, 3)
    assert one_load[0].rows("select row_number, contact_index, contact_name, contact_phone from contact_rows"
                            " where load_id = ? order by all", [contacts.load_id]) == [
        (3, 1, "李红", "13900004100"), (3, 2, "孙丽", "13900004199"), (4, 1, "孙丽", "13900004199"),
        (5, 1, "孙丽", "13900004199")]
    assert october(one_load, 41) == EVERYONE_HELPED


@loads.file("a visitor headed 社区干部")
def _cadre_visits(folder: Path) -> list[Path]:
    header = ["序号", "社区", "老人姓名", "身份证号", "探访日期", "探访方式", "探访结果", "社区干部"]
    rows = [[str(n + 1), "泰来里", f"泰来里{n}", elder(51 + n), f"2026-10-1{n}", "入户", "正常", "孙丽"]
            for n in range(4)]
    return [roster(folder, "泰来里", 51), write_xlsx(folder / "泰来里探访记录.xlsx",
                                                  [["泰来里社区2026年10月探访记录"], header, *rows])]


def test_a_visit_records_cadre_column_is_the_visitor(one_load):
    # read as the community: the visitor dropped (the 督查 leads count a visitor's day); 街道工作人员 refused the file
    _, visits = one_load[1]["a visitor headed 社区干部"]
    balanced(visits, 4)
    assert one_load[0].rows("select distinct visitor_name, community_code from visit_rows where load_id = ?",
                            [visits.load_id]) == [("孙丽", "120101003009")]


# --- a daily register's days and marks ----------------------------------------------------------------------------

LONE = (0, 3)  # the roster's elders living alone: each has a row of a register


def register(folder: Path, community: str, first: int, days: list, rows: list[list]) -> list[Path]:
    """A community's roster and its register of October, a column per day."""
    title = [f"{community}社区独居老人每日联系登记表（2026年10月）"]
    return [roster(folder, community, first),
            write_xlsx(folder / f"{community}日联系登记表.xlsx", [title, ["序号", "姓名", "身份证号", *days], *rows])]


def contact_days(one_load, key: str, id_number: str) -> list[str]:
    _, result = one_load[1][key]
    return [day for (day,) in one_load[0].rows("select distinct visit_date::varchar from visit_rows"
                                               " where load_id = ? and id_number = ? order by 1",
                                               [result.load_id, id_number])]


@loads.file("day headers kept as numbers")
def _day_headers_as_numbers(folder: Path) -> list[Path]:
    # 10.10 typed into a cell Excel keeps as a number shows 10.1: the 10th, 20th and 30th headed as the 1st, 2nd, 3rd
    days = [float(f"10.{day}") for day in range(1, 32)]
    rows = [[1, "澳门路0", elder(61), *("" if day % 7 == 0 else "√" for day in range(1, 32))],
            [2, "澳门路3", elder(64), *(["√"] * 31)]]
    return register(folder, "澳门路", 61, days, rows)


def test_a_registers_days_headed_as_numbers_are_each_their_own_day(one_load):
    # the ticks of the 10th, 20th and 30th had been rejected as repeats of the 1st, 2nd and 3rd (无需修改)
    _, result = one_load[1]["day headers kept as numbers"]
    balanced(result, 27 + 31)
    assert contact_days(one_load, "day headers kept as numbers", elder(61)) == [
        f"2026-10-{day:02d}" for day in range(1, 32) if day % 7]
    assert len(contact_days(one_load, "day headers kept as numbers", elder(64))) == 31


@loads.file("ticks with the time of the call")
def _timed_ticks(folder: Path) -> list[Path]:
    rows = [[1, "三盛里0", elder(71), *(["√ 9:30"] * 31)], [2, "三盛里3", elder(74), *([dt.time(8, 30)] * 31)]]
    return register(folder, "三盛里", 71, list(range(1, 32)), rows)


def test_a_registers_mark_of_the_time_of_the_call_is_a_contact_at_that_time(one_load):
    # √ 9:30 and a time cell (08:30:00) had been read as unknown outcomes: no day covered, 62 warnings
    _, result = one_load[1]["ticks with the time of the call"]
    balanced(result, 62)
    assert one_load[0].rows("select id_number, strftime(visit_at, '%H:%M'), method, outcome, count(*) from visit_rows"
                            " where load_id = ? group by all order by all", [result.load_id]) == [
        (elder(71), "09:30", "电话", "正常", 31), (elder(74), "08:30", "电话", "正常", 31)]
    assert not one_load[0].rows("select 1 from load_warnings where load_id = ? and code = 'unknown_value'",
                                [result.load_id])


@loads.file("a row per method")
def _row_per_method(folder: Path) -> list[Path]:
    rows = []
    for n, (person, name) in enumerate([(elder(81), "安乐村0"), (elder(84), "安乐村3")]):
        rows += [[2 * n + 1, name, person, "电话", *(["√"] * 31)],
                 [2 * n + 2, name, person, "上门", *("√" if day in (7, 21) else "" for day in range(1, 32))]]
    title = ["安乐村社区独居老人每日联系登记表（2026年10月）"]
    header = ["序号", "姓名", "身份证号", "联系方式", *range(1, 32)]
    return [roster(folder, "安乐村", 81), write_xlsx(folder / "安乐村日联系登记表.xlsx", [title, header, *rows])]


def test_a_registers_row_of_home_visits_counts_its_ticks_as_home_visits(one_load):
    # each elder's 上门 row had been read as phone calls: no home visit in the month's 月探访率 (上门)
    _, result = one_load[1]["a row per method"]
    balanced(result, 2 * (31 + 2))
    assert one_load[0].rows("select id_number, list(day(visit_date) order by visit_date) from visit_rows"
                            " where load_id = ? and method = '上门' group by all order by all", [result.load_id]) == [
        (elder(81), [7, 21]), (elder(84), [7, 21])]
    assert one_load[0].rows("select elder_id, is_visited_home from elder_months where month_start = '2026-10-01'"
                            " and elder_id in (?, ?) order by all", [elder(81), elder(84)]) == [
        (elder(81), True), (elder(84), True)]


# --- a street whose communities send their contact lists one by one --------------------------------------------------

@loads.file("a community that has sent no contact list yet")
def _no_contact_list_yet(folder: Path) -> Path:
    return roster(folder, "湖南路", 91)  # 五大道's other communities have sent theirs (above)


def test_a_community_that_has_sent_no_contact_list_is_unreported_though_others_of_its_street_have(one_load):
    # its disabled had counted as 0 % helped (and pulled the street's rate down without a word) as soon as one other
    # community of its street sent its list (probe 26 M3)
    shown = run_cli("metrics", "--month", "2026-10", "--level", "community", "--format", "json",
                    "--db", str(one_load[0].settings.db_path))
    by_code = {row["code"]: row for row in json.loads(shown.stdout)}
    hunanlu, yuwenfang = by_code["120101003013"], by_code["120101003001"]
    assert (hunanlu["disabled_count"], hunanlu["disabled_unreported_count"]) == (3, 3)
    assert (yuwenfang["disabled_count"], yuwenfang["disabled_unreported_count"], yuwenfang["help_rate"]) == (3, 0, 1.0)


# --- a call log whose 联系方式 is the number dialled ------------------------------------------------------------------

@loads.file("a call log of numbers dialled")
def _call_log(folder: Path) -> list[Path]:
    header = ["序号", "联系日期", "老人姓名", "身份证号", "联系方式", "通话时间"]
    rows = [[str(day), f"2026-10-{day:02d}", "华荫南里0", elder(95), "13800001234", "9:30"] for day in range(1, 6)]
    return [roster(folder, "华荫南里", 95), write_xlsx(folder / "华荫南里电话联系记录.xlsx", [
        ["华荫南里社区独居老人每日电话联系记录（2026年10月）"], header, *rows])]


def test_a_call_logs_column_of_numbers_dialled_is_no_method_and_the_title_names_it(one_load):
    # every row had been rejected as 未知的探访方式: 138****1234, though the title says 电话
    _, log = one_load[1]["a call log of numbers dialled"]
    balanced(log, 5)
    assert one_load[0].rows("select method, outcome, count(*) from visit_rows where load_id = ? group by all",
                            [log.load_id]) == [("电话", "正常", 5)]


# --- an online form's multiple choice exported a column per option -----------------------------------------------

OPTION_STYLES = ["Q5:探访方式|{}", "5、探访方式—{}", "5.探访方式-{}", "Q5:探访方式_{}", "5、探访方式[{}]",
                 "第5题(探访方式)_{}"]
FORM_METHODS = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0)]  # each of 育文坊's four elders' ticks


def _form_of_options(style: str):
    def write(folder: Path) -> Path:
        at = OPTION_STYLES.index(style)
        header = ["序号", "提交答卷时间", "1、老人姓名", "2、身份证号", "3、社区", "4、探访日期",
                  *(style.format(option) for option in ("上门探访", "电话", "视频")), "6、探访结果"]
        rows = [[n + 1, f"2026/10/{5 + at} 10:00:00", f"育文坊{n}", elder(1 + n), "育文坊", f"2026-10-{5 + at:02d}",
                 *ticks, "正常"] for n, ticks in enumerate(FORM_METHODS)]
        return write_xlsx(folder / f"问卷导出_{at}.xlsx", [header, *rows])
    return write


for _style in OPTION_STYLES:
    loads.file(f"form options {_style}")(_form_of_options(_style))


@pytest.mark.parametrize("style", OPTION_STYLES)
def test_a_forms_column_per_option_after_a_bar_a_dash_or_an_underscore_ticks_that_option(one_load, style):
    # read as one column (the others repeats of it), every row was rejected as 探访方式是数字 (probe 26 M1); a question
    # in brackets after its number (第5题(探访方式)_上门探访) is read as well
    result = one_load[1][f"form options {style}"]
    balanced(result, 4)
    assert one_load[0].rows("select id_number, method from visit_rows where load_id = ? order by all",
                            [result.load_id]) == sorted([(elder(1), "上门"), (elder(2), "电话"), (elder(3), "视频"),
                                                         (elder(4), "上门")])  # (one visit: its strongest method)


# --- a call log naming its elder 联系对象 or 联系老人 ---------------------------------------------------------------

ELDER_HEADERS = {"联系对象": 25, "联系老人": 26}


def call_logs(key: str, headers: dict[str, int], title: str, header, row) -> None:
    """A call log for each header cell of `headers` (its day), loaded as "`key` `cell`": the title, `header(cell)`
    and `row(day)`."""
    for cell, day in headers.items():
        def write(folder: Path, cell: str = cell, day: int = day) -> Path:
            return write_xlsx(folder / f"{key}_{day}.xlsx", [[title], header(cell), row(day)])
        loads.file(f"{key} {cell}")(write)


call_logs("elder headed", ELDER_HEADERS, "育文坊社区独居老人电话联系记录（2026年10月）",
          lambda cell: ["序号", "联系日期", cell, "联系方式"], lambda day: ["1", f"2026-10-{day}", "育文坊0", "电话"])


@pytest.mark.parametrize("header_cell", list(ELDER_HEADERS))
def test_a_call_logs_elder_headed_laoren_or_the_person_contacted_is_the_elders_name(one_load, header_cell):
    # refused as 缺少必需的列: 身份证号或姓名 (probe 26 L2)
    result = one_load[1][f"elder headed {header_cell}"]
    balanced(result, 1)
    assert one_load[0].rows("select elder_name, community_code from visit_rows where load_id = ?",
                            [result.load_id]) == [("育文坊0", "120101003001")]


# --- a register's template of 31 days, in a month of 30 ---------------------------------------------------------------

@loads.file("a 31st of November")
def _thirty_first_of_november(folder: Path) -> Path:
    ticks = [*[""] * 29, "√", "√"]  # the 30th, and the 31st November has not
    return write_xlsx(folder / "澳门路日联系登记表11月.xlsx", [["澳门路社区独居老人每日联系登记表（2026年11月）"],
                                                                ["序号", "姓名", "身份证号", *range(1, 32)],
                                                                [1, "澳门路0", elder(61), *ticks]])


def test_a_tick_on_a_day_its_month_has_not_is_rejected_saying_so(one_load):
    # its reason had been 探访日期无法识别: 2026-11-31, a date the clerk never wrote (probe 26 L4)
    result = one_load[1]["a 31st of November"]
    balanced(result, 2, rejected=1)
    assert [reason for _, reason in one_load[0].rejects(result)] == ["探访日期无法识别: 2026-11-31（11月没有31日）"]


# --- a register titled with the months it spans -------------------------------------------------------------------

@loads.file("a register of 9月-10月")
def _register_of_two_months(folder: Path) -> Path:
    return write_xlsx(folder / "澳门路日联系登记表9月.xlsx", [["澳门路社区独居老人每日联系登记表（2026年9月-10月）"],
                                                              ["序号", "姓名", "身份证号", *range(1, 31)],
                                                              [1, "澳门路0", elder(61), "√", "√", *[""] * 28]])


def test_a_register_titled_with_a_range_of_months_is_not_said_to_name_none(one_load):
    # its note had said 没有写明月份, 按所写日期 … 推定: the -10 of 9月-10月 read as a day of September (probe 26 L5)
    result = one_load[1]["a register of 9月-10月"]
    balanced(result, 2)
    [(note,)] = one_load[0].rows("select message from load_warnings where load_id = ? and code = 'day_register'",
                                 [result.load_id])
    assert note.startswith("工作表 Sheet 是每天一列的登记表 (2026年9月): ")
    assert one_load[0].rows("select visit_date::varchar from visit_rows where load_id = ? order by 1",
                            [result.load_id]) == [("2026-09-01",), ("2026-09-02",)]


# --- a call centre's log naming who made the call ----------------------------------------------------------------

CALLER_HEADERS = {"话务员": 6, "visitorName": 7, "外呼人": 8}
call_logs("caller headed", CALLER_HEADERS, "华荫南里社区独居老人每日电话联系记录（2026年10月）",
          lambda cell: ["序号", "联系日期", "老人姓名", "身份证号", cell],
          lambda day: ["1", f"2026-10-{day:02d}", "华荫南里0", elder(95), "坐席07"])


@pytest.mark.parametrize("header_cell", list(CALLER_HEADERS))
def test_a_call_logs_operator_is_the_visitor(one_load, header_cell):
    # the column had been dropped, and with it the visitor the 督查 leads count (probe 26 L6)
    result = one_load[1][f"caller headed {header_cell}"]
    balanced(result, 1)
    assert one_load[0].rows("select visitor_name, method from visit_rows where load_id = ?", [result.load_id]) == [
        ("坐席07", "电话")]


# --- a register turned on its side: a row per day, a column per elder -----------------------------------------------

@pytest.mark.parametrize(("header", "day"), [
    (["日期", "澳门路0", "澳门路3"], lambda d: f"10月{d}日"),
    (["序号", "日期", "澳门路0", "澳门路3"], lambda d: dt.date(2026, 10, d)),
])
def test_a_register_turned_on_its_side_is_refused_saying_so(tmp_path, header, day):
    # refused as having no header, or as missing 探访方式 and 姓名: the clerk could not tell why (probe 26 L1)
    rows = [[*([n] if header[0] == "序号" else []), day(n), "√", "√"] for n in range(1, 32)]
    register = write_xlsx(tmp_path / "澳门路日联系登记表.xlsx", [["澳门路社区独居老人每日联系登记表（2026年10月）"],
                                                               header, *rows])
    done = run_cli("ingest", str(register), "--db", str(tmp_path / "w.duckdb"))
    assert done.returncode == 1
    assert ("无法导入 澳门路日联系登记表.xlsx: 工作表 Sheet 是每行一天、每列一位老人的登记表 "
            "(行和列与常用的登记表颠倒), 未导入: 请在 Excel 中复制整个表, 用「选择性粘贴 → 转置」改为每行一位老人、"
            "每列一天") in done.stderr

