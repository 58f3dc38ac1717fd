"""Files as streets really send them, round 4: what a probe of realistic exports (2026-12-02) found misread: a
mini-program's check-in export taken for a roster, a call platform's unanswered calls and a register's 未联系
counted as contacts, a register's totals row rejected as people, a roster refused for its children's ID numbers,
consent asked as 是否愿意接受探访 not read. Each is fixed in the mapping data (etl/mappings/) or the register's
reading, and loads as DESIGN §2 and §3 say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.styles import Font

from etl import metrics
from etl.ingest import BLOCK_EMPTY, NO_CATEGORY_COLUMN, UNCOMPUTED_EMPTY
from tests.conftest import BINXI, HUAYUANLU, make_id, run_cli
from tests.etl.exports import OneLoad, Warehouse, write_csv, write_xlsx
from tests.etl.test_street_files import balanced, loaded, warnings, write_workbook

loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    return loads.load(tmp_path_factory.mktemp("street-files-4"))


def elder(n: int) -> str:
    """A distinct synthetic ID number for every n (this module's own birth dates: 1938 on, every 41 days; past
    1965, 60 and over too, in 1947-1965 under serial numbers of their own, since one under 60 marked special-
    difficulty warns)."""
    born = dt.date(1938, 2, 1) + dt.timedelta(days=n * 41)
    if born.year <= 1965:
        return make_id(born.strftime("%Y%m%d"), n % 90 + 1)
    return make_id((dt.date(1947, 1, 1) + dt.timedelta(days=n * 41 % 6935)).strftime("%Y%m%d"), 91 + n % 9)


# --- visits exported by systems -----------------------------------------------------------------------------


@loads.file("check-in export")
def _check_in_export(folder: Path) -> Path:
    # a mini-program's 打卡 export: times in UTC, the service as 上门服务, its state and GPS beside
    header = ["打卡ID", "打卡时间", "打卡人", "服务对象", "服务对象身份证", "所属街道", "所属社区", "服务类型", "经度",
              "纬度", "服务内容", "状态"]
    rows = [["DK001", "2026-10-04T16:30:00.000Z", "网格员", "打卡一", elder(1), "劝业场街道", "花园路社区", "上门服务",
             "117.2012", "39.1167", "入户看望", "已完成"],
            ["DK002", "2026-10-05T02:15:33Z", "网格员", "打卡二", elder(2), "劝业场街道", "花园路社区", "电话问候",
             "", "", "电话问候", "已完成"]]
    return write_csv(folder / "打卡记录导出_20261101.csv", [header, *rows])


def test_a_check_in_export_loads_as_visits_on_beijing_days(one_load):
    result = one_load[1]["check-in export"]
    assert result.kind == "visits"  # it was taken for a roster (服务类型 for categories, 状态 for the status)
    balanced(result, 2)
    assert loaded(one_load, "check-in export", "id_number, visit_date, method, outcome, visitor_name") == [
        (elder(1), dt.date(2026, 10, 5), "上门", "正常", "网格员"),
        (elder(2), dt.date(2026, 10, 5), "电话", "正常", "网格员")]


# a call's length as call logs write it: none is a call nobody answered
DURATIONS = {"48": "正常", "0": "未遇", "00:00:00": "未遇", "0秒": "未遇", "00:01:12": "正常", "0分0秒": "未遇",
             "": "正常"}


@loads.file("call log with its durations only")
def _call_log_with_durations(folder: Path) -> Path:
    # review 6 finding 1: a phone system's 通话记录, no result column; the unanswered calls had counted as contacts
    header = ["呼叫类型", "被叫姓名", "身份证号", "所属社区", "呼叫时间", "通话时长"]
    rows = [["呼出", f"时长{n}", elder(870 + n), "花园路社区", f"2026-10-{n + 10} 09:00", duration]
            for n, duration in enumerate(DURATIONS)]
    return write_xlsx(folder / "通话记录_10月.xlsx", [header, *rows])


def test_a_call_of_no_length_is_one_nobody_answered(one_load):
    balanced(one_load[1]["call log with its durations only"], len(DURATIONS))
    assert [outcome for _, outcome in loaded(one_load, "call log with its durations only", "method, outcome")] == list(
        DURATIONS.values())


# a check-in's state as systems write it: True where the visit took place
RECORD_STATES = {"已完成": True, "待审核": True, "": True, "已取消": False, "作废": False, "无效": False,
                 "审核不通过": False, "已撤销": False, "已派单": False, "服务中": False, "未完成": False}


@loads.file("cancelled check-ins")
def _cancelled_check_ins(folder: Path) -> Path:
    header = ["打卡时间", "打卡人", "服务对象", "服务对象身份证", "所属社区", "服务类型", "状态"]
    rows = [[f"2026-10-{n + 10} 09:00", "网格员", f"取消{n}", elder(300 + n), "花园路社区", "上门服务", state]
            for n, state in enumerate(RECORD_STATES)]
    return write_csv(folder / "打卡记录导出_含作废.csv", [header, *rows])


def test_a_cancelled_or_void_check_in_is_kept_aside_and_never_counts(one_load):
    # a check-in the system cancelled, voided or a reviewer turned down is no visit: it counted towards 月探访率
    warehouse, results = one_load
    result = results["cancelled check-ins"]
    balanced(result, len(RECORD_STATES), sum(not took_place for took_place in RECORD_STATES.values()))
    assert warehouse.rejects(result) == [(n + 2, f"记录未完成、已取消或作废, 不算探访: {state}")
                                         for n, (state, took_place) in enumerate(RECORD_STATES.items())
                                         if not took_place]
    # nothing to correct: kept aside, not waiting for a correction
    assert warehouse.one("select count(*) from rejects where load_id = ? and resolved_by is null",
                         [result.load_id]) == 0


EPOCH_TIMES = {"1791167400000": dt.datetime(2026, 10, 5, 10, 30), "1791167400": dt.datetime(2026, 10, 5, 10, 30),
               "1791304200000": dt.datetime(2026, 10, 7, 0, 30)}


@loads.file("epoch times")
def _epoch_times(folder: Path) -> Path:
    # a platform's export that writes its times as the seconds or milliseconds since 1970 (UTC)
    header = ["服务时间", "服务对象", "服务对象身份证", "所属社区", "服务方式"]
    rows = [[cell, f"时间{n}", elder(310 + n), "花园路社区", "入户"] for n, cell in enumerate(EPOCH_TIMES)]
    return write_csv(folder / "平台服务记录_时间戳.csv", [header, *rows])


def test_times_written_as_seconds_or_milliseconds_since_1970_are_beijing_times(one_load):
    balanced(one_load[1]["epoch times"], len(EPOCH_TIMES))
    assert [at for (at,) in loaded(one_load, "epoch times", "visit_at")] == list(EPOCH_TIMES.values())


COORDINATES = [("117.2012", "39.1167", (39.1167, 117.2012)), ("E117.2012", "N39.1167", (39.1167, 117.2012)),
               ("东经117.2012", "北纬39.1167", (39.1167, 117.2012)), ("117.2012°E", "39.1167°N", (39.1167, 117.2012)),
               ("0", "0", None), ("117°12'04\"", "39°07'00\"", None)]


@loads.file("coordinates")
def _coordinates(folder: Path) -> Path:
    header = ["服务时间", "服务对象", "服务对象身份证", "所属社区", "服务方式", "经度", "纬度"]
    rows = [[f"2026-10-{n + 10} 10:00", f"定位{n}", elder(90 + n), "花园路社区", "入户", lon, lat]
            for n, (lon, lat, _) in enumerate(COORDINATES)]
    return write_csv(folder / "小程序服务记录_定位.csv", [header, *rows])


def test_a_position_is_read_as_systems_write_it_and_no_fix_is_no_position(one_load):
    # 0, 0 is a device without a fix (it made a lead of a visit 12,316 km from home); a position that cannot be read
    # was dropped without a word
    balanced(one_load[1]["coordinates"], len(COORDINATES))
    stored = loaded(one_load, "coordinates", "latitude, longitude")
    assert stored == [position or (None, None) for _, _, position in COORDINATES]
    assert warnings(one_load, "coordinates") == [(n + 2, "经纬度无效, 已忽略")
                                                 for n, (_, _, position) in enumerate(COORDINATES) if not position]


CALLS = {"已接通": "正常", "未接通": "未遇", "忙线": "未遇", "关机": "未遇", "空号": "未遇", "停机": "未遇",
         "无人接听": "未遇", "拒接": "拒访"}


@loads.file("call platform")
def _call_platform(folder: Path) -> Path:
    header = ["序号", "老人姓名", "身份证号", "所属社区", "服务方式", "呼叫时间", "呼叫结果", "通话时长(秒)", "坐席"]
    rows = [[n, f"呼叫{n}", elder(10 + n), "花园路社区", "主动关爱电话", f"2026-10-{n + 1:02d} 09:00:12", said,
             "60" if said == "已接通" else "0", "坐席01"] for n, said in enumerate(CALLS, start=1)]
    return write_csv(folder / "主动关爱电话呼叫记录.csv", [["主动关爱电话服务记录"], ["导出时间：2026-11-01 08:00:00"],
                                                     header, *rows])


def test_a_call_platforms_unanswered_calls_are_no_contact(one_load):
    # DESIGN §2: 未遇 and 拒访 never count as a visit or a contact
    balanced(one_load[1]["call platform"], len(CALLS))
    assert loaded(one_load, "call platform", "method, outcome, visit_date") == [
        ("线上", outcome, dt.date(2026, 10, n + 1)) for n, outcome in enumerate(CALLS.values(), start=1)]


@loads.file("robot call status")
def _robot_call_status(folder: Path) -> Path:
    # an automatic call platform's export (智能外呼): whether the call got through is its 接通状态 (review 2026-12-04,
    # round 6: unread, every unanswered call had counted as a contact)
    header = ["序号", "老人姓名", "身份证号", "所属社区", "服务方式", "呼叫时间", "接通状态", "通话时长(秒)",
              "挂机原因"]
    rows = [[n, f"外呼{n}", elder(40 + n), "花园路社区", "主动关爱电话", f"2026-10-{n:02d} 09:00:12", said,
             "48" if said == "已接通" else "0", "正常挂机" if said == "已接通" else "无人接听"]
            for n, said in enumerate(["已接通", "未接通", "已接通"], start=1)]
    return write_csv(folder / "智能外呼明细.csv", [header, *rows])


def test_a_robot_calls_status_tells_which_calls_got_through(one_load):
    balanced(one_load[1]["robot call status"], 3)
    assert loaded(one_load, "robot call status", "outcome") == [("正常",), ("未遇",), ("正常",)]


@loads.file("call log retried")
def _call_log_retried(folder: Path) -> Path:
    # a call centre's log: the day and the time of the call in two columns (通话日期 had been an unknown column and
    # 通话时间's 23:59 the date, every row rejected), a call type of its own words (主动呼出 had rejected the row),
    # and a result telling of a second try that got through (each had been 未遇, the day uncovered; review 10a)
    header = ["序号", "通话日期", "通话时间", "老人姓名", "身份证号", "社区", "呼叫类型", "通话结果"]
    results = ["占线，回拨已接通", "第一次未接通，第二次接通，老人正常", "无人接听，老人随后回电，一切正常",
               "关机，后联系上老人，正常", "未接通"]
    rows = [[n, "2026/10/14", "23:59", f"回拨{n}", elder(160 + n), "花园路", "主动呼出", said]
            for n, said in enumerate(results, start=1)]
    return write_csv(folder / "花园路主动关爱呼叫记录.csv", [header, *rows])


def test_a_call_log_with_its_second_tries_loads_the_calls_that_got_through(one_load):
    balanced(one_load[1]["call log retried"], 5)
    assert loaded(one_load, "call log retried", "visit_date, method, outcome") == [
        *[(dt.date(2026, 10, 14), "电话", "正常")] * 4, (dt.date(2026, 10, 14), "电话", "未遇")]


@loads.file("met or not asked")
def _met_or_not_asked(folder: Path) -> Path:
    header = ["序号", "姓名", "身份证号", "社区", "探访时间", "是否入户", "是否电话联系", "是否见到本人", "探访人"]
    rows = [[1, "见到一", elder(20), "花园路", "2026/10/5 14:30", "是", "否", "是", "社工"],
            [2, "见到二", elder(21), "花园路", "2026/10/6 14:30", "是", "否", "否", "社工"],
            [3, "见到三", elder(22), "花园路", "2026/10/7 14:30", "否", "是", "否", "社工"]]
    return write_csv(folder / "花园路探访记录_是否见到本人.csv", [header, *rows])


def test_a_visit_that_did_not_meet_the_elder_is_no_visit(one_load):
    # 是否见到本人 否: the visit met nobody (未遇), which never counts (DESIGN §2); it was left unread, a visit of 正常
    balanced(one_load[1]["met or not asked"], 3)
    assert loaded(one_load, "met or not asked", "method, outcome") == [("上门", "正常"), ("上门", "未遇"),
                                                                       ("电话", "未遇")]
    assert warnings(one_load, "met or not asked") == []


@loads.file("entered or not asked")
def _entered_or_not_asked(folder: Path) -> Path:
    # 探访方式 says 走访 for every row, 是否入户 whether the visitor went in (review 8, t18: the column was warned as
    # unknown and ignored, so a talk downstairs counted as a home visit)
    header = ["序号", "姓名", "身份证号", "社区", "探访日期", "探访方式", "是否入户", "探访情况", "探访人"]
    rows = [[1, "入户一", elder(23), "花园路", "2026/10/8", "走访", "是", "老人身体健康", "社工"],
            [2, "入户二", elder(24), "花园路", "2026/10/8", "走访", "否", "在楼下遇到老人，身体健康", "社工"],
            [3, "入户三", elder(25), "花园路", "2026/10/8", "电话", "否", "通话正常", "社工"],
            [4, "入户四", elder(26), "花园路", "2026/10/8", "走访", "", "正常", "社工"]]
    return write_csv(folder / "花园路探访记录_是否入户.csv", [header, *rows])


def test_a_visit_that_did_not_go_in_is_no_home_visit(one_load):
    # DESIGN §2: a home visit is 上门; met but not at home is 路遇, which counts for visit_rate_any only
    balanced(one_load[1]["entered or not asked"], 4)
    assert loaded(one_load, "entered or not asked", "method, outcome") == [
        ("上门", "正常"), ("路遇", "正常"), ("电话", "正常"), ("上门", "正常")]
    assert warnings(one_load, "entered or not asked") == []


@loads.file("two months' title")
def _two_months_title(folder: Path) -> Path:
    header = ["序号", "老人姓名", "身份证号", "所在社区", "探访日期", "探访方式", "探访结果"]
    days = ["9月28日", "10.20", "10月8日", "5日"]
    rows = [[n, f"两月{n}", elder(110 + n), "花园路", day, "入户", "正常"] for n, day in enumerate(days, start=1)]
    title = "花园路社区探访关爱服务记录（2026年9月1日—2026年10月31日）"
    return write_csv(folder / "花园路探访记录9-10月.csv", [[title], header, *rows])


def test_dates_without_their_year_take_it_from_a_title_naming_two_months(one_load):
    # they were rejected as dates without a year; a day alone (5日) names no month of the two, and still is
    result = one_load[1]["two months' title"]
    balanced(result, 4, rejected=1)
    assert loaded(one_load, "two months' title", "visit_date") == [
        (dt.date(2026, 9, 28),), (dt.date(2026, 10, 20),), (dt.date(2026, 10, 8),)]


@loads.file("year and month apart")
def _year_and_month_apart(folder: Path) -> Path:
    header = ["序号", "姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    rows = [[n, f"年度{n}", elder(140 + n), "花园路", day, "入户", "正常"] for n, day in enumerate(["10月3日", "4日"])]
    return write_csv(folder / "花园路社区年度探访记录.csv", [["花园路社区2026年度探访记录（10月）"], header, *rows])


def test_a_title_naming_the_year_and_the_month_apart_dates_the_days(one_load):
    # 2026年度 … （10月）: every row was rejected as a date without a year (or a month)
    balanced(one_load[1]["year and month apart"], 2)
    assert loaded(one_load, "year and month apart", "visit_date") == [(dt.date(2026, 10, 3),), (dt.date(2026, 10, 4),)]


@loads.file("month and day apart")
def _month_and_day_apart(folder: Path) -> Path:
    header = ["序号", "姓名", "身份证号", "社区", "月", "日", "探访方式", "探访结果"]
    rows = [[n, f"月日{n}", elder(150 + n), "花园路", month, day, "入户", "正常"]
            for n, (month, day) in enumerate([(10, 3), ("10", "21"), (10, "")])]
    return write_xlsx(folder / "花园路社区探访记录.xlsx", [["花园路社区2026年10月探访记录"], header, *rows])


def test_a_visit_date_in_a_month_and_a_day_column_takes_the_titles_year(one_load):
    # the file had been refused for a missing 探访日期 column: only a year, month and day column each were read
    balanced(one_load[1]["month and day apart"], 3, rejected=1)
    assert loaded(one_load, "month and day apart", "visit_date") == [(dt.date(2026, 10, 3),), (dt.date(2026, 10, 21),)]


@loads.file("group titles")
def _group_titles(folder: Path) -> Path:
    top = ["序号", "被探访老人", None, None, "探访人员", None, "探访情况", None, None]
    header = [None, "姓名", "身份证号", "所在社区", "姓名", "职务", "日期", "方式", "结果"]
    rows = [[n, f"分组{n}", elder(150 + n), "花园路", "陈静", "社区网格员", f"2026-10-{n + 10}", "入户", "正常"]
            for n in (1, 2)]
    return write_xlsx(folder / "花园路探访记录_分组表头.xlsx", [["花园路社区探访关爱服务记录表"], top, header, *rows],
                      merges=("A2:A3", "B2:D2", "E2:F2", "G2:I2"))


def test_columns_under_group_titles_are_read_with_them(one_load):
    # 探访情况 over 日期 方式 结果, 探访人员 over 姓名 职务: the file was refused for want of a visit date
    balanced(one_load[1]["group titles"], 2)
    assert loaded(one_load, "group titles", "elder_name, visit_date, method, visitor_name, visitor_role") == [
        (f"分组{n}", dt.date(2026, 10, n + 10), "上门", "陈静", "社区网格员") for n in (1, 2)]
    assert warnings(one_load, "group titles") == []


@loads.file("two elders on a row")
def _two_elders_on_a_row(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    rows = [["李忠庆、孙文", None, "花园路", "2026-10-12", "入户", "正常"],
            ["李忠庆", None, "花园路", "2026-10-12", "入户", "正常"],
            # a couple one under the other in the cells (Alt+Enter), their two ID numbers too (review 6, finding 10):
            # it had loaded as a visit of nobody called 施淑珍张淑芬
            ["施淑珍\n张淑芬", f"{elder(880)}\n{elder(881)}", "花园路", "2026-10-13", "入户", "正常"]]
    return write_xlsx(folder / "花园路探访记录_一行两人.xlsx", [header, *rows])


def test_a_visit_row_naming_two_elders_is_rejected_asking_for_a_row_each(one_load):
    # it loaded as one visit of nobody on the roster (底册中无此人), crediting neither
    result = one_load[1]["two elders on a row"]
    balanced(result, 3, rejected=2)
    assert one_load[0].rows("select row_number, reason from rejects where load_id = ? order by row_number",
                            [result.load_id]) == [
        (2, "一格里写了几位老人的姓名, 无法确定是哪位老人: 请每位老人写一行"),
        (4, "一格里写了几位老人的姓名, 无法确定是哪位老人: 请每位老人写一行")]


@loads.file("a sheet per visitor")
def _a_sheet_per_visitor(folder: Path) -> Path:
    header = ["序号", "老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    sheets = {visitor: [header, *([n, f"台账{first + n}", elder(first + n), "花园路", "2026-10-16", "入户", "正常"]
                                  for n in (1, 2))]
              for visitor, first in (("王洁", 200), ("陆勇强", 203))}
    # a sheet per elder, named by the elder its rows name: no visitor's
    sheets["周秀英"] = [header, [1, "周秀英", elder(206), "花园路", "2026-10-17", "电话", "正常"]]
    return write_workbook(folder / "花园路探访台账_每人一页.xlsx", sheets)


def test_a_workbooks_sheet_per_visitor_names_the_visitor_of_its_rows(one_load):
    # the visitor was lost, and with it the checks on a visitor's day (DESIGN §4)
    balanced(one_load[1]["a sheet per visitor"], 5)
    assert sorted(loaded(one_load, "a sheet per visitor", "elder_name, coalesce(visitor_name, '')")) == [
        ("台账201", "王洁"), ("台账202", "王洁"), ("台账204", "陆勇强"), ("台账205", "陆勇强"), ("周秀英", "")]


VISITORS = {"王丽 张强": "王丽、张强", "刘洋/陈静": "刘洋、陈静", "王 丽": "王丽", "李娜": "李娜"}


@loads.file("visitors in one cell")
def _visitors_in_one_cell(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果", "探访人"]
    rows = [[f"两人{n}", elder(210 + n), "花园路", "2026-10-18", "入户", "正常", cell]
            for n, cell in enumerate(VISITORS)]
    return write_csv(folder / "花园路探访记录_两位探访人.csv", [header, *rows])


def test_visitors_written_in_one_cell_are_kept_apart(one_load):
    # 王丽 张强 was stored as 王丽张强, a visitor no one is, whose day the quality checks then counted
    balanced(one_load[1]["visitors in one cell"], len(VISITORS))
    assert loaded(one_load, "visitors in one cell", "visitor_name") == [(name,) for name in VISITORS.values()]


INVISIBLE = {"soft hyphen": "\u00ad", "zero-width non-joiner": "\u200c", "zero-width joiner": "\u200d",
             "word joiner": "\u2060"}


@loads.file("invisible characters")
def _invisible_characters(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    rows = [[f"隐{n}{mark}", elder(130 + n)[:9] + mark + elder(130 + n)[9:], "花园路", "2026-10-09", "入户", "正常"]
            for n, mark in enumerate(INVISIBLE.values())]
    return write_csv(folder / "花园路探访记录_复制的单元格.csv", [header, *rows])


def test_invisible_characters_copied_into_an_id_number_or_a_name_are_dropped(one_load):
    # the ID number was warned about as not 18 characters and the visit linked by name only, or not at all
    balanced(one_load[1]["invisible characters"], len(INVISIBLE))
    assert loaded(one_load, "invisible characters", "id_number, elder_name") == [
        (elder(130 + n), f"隐{n}") for n in range(len(INVISIBLE))]
    assert warnings(one_load, "invisible characters") == []


VISITORS_WITH_PHONES = {"张强13800000000": "张强", "李明 139-0000-0001": "李明", "王丽/13700000002": "王丽",
                        "赵敏（13600000003）": "赵敏"}


@loads.file("visitors with phones")
def _visitors_with_phones(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果", "探访人及电话"]
    rows = [[f"带电话{n}", elder(330 + n), "花园路", "2026-10-12", "入户", "正常", cell]
            for n, cell in enumerate(VISITORS_WITH_PHONES)]
    return write_csv(folder / "花园路探访记录_探访人及电话.csv", [header, *rows])


def test_a_visitors_phone_written_after_the_name_is_not_kept_as_the_visitor(one_load):
    # the column 探访人及电话 was left unread; read as 探访人, 张强13800000000 was stored as the visitor, a worker's
    # phone unmasked in the warehouse and every spelling of it another visitor for the quality checks
    balanced(one_load[1]["visitors with phones"], len(VISITORS_WITH_PHONES))
    assert loaded(one_load, "visitors with phones", "visitor_name") == [
        (name,) for name in VISITORS_WITH_PHONES.values()]


# a method or outcome cell as clerks write them, and what it is (DESIGN §2: 未遇 never counts)
SAID = {"电话留言": ("电话", "未遇"), "微信留言": ("线上", "未遇"), "楼下碰见": ("路遇", "正常"),
        "陪同就医": ("上门", "正常"), "电话慰问": ("电话", "正常"), "视频探视": ("视频", "正常"),
        "电话看望": ("电话", "正常"), "巡视探访": ("上门", "正常"), "探访": ("上门", "正常")}


@loads.file("said in words")
def _said_in_words(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "服务结果"]
    rows = [[f"说法{n}", elder(340 + n), "花园路", f"2026-10-{n + 13}", said, "满意" if outcome == "正常" else ""]
            for n, (said, (_, outcome)) in enumerate(SAID.items())]
    return write_csv(folder / "花园路关爱服务记录_说法.csv", [header, *rows])


def test_a_message_left_is_no_contact_and_a_meeting_downstairs_is_met_on_the_street(one_load):
    # 电话留言 counted as a phone contact; 楼下碰见, 陪同就医 and 探访 were refused as unknown methods; 满意 loaded as
    # an unknown outcome that never counts; 电话慰问 and 视频探视 were home visits (慰问 and 探视 are visits' words)
    balanced(one_load[1]["said in words"], len(SAID))
    assert loaded(one_load, "said in words", "method, outcome") == list(SAID.values())
    assert warnings(one_load, "said in words") == []


def test_a_home_visit_whose_outcome_says_the_elder_was_not_seen_at_home_is_no_home_visit(tmp_path):
    # probe 31 H1: 上门 beside 隔门问候, 楼下遇见 or a neighbour's word had counted as home visits, 5 of 5, unwarned
    said = [("上门", "隔门问候，老人安好", "路遇", "正常"), ("上门", "楼下遇见，身体好", "路遇", "正常"),
            ("上门", "通过邻居了解情况正常", "上门", "未遇"), ("入户（隔门问候）", "正常", "路遇", "正常"),
            ("上门", "正常", "上门", "正常")]
    people = [(f"老人{n}", elder(620 + n)) for n in range(len(said))]
    roster = write_csv(tmp_path / "花园路底册.csv", [
        ["填报日期：2026年9月30日"], ["序号", "社区", "姓名", "身份证号", "特殊困难类别"],
        *([n, "花园路", name, id_number, "独居"] for n, (name, id_number) in enumerate(people))])
    visits = write_csv(tmp_path / "花园路探访.csv", [
        ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"],
        *([name, id_number, "花园路", "2026-10-05", method, outcome]
          for (name, id_number), (method, outcome, _, _) in zip(people, said, strict=True))])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    warehouse.ingest(roster, visits)
    assert warehouse.rows("select method, outcome from visit_rows order by row_number") == [
        (method, outcome) for _, _, method, outcome in said]
    assert warehouse.rows("select visited_home, eligible_home from place_months where month = '2026-10' "
                          "and code = '120101001001'") == [(1, len(said))]


OUTCOMES_AS_WRITTEN = {"身体状况良好，血压120": "正常", "需跟进": "发现问题", "老人身体欠佳": "发现问题",
                       "已转介": "发现问题", "老人住院": "未遇", "老人去子女家了": "未遇"}


@loads.file("outcomes as written")
def _outcomes_as_written(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    rows = [[f"结果{n}", elder(490 + n), "花园路", f"2026-10-{n + 10}", "入户", said]
            for n, said in enumerate(OUTCOMES_AS_WRITTEN)]
    return write_csv(folder / "花园路探访记录_结果写法.csv", [header, *rows])


def test_outcomes_as_other_templates_write_them(one_load):
    # 血压120 was an emergency (the keyword 120); 需跟进, 欠佳, 已转介, 住院 were unknown outcomes that never count
    balanced(one_load[1]["outcomes as written"], len(OUTCOMES_AS_WRITTEN))
    assert loaded(one_load, "outcomes as written", "outcome") == [(said,) for said in OUTCOMES_AS_WRITTEN.values()]
    assert warnings(one_load, "outcomes as written") == []


@loads.file("a hotline's call log")
def _a_hotlines_call_log(folder: Path) -> Path:
    # a 12349 hotline's export: 呼叫类型 (呼入/呼出) was read as the category column, the log as a roster that replaced
    # its communities' rosters with the few elders who called
    header = ["来电时间", "来电号码", "老人姓名", "身份证号", "所在社区", "呼叫类型", "通话时长(秒)", "处理结果"]
    calls = [("呼出", "已接通，老人身体正常"), ("呼出", "关机"), ("呼入", "老人咨询助餐服务")]
    rows = [[f"2026-10-0{n + 3} 10:00:00", f"1380000000{n}", f"热线{n}", elder(500 + n), "花园路社区", way, "60", said]
            for n, (way, said) in enumerate(calls)]
    return write_csv(folder / "12349养老服务热线通话记录.csv", [header, *rows])


def test_a_hotlines_call_log_is_phone_contacts_and_an_unanswered_call_none(one_load):
    result = one_load[1]["a hotline's call log"]
    assert result.kind == "visits"
    balanced(result, 3)
    assert loaded(one_load, "a hotline's call log", "method, outcome") == [("电话", "正常"), ("电话", "未遇"),
                                                                         ("电话", "正常")]


# other spellings of a visit record's columns and cells (a probe of how clerks write them), and what each is
SPELT = {"探望": ("上门", "正常"), "电联": ("电话", "正常"), "社区活动中心见面": ("路遇", "正常"),
         "楼道见面": ("路遇", "正常"), "外呼": ("电话", "正常")}


@loads.file("visits spelt otherwise")
def _visits_spelt_otherwise(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "上门时间", "探访类型", "探访结果", "工作人员姓名"]
    rows = [[f"拼写{n}", elder(520 + n), "花园路", f"2026-10-{n + 10}", method, "已见面", "社工"]
            for n, method in enumerate(SPELT)]
    rows.append(["拼写9", elder(529), "花园路", "2026-10-20", "入户", "不需要探访", "社工"])
    return write_csv(folder / "花园路探访记录_其他写法.csv", [header, *rows])


def test_a_visit_record_spelt_otherwise_reads_the_same(one_load):
    # 上门时间 and 探访类型 were no columns (the file refused); 探望, 电联, 外呼 unknown methods; 社区活动中心见面 a
    # home visit (见面); 已见面 an unknown outcome that never counts, 不需要探访 (a refusal) a visit
    balanced(one_load[1]["visits spelt otherwise"], len(SPELT) + 1)
    assert loaded(one_load, "visits spelt otherwise", "method, outcome, visitor_name") == [
        (*said, "社工") for said in SPELT.values()] + [("上门", "拒访", "社工")]
    assert warnings(one_load, "visits spelt otherwise") == []


@loads.file("visit counts summary")
def _visit_counts_summary(folder: Path) -> list[Path]:
    # an elder's month in counts, with a 包联人 (read as a contact list, it replaced the community's: its count of
    # calls as the phone) or with the method and the latest date (read as a visit each row)
    counted = ["序号", "社区", "姓名", "身份证号", "探访次数", "其中上门", "其中电话", "包联人"]
    latest = ["序号", "社区", "姓名", "身份证号", "本月上门次数", "本月电话次数", "最近一次探访日期", "探访方式"]
    return [write_xlsx(folder / "花园路11月探访次数汇总.xlsx",
                       [["花园路社区2026年11月探访次数汇总"], counted,
                        [1, "花园路", "汇总一", elder(350), 4, 1, 3, "王丽"]]),
            write_xlsx(folder / "花园路10月探访情况统计表.xlsx",
                       [["花园路社区2026年10月探访情况统计表"], latest,
                        [1, "花园路", "汇总二", elder(351), 2, 4, "2026-10-28", "上门、电话"]])]


def test_a_summary_of_visit_counts_is_refused_as_no_record(one_load):
    counted, latest = one_load[1]["visit counts summary"]
    assert (counted.status, latest.status) == ("failed", "failed")
    assert counted.message == ("表头中有统计次数的列: 探访次数、其中上门、其中电话; 这是汇总表, "
                               "不是底册、探访记录或联系人情况表, 未导入: 请导入原始的记录")
    assert latest.message == ("工作表 Sheet 表头中有统计次数的列: 本月上门次数、本月电话次数; 这是汇总表, 不是探访记录 "
                              "(探访记录一次探访一行, 联系人情况表一位联系人一行), 未导入: 请导入原始的记录")


SEVERAL_DAYS = "一格里写了几个日期或一段日期, 无法确定探访日期 (每次探访写一行, 写一个日期): "
ONLY_A_MONTH = "探访日期只写到月份, 请写明是哪一天: "
DATES_NOT_A_DAY = {"10月5日-10月6日": SEVERAL_DAYS, "2026.10.12-10.13": SEVERAL_DAYS, "10月5日、10月20日": SEVERAL_DAYS,
                   "2026年10月": ONLY_A_MONTH, "2026.10": ONLY_A_MONTH,
                   # two whole dates however apart: had been 没有年份 or 无法识别 (review 2026-12-04, round 5)
                   "10月3日 10月20日": SEVERAL_DAYS, "2026-10-03,2026-10-17": SEVERAL_DAYS,
                   "2026/10/5\n2026/10/19": SEVERAL_DAYS}


@loads.file("dates not a day")
def _dates_not_a_day(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式"]
    rows = [[f"非日{n}", elder(430 + n), "花园路", cell, "入户"] for n, cell in enumerate(DATES_NOT_A_DAY)]
    return write_csv(folder / "花园路2026年10月探访记录_日期.csv", [["花园路社区2026年10月探访记录"], header, *rows])


def test_a_visit_date_of_several_days_or_a_month_is_rejected_saying_so(one_load):
    # a range under a title naming the month was rejected as 探访日期没有年份, a month alone as 无法识别
    warehouse, results = one_load
    assert warehouse.rejects(results["dates not a day"]) == [  # (a reason is one line: a cell's lines joined)
        (n + 3, reason + cell.replace("\n", " / ")) for n, (cell, reason) in enumerate(DATES_NOT_A_DAY.items())]


SLIPS = {"2026-10-05": False, "2026-09-28": False, "2026-01-06": True, "2025-10-07": True}  # True: warned of


@loads.file("a slip of the month")
def _a_slip_of_the_month(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式"]
    rows = [[f"笔误{n}", elder(450 + n), "花园路", cell, "入户"] for n, cell in enumerate(SLIPS)]
    return write_csv(folder / "花园路探访记录_笔误.csv", [["花园路社区2026年10月探访记录"], header, *rows])


def test_a_visit_dated_far_from_the_month_its_record_names_is_warned_of(one_load):
    # 2026-01-05 in October's record loaded as a January visit without a word (a late entry of September's last days
    # is no slip)
    balanced(one_load[1]["a slip of the month"], len(SLIPS))
    assert warnings(one_load, "a slip of the month") == [
        (n + 3, f"探访日期 {cell} 与标题、表名或文件名所写的月份相差一个月以上, 按所写日期导入, 请核实是否写错")
        for n, (cell, slip) in enumerate(SLIPS.items()) if slip]


@loads.file("formulas without results")
def _formulas_without_results(folder: Path) -> Path:
    # a system's export written from a template with formulas (=DATE(…)) that no spreadsheet computed: every reader
    # sees those cells empty
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式"]
    rows = [[f"公式{n}", elder(440 + n), "花园路", f"=DATE(2026,10,{n + 5})", "入户"] for n in (1, 2)]
    return write_xlsx(folder / "花园路探访记录_公式.xlsx", [header, *rows])


def test_formulas_saved_without_their_results_are_said_to_be_so(one_load):
    # the rows were rejected as 探访日期为空, and nothing said why the dates the clerk sees in Excel were not read; the
    # rows' reasons say it too, as the corrections workbook shows them (review 17 L1)
    warehouse, results = one_load
    assert warehouse.rejects(results["formulas without results"]) == [
        (2, f"探访日期为空{UNCOMPUTED_EMPTY}"), (3, f"探访日期为空{UNCOMPUTED_EMPTY}")]
    assert warnings(one_load, "formulas without results") == [(None, (
        "工作表 Sheet 有 2 个公式单元格没有保存计算结果 (文件由程序生成, 未在 Excel 或 WPS 中保存过), 按空白读取: "
        "请在 Excel 或 WPS 中打开并保存后重新导入"))]


# --- a register with a column per day --------------------------------------------------------------------


MARKS = ["√", "×", "否", "未联系", "—", None, "没联系上", "关机"]  # days 1 to 8, then ticks


@loads.file("register with footer")
def _register_with_footer(folder: Path) -> Path:
    days = list(range(1, 32))
    ticks = [*MARKS, *(["√"] * (31 - len(MARKS)))]
    rows = [["花园路社区独居老人每日联系登记表（2026年10月）"], ["序号", "姓名", "身份证号", *days],
            [1, "登记一", elder(30), *ticks], [2, "登记二", elder(31), *(["√"] * 31)],
            ["每日合计", None, None, *([2] * 31)], ["填表人：王丽", None, None, "审核人：张强"]]
    return write_xlsx(folder / "花园路日联系登记表.xlsx", rows)


def test_a_registers_not_contacted_marks_are_no_contact_and_its_footer_no_people(one_load):
    result = one_load[1]["register with footer"]
    assert result.status == "loaded", result.message
    assert result.rows_rejected == 0  # the totals row and the signatures were rejected as a person a day each
    contacted = one_load[0].rows(
        "select id_number, count(*) filter (outcome in ('正常', '发现问题', '紧急')),"
        " count(*) filter (outcome = '未遇') from visit_rows where load_id = ? group by all order by all",
        [result.load_id])
    # elder 30: √ on day 1 and from day 9; 未联系, 没联系上, 关机 are attempts that failed; ×, 否, — and blank nothing
    assert contacted == [(elder(30), 1 + 31 - len(MARKS), 3), (elder(31), 31, 0)]


WEEKDAYS = "四五六日一二三"  # 2026-10-01 was a Thursday
# Headers of a register's days as clerks write them, each with what sits above or below the days: a row of weekdays
# under them, a band of the month merged over them, the month in each, the month and day with a slash
DAY_HEADERS = {
    "weekdays under the days": ([f"{d}日" for d in range(1, 32)], [WEEKDAYS[(d - 1) % 7] for d in range(1, 32)], None),
    "a band of the month over the days": (["10月", *[None] * 30], [f"{d}日" for d in range(1, 32)], "D2:AH2"),
    "the month in each day": ([f"10月{d}日" for d in range(1, 32)], None, None),
    "month/day": ([f"10/{d}" for d in range(1, 32)], None, None),
    # date cells, as Excel makes them of 10/1 typed and dragged (review 2026-12-04, round 5)
    "date cells": ([dt.datetime(2026, 10, d) for d in range(1, 32)], None, None),
}


def _register_days_headed(key: str, first: int):
    def write(folder: Path) -> Path:
        upper, lower, band = DAY_HEADERS[key]
        header = [["序号", "姓名", "身份证号", *upper]] + ([[None, None, None, *lower]] if lower else [])
        rows = [[n, f"日{first + n}", elder(first + n), *(["√"] * 31)] for n in (1, 2)]
        return write_xlsx(folder / f"花园路独居老人每日联系登记表_{first}.xlsx",
                          [["花园路社区独居老人每日联系登记表（2026年10月）"], *header, *rows],
                          merges=("A2:A3", "B2:B3", "C2:C3", band) if band else ())
    return write


for _first, _key in zip((70, 73, 76, 79, 82), DAY_HEADERS, strict=True):
    loads.file(f"days: {_key}")(_register_days_headed(_key, _first))


@pytest.mark.parametrize("key", list(DAY_HEADERS))
def test_a_register_loads_whatever_its_days_headers_carry_above_below_or_in_them(one_load, key):
    # each was refused as a file of no known kind, or its weekdays read as contacts of nobody
    result = one_load[1][f"days: {key}"]
    balanced(result, 62)
    assert one_load[0].rows("select count(distinct id_number), min(visit_date), max(visit_date) from visit_rows"
                            " where load_id = ?", [result.load_id]) == [
        (2, dt.date(2026, 10, 1), dt.date(2026, 10, 31))]


@loads.file("days: three header rows")
def _register_of_three_header_rows(folder: Path) -> Path:
    # review 6 finding 9: the month merged over the days, a row of weekdays under them, 序号 姓名 身份证号 merged down
    # over all three rows; the weekdays' row had loaded as an elder called 姓名 with ID 身份证号 and 31 contacts
    rows = [["花园路社区独居老人每日联系登记表（2026年10月）"], ["序号", "姓名", "身份证号", "10月", *[None] * 30],
            [None, None, None, *range(1, 32)], [None, None, None, *(WEEKDAYS[(d - 1) % 7] for d in range(1, 32))],
            *([n, f"三行{n}", elder(85 + n), *(["√"] * 31)] for n in (1, 2))]
    return write_xlsx(folder / "花园路独居老人每日联系登记表_三行表头.xlsx", rows,
                      merges=("A2:A4", "B2:B4", "C2:C4", "D2:AH2"))


def test_a_registers_header_of_three_rows_is_no_person(one_load):
    result = one_load[1]["days: three header rows"]
    balanced(result, 62)
    assert one_load[0].rows("select id_number, count(*) from visit_rows where load_id = ? group by all order by all",
                            [result.load_id]) == [(elder(86), 31), (elder(87), 31)]
    assert one_load[0].rows("select count(*) from load_warnings where load_id = ? and row_number is not null",
                            [result.load_id]) == [(0,)]


CYCLE = [*range(26, 32), *range(1, 26)]  # a 26th-to-25th cycle: 26 October to 25 November


def _register_of_a_cycle(headers: list[str], first: int):
    def write(folder: Path) -> Path:
        title = "花园路社区独居老人每日联系登记表（2026年11月）统计周期：10月26日—11月25日"
        rows = [[title], ["序号", "姓名", "身份证号", *headers],
                *([n, f"周期{first + n}", elder(first + n), *(["√"] * len(CYCLE))] for n in (1, 2))]
        return write_xlsx(folder / f"花园路独居老人每日联系登记表_周期_{first}.xlsx", rows)
    return write


loads.file("a cycle's days")(_register_of_a_cycle([f"{day}日" for day in CYCLE], 900))
loads.file("a cycle's dates")(_register_of_a_cycle([f"{10 + (day < 26)}月{day}日" for day in CYCLE], 903))


@pytest.mark.parametrize("key", ["a cycle's days", "a cycle's dates"])
def test_a_register_of_a_26th_to_25th_cycle_dates_each_day_in_its_own_month(one_load, key):
    # review 6 finding 3: 26日 … 31日 had been dated in November (31 November rejected), October's contacts lost;
    # with its headers dated (10月26日 …) the register had been refused as no kind of file
    result = one_load[1][key]
    balanced(result, 2 * len(CYCLE))
    assert one_load[0].rows("select month(visit_date), count(*), min(visit_date), max(visit_date) from visit_rows"
                            " where load_id = ? group by all order by all", [result.load_id]) == [
        (10, 12, dt.date(2026, 10, 26), dt.date(2026, 10, 31)), (11, 50, dt.date(2026, 11, 1), dt.date(2026, 11, 25))]


def _register_of_date_cells(days: list[dt.date], first: int):
    def write(folder: Path) -> Path:
        rows = [["花园路社区独居老人每日联系登记表"], ["序号", "姓名", "身份证号", *days],
                *([n, f"日期格{first + n}", elder(first + n), *(["√"] * len(days))] for n in (1, 2))]
        def shown_as_days(sheet) -> None:
            for cell in sheet[2][3:]:
                cell.number_format = 'd"日"'  # what the clerk sees: 1日 … 30日

        return write_xlsx(folder / f"花园路独居老人每日联系登记表_日期格_{first}.xlsx", rows, edit=shown_as_days)
    return write


loads.file("date cells, no month named")(_register_of_date_cells(
    [dt.date(2026, 11, day) for day in range(1, 31)], 906))
loads.file("a cycle of date cells, no month named")(_register_of_date_cells(
    [dt.date(2026, 10, day) for day in range(26, 32)] + [dt.date(2026, 11, day) for day in range(1, 26)], 909))


@loads.file("days of a month under a title of the year")
def _register_of_a_titled_year(folder: Path) -> Path:
    # review 17 M1 (g3): 11.1 … 11.30 under 「…登记表（2026年）」, refused as naming no month
    rows = [["花园路社区独居老人每日联系登记表（2026年）"],
            ["序号", "姓名", "身份证号", *(f"11.{d}" for d in range(1, 31))],
            *([n, f"年份{n}", elder(912 + n), *(["√"] * 30)] for n in (1, 2))]
    return write_xlsx(folder / "花园路独居老人每日联系登记表_年份.xlsx", rows)


@loads.file("a month without its year")
def _register_of_a_month_without_its_year(folder: Path) -> list[Path]:
    # review 17 M1 (g2): 11月1日 … 11月30日, or 1日 … 31日 under 「…登记表（10月）」, refused as naming no year and
    # month; read as a visit record's 11月3日 is, in the year of its 填报日期, else of today (both as the months before)
    def register(title: str, days: list[str], first: int) -> list[list]:
        return [[title], ["序号", "姓名", "身份证号", *days],
                *([n, f"无年{first + n}", elder(first + n), *(["√"] * len(days))] for n in (1, 2))]

    return [write_xlsx(folder / "花园路独居老人每日联系登记表_月日.xlsx",
                       register("花园路社区独居老人每日联系登记表", [f"11月{d}日" for d in range(1, 31)], 915)),
            write_xlsx(folder / "花园路独居老人每日联系登记表_十月.xlsx",
                       register("花园路社区独居老人每日联系登记表（10月）", [f"{d}日" for d in range(1, 32)], 918)),
            # no month named at all, but the day it was filled in: its month, said to be a guess (it had been silent)
            write_xlsx(folder / "花园路独居老人每日联系登记表_填报日期.xlsx",
                       [["花园路社区独居老人每日联系登记表"], ["填报日期：2026年10月31日"],
                        *register("", [f"{d}日" for d in range(1, 32)], 921)[1:]])]


def test_a_register_of_a_month_without_its_year_takes_the_year_its_date_gives_it(one_load):
    warehouse, results = one_load
    november, october, filled = results["a month without its year"]
    balanced(november, 60)
    balanced(october, 62)
    balanced(filled, 62)
    assert warnings((warehouse, {"filled": filled}), "filled")[0][1].startswith(
        "工作表 Sheet 是每天一列的登记表 (2026年10月, 没有写明月份, 按所写日期 (如填报日期) 所在的月份推定): ")
    today = warehouse.one("select current_date")
    assert warehouse.rows("select min(visit_date), max(visit_date), count(*) from visit_rows where load_id in (?, ?)"
                          " group by load_id order by load_id", [november.load_id, october.load_id]) == [
        (dt.date(today.year - (today.month + 2 < 11), 11, 1), dt.date(today.year - (today.month + 2 < 11), 11, 30), 60),
        (dt.date(today.year - (today.month + 2 < 10), 10, 1), dt.date(today.year - (today.month + 2 < 10), 10, 31), 62)]
    assert warnings((warehouse, {"november": november}), "november")[0][1].startswith(
        f"工作表 Sheet 是每天一列的登记表 ({today.year - (today.month + 2 < 11)}年11月, 没有写年份, 按导入日期推定): ")


@pytest.mark.parametrize(("key", "months"), [
    ("days of a month under a title of the year", [(11, 60, dt.date(2026, 11, 1), dt.date(2026, 11, 30))]),
    ("date cells, no month named", [(11, 60, dt.date(2026, 11, 1), dt.date(2026, 11, 30))]),
    ("a cycle of date cells, no month named", [(10, 12, dt.date(2026, 10, 26), dt.date(2026, 10, 31)),
                                               (11, 50, dt.date(2026, 11, 1), dt.date(2026, 11, 25))])])
def test_a_register_whose_days_headers_name_their_month_takes_it_from_them(one_load, key, months):
    # review 17 M1: refused, its title, sheet and file naming no month, though each day's header is a whole date (or
    # names its month under a title of its year)
    result = one_load[1][key]
    balanced(result, sum(count for _, count, _, _ in months))
    assert one_load[0].rows("select month(visit_date), count(*), min(visit_date), max(visit_date) from visit_rows"
                            " where load_id = ? group by all order by all", [result.load_id]) == months


DAYS = [f"{day}日" for day in range(1, 32)]


@loads.file("register with a key")
def _register_with_a_key(folder: Path) -> Path:
    rows = [["花园路社区独居老人每日联系登记表（2026年10月）"], ["序号", "姓名", "身份证号", *DAYS],
            [1, "图例一", elder(360), "√", "○", "△", *[None] * 28],
            [2, "图例二", elder(361), "○", "○", "○", *[None] * 28],
            ["说明：√表示电话联系正常，○表示电话未接通，△表示上门探视"], ["制表人：王丽"]]
    return write_xlsx(folder / "花园路日联系登记表_图例.xlsx", rows)


def test_a_registers_marks_are_read_by_the_key_written_under_it(one_load):
    # ○ (未接通) counted as a call that reached the elder, and △ (上门探视) as a call
    balanced(one_load[1]["register with a key"], 6)
    assert loaded(one_load, "register with a key", "id_number, visit_date, method, outcome") == sorted(
        [(elder(360), dt.date(2026, 10, 1), "电话", "正常"), (elder(360), dt.date(2026, 10, 2), "电话", "未遇"),
         (elder(360), dt.date(2026, 10, 3), "上门", "正常"), *[(elder(361), dt.date(2026, 10, day), "电话", "未遇")
                                                               for day in (1, 2, 3)]],
        key=lambda row: row[0] != elder(360))


@loads.file("register of two methods")
def _register_of_two_methods(folder: Path) -> Path:
    rows = [["花园路社区2026年10月独居老人每日联系登记表（电话问候或上门探视）"], ["序号", "姓名", "身份证号", *DAYS],
            [1, "两种一", elder(362), "√", "◇", *[None] * 29]]
    return write_xlsx(folder / "花园路日联系登记表_电话或上门.xlsx", rows)


def test_a_tick_in_a_register_of_two_methods_is_no_home_visit(one_load):
    # every tick was a home visit (上门, the strongest the title names): the home-visit rate went from 4/8 to 7/8
    balanced(one_load[1]["register of two methods"], 2)
    assert loaded(one_load, "register of two methods", "method, outcome") == [("电话", "正常"), ("电话", "正常")]
    assert warnings(one_load, "register of two methods") == [(None, (
        "工作表 Sheet 是每天一列的登记表 (2026年10月): 按每次联系一行导入, 共 2 次; 只打勾的日子按「电话」计 "
        "(标题中写了几种联系方式, 打勾看不出是哪一种, 不计为上门探访); 符号「◇」表中没有说明含义, "
        "也按「电话」联系计, 请核实 (可在表下写明, 如「○表示未接通」)"))]


# --- contact lists ------------------------------------------------------------------------------------------


@loads.file("mobile and landline")
def _mobile_and_landline(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "联系人", "与老人关系", "手机", "座机"]
    rows = [["座机一", elder(120), "花园路", "李一", "女儿", None, "022-27654321"],
            ["座机二", elder(121), "花园路", "张一", "儿子", "13811112222", None],
            ["座机三", elder(122), "花园路", "王一", "侄子", "13811113333", "022-27650000"]]
    return write_csv(folder / "联系人情况表_手机座机.csv", [["失能老年人联系人情况表"], header, *rows])


def test_a_contact_persons_landline_beside_their_mobile_is_their_phone(one_load):
    # the 座机 column was left unread (手机 and 固定电话: dropped as the same column twice), so a contact person with a
    # landline only had no phone, and their elder no designated contact (社区帮扶率, DESIGN §4)
    balanced(one_load[1]["mobile and landline"], 3)
    assert loaded(one_load, "mobile and landline", "contact_phone") == [("02227654321",), ("13811112222",),
                                                                        ("13811113333",)]
    assert warnings(one_load, "mobile and landline") == []


NAME_AND_PHONE = {"冯兰福（18612032410）": [("冯兰福", "18612032410")],
                  "杨华淑 13510118852，袁华英 15813025691": [("杨华淑", "13510118852"), ("袁华英", "15813025691")],
                  "李明 13900000001/022-23456789": [("李明", "13900000001")]}


@loads.file("names and phones in one cell")
def _names_and_phones_in_one_cell(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "联系人及电话", "与老人关系"]
    rows = [[f"同格{n}", elder(190 + n), "滨西", cell, "子女"] for n, cell in enumerate(NAME_AND_PHONE)]
    return write_csv(folder / "滨西联系人_姓名电话同格.csv", [["失能老年人联系人情况表"], header, *rows])


def test_contact_people_written_with_their_phones_in_one_cell_are_each_a_contact(one_load):
    # the name kept the bracket before its phone (冯兰福（), and a second person in the cell was lost without a word
    balanced(one_load[1]["names and phones in one cell"], len(NAME_AND_PHONE))
    assert loaded(one_load, "names and phones in one cell", "id_number, contact_name, contact_phone") == [
        (elder(190 + n), name, phone) for n, people in enumerate(NAME_AND_PHONE.values()) for name, phone in people]


# a cell of names, each with the relation and the phone written in the same place of theirs, or one for all
NAMES_IN_ONE_CELL = [(("张伟、李娜", "儿子、女儿", "13900001111、13900002222"),
                      [("张伟", "儿子", "13900001111"), ("李娜", "女儿", "13900002222")]),
                     (("刘洋\n赵敏", "子女", "13900007777"), [("刘洋", "子女", "13900007777"), ("赵敏", "子女", None)]),
                     (("张伟/儿子", None, "13900003333"), [("张伟/儿子", None, "13900003333")]),
                     (("网格员、张红", "网格员", "13900004444"), [("网格员、张红", "网格员", "13900004444")])]


@loads.file("names in one cell")
def _names_in_one_cell(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "联系人姓名", "与老人关系", "联系人电话"]
    rows = [[f"多名{n}", elder(803 + n), "新疆路", *cells] for n, (cells, _) in enumerate(NAMES_IN_ONE_CELL)]
    return write_xlsx(folder / "新疆路联系人_一格多人.xlsx", [["失能老年人联系人情况表"], header, *rows])


def test_contact_people_named_in_one_cell_are_each_a_contact_with_their_relation_and_phone(one_load):
    # stored as one contact, 张伟、李娜, or as a name nobody has, 刘洋赵敏 (review 2026-12-04, round 5); a cell whose
    # parts are not each a name (张伟/儿子, a post beside a name) stays as written
    balanced(one_load[1]["names in one cell"], len(NAMES_IN_ONE_CELL))
    assert loaded(one_load, "names in one cell", "id_number, contact_name, relation, contact_phone") == [
        (elder(803 + n), *person) for n, (_, people) in enumerate(NAMES_IN_ONE_CELL) for person in people]


BODIES = ["村委会", "社区居委会", "物业", "网格员", "居委会主任"]


@loads.file("bodies as contact people")
def _bodies_as_contact_people(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "联系人", "与老人关系", "联系电话"]
    rows = [[f"单位{n}", elder(160 + n), "滨西", body, "其他", "022-27654321"] for n, body in enumerate(BODIES)]
    rows.append(["单位9", elder(169), "滨西", "张主任", "社区", "13811119999"])
    return write_csv(folder / "滨西联系人情况表.csv", [["失能老年人联系人情况表"], header, *rows])


def test_a_body_or_a_post_written_as_the_contact_person_is_no_designated_contact(one_load):
    # DESIGN §4: a designated contact person with a name and a valid phone; 村委会 … counted as one, every elder helped
    result = one_load[1]["bodies as contact people"]
    balanced(result, len(BODIES) + 1)
    usable = one_load[0].rows("select elder_id, is_usable from designated_contacts where elder_id in "
                              "(select id_number from contact_rows where load_id = ?) order by all", [result.load_id])
    assert usable == sorted([(elder(160 + n), False) for n in range(len(BODIES))] + [(elder(169), True)])
    assert warnings(one_load, "bodies as contact people") == [
        (n + 3, f"联系人写的是单位或岗位 ({body}), 不是具体的人: 不计为社区帮扶的联系人")
        for n, body in enumerate(BODIES)]


# a contact person as clerks write one that is no one to call (DESIGN §4: a person with a name and a valid phone)
CONTACT_WORDS = {"本人": "联系人是老人本人, 不计为社区帮扶的联系人",
                 "老人本人": "联系人是老人本人, 不计为社区帮扶的联系人",
                 "女儿": "联系人只写了「女儿」, 没有写姓名: 不计为社区帮扶的联系人",
                 "空": "联系人只写了电话, 没有写姓名: 不计为社区帮扶的联系人",
                 "社区网格员": "联系人写的是单位或岗位 (社区网格员), 不是具体的人: 不计为社区帮扶的联系人",
                 "程大伟 1350000001": "联系人电话无效: 13******01"}


@loads.file("no one to call")
def _no_one_to_call(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "联系人", "联系电话"]
    rows = [[f"无人{n}", elder(470 + n), "兆丰路", said, "" if " " in said else f"1390000{n:04d}"]
            for n, said in enumerate(CONTACT_WORDS)]
    rows.append(["无人9", elder(479), "兆丰路", "王明", "13900009999"])
    return write_csv(folder / "兆丰路联系人情况表.csv", [["失能老年人联系人情况表"], header, *rows])


def test_a_contact_person_who_is_the_elder_a_relative_unnamed_or_a_post_helps_no_one(one_load):
    # 本人 and 老人本人 in the name (no 关系), 女儿, 空 and 社区网格员 each counted as a designated contact; a 10-digit
    # number after a name was kept in the name, 程大伟1350000001, without a word
    result = one_load[1]["no one to call"]
    balanced(result, len(CONTACT_WORDS) + 1)
    usable = one_load[0].rows("select elder_id, is_usable from designated_contacts where elder_id in "
                              "(select id_number from contact_rows where load_id = ?) order by all", [result.load_id])
    assert usable == sorted([(elder(470 + n), False) for n in range(len(CONTACT_WORDS))] + [(elder(479), True)])
    assert warnings(one_load, "no one to call") == [
        (n + 3, said) for n, said in enumerate(CONTACT_WORDS.values()) if said]
    assert loaded(one_load, "no one to call", "contact_name")[-2:] == [("程大伟",), ("王明",)]


@loads.file("a list titled 包联表")
def _a_list_titled(folder: Path) -> list[Path]:
    # headers a roster could have too (家庭住址, the elder's phone) beside the 包联人: read as a roster, it replaced the
    # community's roster with its few people; and the contact person's ID number before the elder's
    titled = write_xlsx(folder / "林泉社区包联表.xlsx", [
        ["林泉社区包联表"], ["序号", "姓名", "身份证号", "联系电话", "家庭住址", "包联人", "包联人联系方式"],
        [1, "包联一", elder(480), "13900000481", "林泉里1号", "王包联", "13900000482"]])
    ids = write_xlsx(folder / "林泉社区联系人_两个身份证号.xlsx", [
        ["林泉社区失能老年人联系人情况表"], ["联系人", "身份证号", "联系电话", "失能老人姓名", "失能老人身份证号"],
        ["阎小一", make_id("19700101", 8), "13900000483", "包联二", elder(481)]])
    return [titled, ids]


def test_a_list_its_title_calls_a_contact_list_is_one_and_the_elders_id_is_the_one_named_so(one_load):
    titled, ids = one_load[1]["a list titled 包联表"]
    assert (titled.kind, ids.kind) == ("contacts", "contacts")
    balanced(titled, 1)
    balanced(ids, 1)
    assert one_load[0].rows("select id_number, contact_name, contact_phone from contact_rows where load_id in (?, ?)"
                            " order by load_id", [titled.load_id, ids.load_id]) == [
        (elder(480), "王包联", "13900000482"), (elder(481), "阎小一", "13900000483")]


@loads.file("a street's list")
def _a_streets_list(folder: Path) -> Path:
    return write_xlsx(folder / "南市街道联系人情况表.xlsx", [
        ["南市街道失能老年人联系人情况表"], ["序号", "老人姓名", "身份证号", "联系人", "联系电话"],
        [1, "街道表一", elder(485), "李子", "13700000031"]])


def test_a_streets_contact_list_without_a_community_column_is_the_street_its_title_names(one_load):
    # refused row by row: 街道和社区都为空, 无法确定属于哪个街道的联系人表
    balanced(one_load[1]["a street's list"], 1)
    assert loaded(one_load, "a street's list", "street_code, community_code, contact_name") == [
        ("120101006000", None, "李子")]


# --- rosters --------------------------------------------------------------------------------------------


@loads.file("children's columns")
def _childrens_columns(folder: Path) -> Path:
    header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "子女姓名", "子女身份证号", "子女联系电话"]
    rows = [[n, "劝业场街道", "花园路", f"子女{n}", elder(40 + n), "独居", f"儿{n}", make_id("19700101", n),
             "13812345678"] for n in (1, 2)]
    return write_xlsx(folder / "花名册_子女信息.xlsx", [["填报日期：2026年10月1日"], header, *rows])


def test_a_roster_with_its_elders_childrens_id_numbers_loads_the_elders(one_load):
    # it was refused as two tables side by side (姓名 and 身份证号 twice)
    balanced(one_load[1]["children's columns"], 2)
    assert loaded(one_load, "children's columns", "id_number") == [(elder(41),), (elder(42),)]
    assert warnings(one_load, "children's columns") == [
        (None, "未识别的列, 未导入: 子女姓名、子女身份证号、子女联系电话")]


@pytest.mark.parametrize("who", ["赡养人", "代理人"])
def test_a_roster_with_a_supporters_columns_loads_the_elders(tmp_path, who):
    # review 2026-12-04: 赡养人姓名 and 赡养人身份证号 refused the roster as two tables side by side, as 子女 had
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", f"{who}姓名", f"{who}身份证号", f"{who}电话"]
    rows = [[n, "花园路", f"老人{n}", elder(600 + n), "独居", f"儿{n}", make_id("19700101", n), "13812345678"]
            for n in (1, 2)]
    [result] = Warehouse(tmp_path / "w.duckdb").ingest(
        write_xlsx(tmp_path / "底册.xlsx", [["填报日期：2026年10月1日"], header, *rows]))
    balanced(result, 2)


def test_a_roster_of_couples_a_row_each_says_how_many_elders_it_left_out(tmp_path):
    # a household's row of an empty-nest couple (配偶姓名, 配偶身份证号): the second elder is not loaded, which had been
    # said as an unknown column alone, four people out of every denominator without a word
    header = ["序号", "社区", "户主姓名", "户主身份证号", "配偶姓名", "配偶身份证号", "特殊困难类别"]
    rows = [[n, "花园路", f"户主{n}", elder(620 + n), f"配偶{n}" if n < 3 else "", elder(630 + n) if n < 3 else "",
             "空巢"] for n in (1, 2, 3)]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_xlsx(tmp_path / "空巢夫妇名册.xlsx",
                                           [["填报日期：2026年10月1日"], header, *rows]))
    balanced(result, 3)
    assert warehouse.rows("select message from load_alerts where load_id = ?", [result.load_id]) == [(
        "空巢夫妇名册.xlsx: 「配偶姓名、配偶身份证号」写的是同一行的另一位老人, 这 2 人没有作为底册人员导入: "
        "他们如也是特殊困难老年人, 请每人单独写一行 (各自标注类别) 后重新导入",)]


def test_a_ledger_with_a_column_per_month_is_a_visit_on_each_date_written(tmp_path):
    # 探访台账: a row per elder, 1月 … 12月, each cell that month's visit date as the clerk wrote it (it was refused for
    # want of a 探访日期 column); a tick says no day (rejected, with why), words say why there was no visit
    header = ["序号", "社区", "姓名", "身份证号", *[f"{month}月" for month in range(9, 13)]]
    rows = [[1, "花园路", "台账一", elder(640), "9.5", "5", dt.datetime(2026, 11, 3), None],
            [2, "花园路", "台账二", elder(641), "9月8日", "住院", "√", None]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_xlsx(tmp_path / "花园路社区2026年入户探访台账.xlsx", [header, *rows]))
    balanced(result, 5, rejected=1)
    assert warehouse.rows("select id_number, visit_date::varchar, method from visit_rows order by all") == [
        (elder(640), "2026-09-05", "上门"), (elder(640), "2026-10-05", "上门"), (elder(640), "2026-11-03", "上门"),
        (elder(641), "2026-09-08", "上门")]
    assert warehouse.rows("select sheet_name, row_number, reason from rejects") == [
        ("Sheet (2026年11月)", 3, "探访日期只写到月份, 请写明是哪一天: 2026年11月")]
    assert warehouse.rows("select message from load_warnings where code = 'day_register'") == [
        ("工作表 Sheet 是每月一列的探访台账 (2026年): 按每次探访一行导入, 共 5 次; 没有探访方式一列, 按「上门」计; "
         "1 格写的是文字 (如住院、外出), 不计为探访",)]


def test_a_roster_dating_each_months_visit_is_the_roster_and_its_visits(tmp_path):
    # a 台账 of the elders with their categories and a column per month: both kinds, each a load of its own (a roster
    # and a visit record), as a workbook holding the two is; last year's, sent in January (the year named alone)
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "9月", "10月", "11月"]
    rows = [[1, "花园路", "台账三", elder(642), "独居", "9.5", "10.6", ""],
            [2, "花园路", "台账四", elder(643), "空巢", "", "10.7", "11.8"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_xlsx(tmp_path / "台账.xlsx", [["花园路社区2025年探访台账"],
                                                                    ["填报日期：2026年1月5日"], header, *rows]))
    assert sorted((part.kind, part.rows_read, part.rows_loaded) for part in result.parts) == [
        ("roster", 2, 2), ("visits", 4, 4)]
    assert warehouse.rows("select id_number, categories from roster_rows order by all") == [
        (elder(642), ["独居"]), (elder(643), ["空巢"])]
    assert warehouse.rows("select visit_date::varchar from visit_rows order by all") == [
        ("2025-09-05",), ("2025-10-06",), ("2025-10-07",), ("2025-11-08",)]


def test_a_record_of_several_visits_a_row_is_a_visit_for_each_group_written(tmp_path):
    # a row per elder with a group of columns per visit (第一次探访日期 | 第一次探访方式 | 第一次探访人 | 第二次 …): it
    # was refused, the clerk told to write a row per visit. A group with no date is rejected naming its visit; one left
    # empty is no visit; the elder's own numbered phones stay the elder's, listed once as not read
    header = ["序号", "社区", "姓名", "身份证号", "联系电话1", "联系电话2",
              *[f"第{n}次探访{part}" for n in "一二三" for part in ("日期", "方式", "人")]]
    rows = [[1, "花园路", "几次一", elder(650), "13900000001", "13900000002",
             "2026-10-03", "入户", "李明", "2026-10-12", "电话", "李明", "2026-10-25", "上门", "王芳"],
            [2, "花园路", "几次二", elder(651), "", "", "2026-10-04", "电话", "李明", "2026-10-14", "入户", "李明",
             "", "", ""],
            [3, "花园路", "几次三", elder(652), "", "", "2026-10-05", "入户", "李明", "", "入户", "李明", "", "", ""]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_xlsx(tmp_path / "花园路社区10月探访记录.xlsx", [header, *rows]))
    balanced(result, 7, rejected=1)
    assert warehouse.rows("select row_number, id_number, visit_date::varchar, method, visitor_name from visit_rows"
                          " order by all") == [
        (2, elder(650), "2026-10-03", "上门", "李明"), (2, elder(650), "2026-10-12", "电话", "李明"),
        (2, elder(650), "2026-10-25", "上门", "王芳"), (3, elder(651), "2026-10-04", "电话", "李明"),
        (3, elder(651), "2026-10-14", "上门", "李明"), (4, elder(652), "2026-10-05", "上门", "李明")]
    # (as a block once merged down the side is: the row above's date, if it was merged, is every row's)
    assert warehouse.rows("select sheet_name, row_number, reason from rejects") == [
        ("Sheet (第2次)", 4, "探访日期为空" + BLOCK_EMPTY.format(row=3))]
    assert warehouse.rows("select message from load_warnings") == [
        ("工作表 Sheet 每行写了几次探访 (第 1 次至第 3 次, 每次几列): 按每次探访一行导入, 共 7 次; "
         "未导入的列: 联系电话1、联系电话2",)]


@pytest.mark.parametrize("layout", ["numbers at the end", "two header rows"])
def test_a_record_numbering_its_visits_otherwise_is_read_the_same(tmp_path, layout):
    # 探访日期1 | 探访方式1 | 探访结果1 | 探访日期2 …, and 第一次探访 | 第二次探访 merged over 日期 | 方式 (a
    # template's)
    if layout == "numbers at the end":
        header = ["社区", "姓名", "身份证号", *[f"探访{part}{n}" for n in (1, 2) for part in ("日期", "方式", "结果")]]
        path = write_csv(tmp_path / "探访.csv", [header, ["花园路", "几次四", elder(653), "2026-10-06", "上门", "正常",
                                                          "2026-10-20", "电话", "未接通"]])
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["社区", "姓名", "身份证号", "第一次探访", None, "第二次探访", None])
        sheet.append([None, None, None, "日期", "方式", "日期", "方式"])
        sheet.append(["花园路", "几次四", elder(653), "2026-10-06", "上门", "2026-10-20", "电话"])
        for merged in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:G1"):
            sheet.merge_cells(merged)
        book.save(path := tmp_path / "探访.xlsx")
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(path)
    balanced(result, 2)
    assert warehouse.rows("select visit_date::varchar, method, outcome from visit_rows order by all") == [
        ("2026-10-06", "上门", "正常"), ("2026-10-20", "电话", "未遇" if layout == "numbers at the end" else "正常")]


def test_excel_error_values_are_no_ones_words_and_the_load_says_where_they_are(tmp_path):
    # review 11a M1: a VLOOKUP that found nothing (#N/A) was read as an empty cell: a category lost without a word,
    # an outcome #DIV/0! as 正常; as text (a CSV saved from Excel) #N/A in 发现问题 was a problem found, in 探访人 a
    # visitor
    import xlsxwriter

    roster_path, visits_path = tmp_path / "底册.xlsx", tmp_path / "探访.xlsx"
    book = xlsxwriter.Workbook(str(roster_path))
    sheet = book.add_worksheet("底册")
    sheet.write_row(0, 0, ["街道", "社区", "姓名", "身份证号", "特殊困难类别"])
    for n in range(3):
        sheet.write_row(n + 1, 0, ["劝业场街道", "花园路", f"错值{n}", elder(660 + n), "独居"])
    sheet.write_formula(1, 4, "=VLOOKUP(D2,类别!A:B,2,0)", None, "#N/A")  # as Excel saves it: the formula, its error
    sheet.write_formula(2, 2, "=VLOOKUP(D3,姓名!A:B,2,0)", None, "#N/A")
    book.close()
    book = xlsxwriter.Workbook(str(visits_path))
    sheet = book.add_worksheet("探访")
    sheet.write_row(0, 0, ["社区", "姓名", "身份证号", "探访日期", "探访方式", "探访结果", "发现问题", "探访人"])
    for n in range(3):
        sheet.write_row(n + 1, 0, ["花园路", f"错值{n}", elder(660 + n), "2026-10-05", "上门", "正常", "", "李明"])
    sheet.write_formula(1, 6, "=VLOOKUP(C2,问题!A:B,2,0)", None, "#N/A")
    sheet.write_formula(2, 7, "=VLOOKUP(C3,人员!A:B,2,0)", None, "#REF!")
    sheet.write_formula(3, 5, "=B9/C9", None, "#DIV/0!")
    book.close()
    warehouse = Warehouse(tmp_path / "w.duckdb")
    roster, visits = warehouse.ingest(roster_path, visits_path)
    balanced(roster, 3)  # the nameless row too, by its ID number (DESIGN §3)
    balanced(visits, 3)
    assert warehouse.rows("select elder_name, categories from roster_rows order by all") == [
        ("错值0", []), ("错值2", ["独居"]), (None, ["独居"])]
    assert warehouse.rows("select row_number, outcome, visitor_name from visit_rows order by all") == [
        (2, "正常", "李明"), (3, "正常", None), (4, "未知", "李明")]
    assert warehouse.rows("select file_name, row_number, message from load_warnings order by all") == [
        ("底册.xlsx", 2, "未知的特殊困难类别: #N/A, 未计入"),
        ("底册.xlsx", 3, "姓名为空: 按身份证号导入, 请在姓名一栏填写老人姓名"),
        ("底册.xlsx", None, "第 2、3 行的「姓名、特殊困难类别」是公式的错误值 (如 #N/A), 不是填写的内容: "
                            "请在 Excel 中检查公式 (如 VLOOKUP 没有找到) 或填写后重新导入"),
        ("探访.xlsx", 4, "未知的探访结果: #DIV/0!, 不计为有效探访"),
        ("探访.xlsx", None, "第 2、3、4 行的「探访结果、发现问题、探访人」是公式的错误值 (如 #N/A), 不是填写的内容"
                            ": 请在 Excel 中检查公式 (如 VLOOKUP 没有找到) 或填写后重新导入")]


def test_excel_error_values_of_a_legacy_xls_are_no_ones_words_too(tmp_path):
    # review 11a s10: python-calamine, which reads an .xls, reads #N/A as an empty cell: the category lost, no word
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("底册")
    rows = [["街道", "社区", "姓名", "身份证号", "特殊困难类别"],
            *[["劝业场街道", "花园路", f"旧表错值{n}", elder(680 + n), "独居"] for n in range(3)]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) != (2, 4):
                sheet.write(r, c, value)
    sheet.row(2).set_cell_error(4, 0x2A)  # #N/A, as Excel 97-2003 keeps a lookup's error
    workbook.save(str(path := tmp_path / "底册.xls"))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(path)
    balanced(roster, 3)
    assert warehouse.rows("select elder_name, categories from roster_rows order by all") == [
        ("旧表错值0", ["独居"]), ("旧表错值1", []), ("旧表错值2", ["独居"])]
    assert warehouse.rows("select row_number, message from load_warnings order by all") == [
        (3, "未知的特殊困难类别: #N/A, 未计入"),
        (None, "第 3 行的「特殊困难类别」是公式的错误值 (如 #N/A), 不是填写的内容: "
               "请在 Excel 中检查公式 (如 VLOOKUP 没有找到) 或填写后重新导入")]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_row_that_a_line_break_broke_over_lines_of_a_csv_loads_as_one_row_and_the_street_is_told(tmp_path, encoding):
    # review 11a L4: a system that writes a note's line breaks without quotes splits its row; the first part loaded
    # without the cells after the note (a category lost: a person out of every denominator), the tail was rejected
    lines = ["街道,社区,姓名,身份证号,备注,特殊困难类别",
             f"劝业场街道,花园路,断行甲,{elder(690)},无,独居",
             f"劝业场街道,花园路,断行乙,{elder(691)},腿脚不便\r\n需要轮椅\r\n每周送餐,独居",
             "",
             f"劝业场街道,花园路,断行丙,{elder(692)},无,空巢"]
    (path := tmp_path / "底册.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(path)
    balanced(roster, 3)
    assert warehouse.rows("select row_number, elder_name, categories from roster_rows order by all") == [
        (2, "断行甲", ["独居"]), (3, "断行乙", ["独居"]), (7, "断行丙", ["空巢"])]
    assert warehouse.rows("select row_number, message from load_warnings") == [
        (None, "第 3 行的「备注」一格中有换行 (没有用引号括起来), 文件把一行拆成了几行: 已合并为一行导入, 请核对")]


def test_a_note_in_the_last_column_that_a_line_break_broke_joins_its_row_and_a_footer_does_not(tmp_path):
    # the tail of a last cell is a line of one cell, as a section's heading or a signature is: it had been a row of its
    # own, rejected as 身份证号格式不对 and waiting for a correction nobody could make
    lines = ["街道,社区,姓名,身份证号,特殊困难类别,备注",
             f"劝业场街道,花园路,末列甲,{elder(900)},独居,腿脚不便\r\n需要轮椅",
             f"劝业场街道,花园路,末列乙,{elder(901)},空巢,",
             f"劝业场街道,花园路,末列丙,{elder(902)},独居,子女在外地\r\n每周电话\r\n已登记",
             "制表人：王红"]
    (path := tmp_path / "底册.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(path)
    balanced(roster, 3)
    assert roster.rows_rejected == 0
    assert warehouse.rows("select row_number, elder_name, categories from roster_rows order by all") == [
        (2, "末列甲", ["独居"]), (4, "末列乙", ["空巢"]), (5, "末列丙", ["独居"])]
    assert warehouse.rows("select row_number, message from load_warnings") == [
        (None, "第 2、5 行的「备注」一格中有换行 (没有用引号括起来), 文件把一行拆成了几行: 已合并为一行导入, 请核对")]


def test_lines_of_one_cell_in_a_csv_of_sections_stay_its_headings(tmp_path):
    # a file whose first line below the header is a section's heading: its lines of one cell are headings, whatever
    # the last cell of the row above them holds
    lines = ["姓名,身份证号,特殊困难类别,备注",
             "花园路社区",
             f"分段甲,{elder(903)},独居,无",
             "滨西社区",
             f"分段乙,{elder(904)},空巢,无"]
    (path := tmp_path / "底册.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(path)
    assert roster.status == "loaded" and roster.rows_rejected == 0, roster
    assert warehouse.rows("select elder_name, community_code from roster_rows order by all") == [
        ("分段乙", BINXI), ("分段甲", HUAYUANLU)]


def test_rows_an_exporter_wrote_without_their_empty_cells_at_the_end_are_never_joined(tmp_path):
    # two short rows whose cells add up to a whole one are two people, where every row of the file may be short
    lines = ["社区,姓名,身份证号,特殊困难类别,备注,电话",
             f"花园路,短行甲,{elder(693)},独居",
             f"花园路,短行乙,{elder(694)}",
             f"花园路,短行丙,{elder(695)},空巢,无,13900000001"]
    (path := tmp_path / "底册.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(path)
    balanced(roster, 3)
    assert warehouse.rows("select row_number, elder_name, categories from roster_rows order by all") == [
        (2, "短行甲", ["独居"]), (3, "短行乙", []), (4, "短行丙", ["空巢"])]
    assert not warehouse.rows("select message from load_warnings where code = 'joined_rows'")


def test_header_cells_with_characters_nobody_sees_name_their_columns(tmp_path):
    # review 12 H1, M1: a byte-order mark pasted into 状态 skipped the column (the dead counted as 在册); a zero-width
    # space in 姓名 refused the file for a missing 姓名 column that the clerk sees there
    header = ["社区", "姓\u200b名", "身份证号", "特殊困难类别", "状\ufeff态", "变动日期"]
    rows = [["花园路", "隐字甲", elder(700), "独居", "在册", ""],
            ["花园路", "隐字乙", elder(701), "独居", "死亡", "2026-09-20"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(write_xlsx(tmp_path / "底册.xlsx", [["填报日期：2026年10月5日"], header, *rows]))
    balanced(roster, 2)
    assert warehouse.rows("select elder_name, status from roster_rows order by all") == [
        ("隐字乙", "死亡"), ("隐字甲", "在册")]
    assert not warehouse.rows("select message from load_warnings")


@pytest.mark.parametrize("merged", ["日期、方式、社区", "社区"])
def test_a_subtotal_under_cells_merged_down_its_block_is_no_visit_and_no_row_to_fix(tmp_path, merged):
    # review 12 H2, M2: the 小计 row in the name's column, the day, method and community merged down each block over
    # it, loaded as a home visit of a person on no roster; with the community alone merged, it waited to be fixed
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["社区", "探访日期", "探访方式", "姓名", "身份证号", "探访人"])
    for n in range(3):
        sheet.append(["花园路", "2026-10-05", "入户", f"小计前{n}", elder(705 + n), "李明"])
    sheet.append([None, None, None, "小计：3人次", None, None])
    for column in ("A",) + (("B", "C") if merged != "社区" else ()):
        sheet.merge_cells(f"{column}2:{column}5")
    book.save(path := tmp_path / "探访.xlsx")
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [visits] = warehouse.ingest(path)
    balanced(visits, 3)
    assert warehouse.rows("select id_number, visit_date::varchar, method from visit_rows order by all") == [
        (elder(705 + n), "2026-10-05", "上门") for n in range(3)]
    assert not warehouse.rows("select * from rejects")


def test_a_contact_phone_written_with_dots_is_a_phone_and_quoted_masked(tmp_path):
    # review 12 H3: 139.0000.1111 was no phone (the elder out of the 失能帮扶率) and its warning quoted it whole
    header = ["社区", "老人姓名", "身份证号", "联系人", "联系电话"]
    rows = [["花园路", "点号甲", elder(710), "王芳", "139.0000.1111"],
            ["花园路", "点号乙", elder(711), "李明", "139.2000.111"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [contacts] = warehouse.ingest(write_csv(tmp_path / "失能老年人联系人情况表.csv", [header, *rows]))
    balanced(contacts, 2)
    assert warehouse.rows("select elder_name, contact_phone from contact_rows order by all") == [
        ("点号乙", None), ("点号甲", "13900001111")]
    [(value, message)] = warehouse.rows("select value, message from load_warnings where code = 'invalid_phone'")
    assert "2000" not in value + message and "13******11" in message


def test_unicode_text_that_a_system_named_xls_loads_as_its_table(tmp_path):
    # review 12 M3: Excel's 「Unicode 文本」 (UTF-16, tabs between cells) sent as .xls was refused as a broken workbook
    lines = ["社区\t姓名\t身份证号\t特殊困难类别", f"花园路\t统一码甲\t{elder(715)}\t独居"]
    (path := tmp_path / "底册.xls").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(path)
    balanced(roster, 1)
    assert warehouse.rows("select elder_name, categories from roster_rows") == [("统一码甲", ["独居"])]


def test_visits_that_count_for_no_one_are_told_of_with_their_rows_until_a_roster_lists_them(tmp_path):
    # review 11b H1: rows of people on no roster loaded as 导入 5, 警告 0, found later as a count on the Data page alone
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    listed = [["劝业场街道", "花园路", name, elder(n), "独居"]
              for name, n in (("有册甲", 670), ("同名", 671), ("同名", 672))]
    visits = write_csv(tmp_path / "探访.csv", [["社区", "姓名", "身份证号", "探访日期", "探访方式"],
                                               ["花园路", "有册甲", elder(670), "2026-10-05", "上门"],
                                               ["花园路", "无册乙", elder(673), "2026-10-05", "上门"],
                                               ["花园路", "同名", "", "2026-10-06", "上门"]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(write_csv(tmp_path / "底册.csv", [["填报日期：2026年10月1日"], header, *listed]), visits)
    alerts = warehouse.rows("select code, message from load_alerts order by code")
    assert alerts == [
        ("unlinked_not_on_roster", "探访.csv: 第 3 行的老人在底册中找不到 (底册中无此人): 这些探访暂不计入任何人, "
                                   "请核对身份证号和姓名, 或补报有这些老人的底册"),
        ("unlinked_same_name", "探访.csv: 第 4 行的老人没有写身份证号, 而底册中同一社区有同名的几位老人 "
                               "(同名无法区分): 这些探访不计入任何人, 请补写身份证号后重新导入")]
    # the roster that lists the visited elder links the visit, and the alert goes
    warehouse.ingest(write_csv(tmp_path / "底册2.csv", [["填报日期：2026年10月2日"], header, *listed,
                                                        ["劝业场街道", "花园路", "无册乙", elder(673), "独居"]]))
    assert [code for code, _ in warehouse.rows("select code, message from load_alerts")] == ["unlinked_same_name"]


def test_tick_columns_written_true_and_false_as_a_systems_export_writes_them_are_ticks(tmp_path):
    # review 11a L2: Excel's own TRUE and FALSE cells were ticks, their text in a CSV an unknown category
    header = ["街道", "社区", "姓名", "身份证号", "是否独居", "是否失能"]
    rows = [["劝业场街道", "花园路", "真假甲", elder(675), "TRUE", "FALSE"],
            ["劝业场街道", "花园路", "真假乙", elder(676), "False", "True"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [header, *rows]))
    balanced(result, 2)
    assert warehouse.rows("select categories from roster_rows order by row_number") == [(["独居"],), (["失能"],)]
    assert warehouse.rows("select message from load_warnings") == []


def test_a_number_typed_in_the_name_cell_is_pointed_out_never_quoted(tmp_path):
    # review 11a L3: an ID number in 姓名 loaded as the elder's name without a word
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    rows = [["劝业场街道", "花园路", elder(677), elder(677), "独居"],
            ["劝业场街道", "花园路", "号码乙", elder(678), "独居"],
            # a phone however its digits are grouped or wide (review 15 M4: stored as 138-); a phone after a name is
            # the name's
            ["劝业场街道", "花园路", "138-1234-5678", elder(679), "独居"],
            ["劝业场街道", "花园路", "１３８１２３４５６７８", elder(680), "独居"],
            ["劝业场街道", "花园路", "号码丙 13812345678", elder(681), "独居"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [header, *rows]))
    balanced(result, 5)
    said = "姓名一栏写的是号码 (可能是身份证号或电话): 按身份证号导入, 请在姓名一栏填写老人姓名"
    assert warehouse.rows("select row_number, field, value, message from load_warnings order by row_number") == [
        (2, "name", None, said), (4, "name", None, said), (5, "name", None, said)]
    # … and the number is not kept as the name (review 12 L4): the list says (未填姓名)
    assert warehouse.rows("select elder_name from roster_rows order by row_number") == [
        (None,), ("号码乙",), (None,), (None,), ("号码丙",)]


def test_a_sheet_per_community_named_with_a_number_and_a_note_is_placed_there(tmp_path):
    # review 2026-12-04: 1.花园路（5人） refused the whole workbook for a missing 社区 column
    header = ["序号", "姓名", "身份证号", "特殊困难类别"]
    book = write_workbook(tmp_path / "分社区.xlsx", {"1.花园路（2人）": [header, [1, "分表甲", elder(610), "独居"],
                                                                       [2, "分表乙", elder(611), "独居"]],
                                                   "2.滨西社区(1人)": [header, [1, "分表丙", elder(612), "独居"]]})
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(book)
    balanced(result, 3)
    assert warehouse.rows("select community_code, count(*) from roster_rows group by all order by all") == [
        ("120101001001", 2), ("120101001002", 1)]


@loads.file("categories asked")
def _categories_asked(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "是否独居老人", "是否空巢", "是否失能半失能", "是否孤寡"]
    ticks = [["是", "否", "否", "否"], ["否", "是", "否", "否"], ["否", "否", "是", "否"], ["否", "否", "否", "否"]]
    rows = [[n, "滨西", f"问类别{n}", elder(170 + n), *tick] for n, tick in enumerate(ticks)]
    return write_csv(folder / "滨西底册_是否列.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_categories_asked_a_column_each_include_disabled_or_half_disabled(one_load):
    # 是否失能半失能 was read as the disability level (未知的失能程度: 是) and its elders marked nothing
    balanced(one_load[1]["categories asked"], 4)
    assert loaded(one_load, "categories asked", "categories") == [(["独居"],), (["空巢"],), (["失能"],), ([],)]
    assert warnings(one_load, "categories asked") == []


@loads.file("hidden outdated column")
def _hidden_outdated_column(folder: Path) -> Path:
    # last year's categories (F) hidden rather than deleted, this year's written in a new column (G) beside them; the
    # ID column (E) hidden too, for printing, with no other to stand for it
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "老人类别（2026年核定）"]
    rows = [[n, "滨西", f"隐藏{n}", elder(320 + n), old, new]
            for n, (old, new) in enumerate([("空巢", "独居"), ("独居", "失能"), ("", "空巢")])]
    return write_workbook(folder / "滨西底册_隐藏旧列.xlsx",
                          {"底册": [["填报日期：2026年10月1日"], ["", *header], *[["", *row] for row in rows]]},
                          hidden_columns=("A", "E", "F"))


@loads.file("hidden outdated column in a legacy .xls")
def _hidden_outdated_column_xls(folder: Path) -> Path:
    # the same roster kept as an .xls (Excel 97-2003, as WPS saves by default for some streets)
    import xlwt

    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "老人类别（2026年核定）"]
    rows = [[n, "静园", f"旧列{n}", elder(920 + n), old, new]
            for n, (old, new) in enumerate([("空巢", "独居"), ("独居", "失能"), ("", "空巢")])]
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("底册")
    for r, row in enumerate([["填报日期：2026年10月1日"], ["", *header], *[["", *row] for row in rows]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    for column in (0, 4, 5):  # A, E, F
        sheet.col(column).hidden = True
    workbook.save(str(folder / "静园底册_隐藏旧列.xls"))
    return folder / "静园底册_隐藏旧列.xls"


@pytest.mark.parametrize(("key", "first"), [("hidden outdated column", 320),
                                            ("hidden outdated column in a legacy .xls", 920)])
def test_a_hidden_outdated_column_gives_way_to_the_one_shown(one_load, key, first):
    # the hidden column, first and named by an alias, was read: every elder had last year's categories (of an .xls
    # still in probe 28, H1: its hidden columns were not read as hidden)
    balanced(one_load[1][key], 3)
    assert loaded(one_load, key, "id_number, categories") == [
        (elder(first), ["独居"]), (elder(first + 1), ["失能"]), (elder(first + 2), ["空巢"])]
    assert warnings(one_load, key) == [
        (None, "重复的列, 未导入: 特殊困难类别 (已按「老人类别（2026年核定）」一列导入)")]


@loads.file("welfare beside the categories")
def _welfare_beside_the_categories(folder: Path) -> Path:
    # 救助类别 (低保, 特困) before the elder's categories: taken for them, the categories themselves dropped as a repeat
    header = ["序号", "社区", "姓名", "身份证号", "救助类别", "老年人类别"]
    rows = [[n, "滨西", f"救助{n}", elder(370 + n), welfare, category]
            for n, (welfare, category) in enumerate([("低保", "独居"), ("", "失能"), ("特困", "空巢")])]
    return write_csv(folder / "滨西底册_救助类别.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_a_welfare_column_is_not_taken_for_the_categories(one_load):
    balanced(one_load[1]["welfare beside the categories"], 3)
    assert loaded(one_load, "welfare beside the categories", "categories") == [(["独居"],), (["失能"],), (["空巢"],)]


@loads.file("month in the file name")
def _month_in_the_file_name(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别"]
    return write_xlsx(folder / "滨西社区特殊困难老年人底册2026年9月.xlsx",
                      [header, [1, "滨西", "文件名月", elder(380), "独居"]])


def test_a_roster_dated_only_by_its_file_names_month_is_that_months_snapshot(one_load):
    # its snapshot was dated the day it was loaded: a September roster loaded in November was November's
    result = one_load[1]["month in the file name"]
    balanced(result, 1)
    assert one_load[0].one("select report_date from loads where load_id = ?", [result.load_id]) == dt.date(2026, 9, 1)


EXITS_IN_NOTES = {"已去世 2026.9.3": "死亡", "已入住养老院（2026年9月）": "入住机构", "搬至女儿家": "迁出",
                  "老伴已去世": None, "": None}


@loads.file("exits in the notes")
def _exits_in_the_notes(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "备注"]
    rows = [[n, "滨西", f"备注{n}", elder(390 + n), "独居", note] for n, note in enumerate(EXITS_IN_NOTES)]
    return write_csv(folder / "滨西底册_备注.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_an_exit_written_only_in_the_notes_is_warned_of(one_load):
    # three who had died or left were on the roll without a word: visits due, overdue
    balanced(one_load[1]["exits in the notes"], len(EXITS_IN_NOTES))
    assert loaded(one_load, "exits in the notes", "status") == [("在册",)] * len(EXITS_IN_NOTES)
    assert warnings(one_load, "exits in the notes") == [
        (n + 3, f"备注中写的像是{said}, 但在册状态为在册: 按在册导入, 如确已{said}, 请在状态一栏填写并注明变动日期")
        for n, said in enumerate(EXITS_IN_NOTES.values()) if said]


# a 变动情况 column telling what changed in the family: the elder is alive and at home in each (review 8)
FAMILY_CHANGES = {"配偶去世，转为独居": None, "老伴住进养老院": None, "儿子外出务工": None, "在册，女儿在外地": "在册",
                  "已去世": "死亡"}


@loads.file("changes in the family")
def _changes_in_the_family(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "变动情况", "变动日期"]
    rows = [[n, "滨西", f"家变{n}", elder(410 + n), "独居", note, "2026-09-03" if said == "死亡" else ""]
            for n, (note, said) in enumerate(FAMILY_CHANGES.items())]
    return write_csv(folder / "滨西底册_变动情况.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_a_relatives_death_or_move_written_as_the_status_keeps_the_elder_on_the_roll(one_load):
    # each had been the elder's own exit (配偶去世 死亡, 老伴住进养老院 入住机构, 儿子外出务工 外出): out of every rate
    balanced(one_load[1]["changes in the family"], len(FAMILY_CHANGES))
    assert loaded(one_load, "changes in the family", "status") == [(said,) for said in FAMILY_CHANGES.values()]
    assert warnings(one_load, "changes in the family") == [
        (n + 3, f"未知的在册状态: {note}") for n, (note, said) in enumerate(FAMILY_CHANGES.items()) if not said]


# a visit's account as visitors write it, and methods a remote word qualifies (review 8: the first four had been
# 未遇 or 拒访, the last two home visits)
ACCOUNTS = [("入户", "正常，子女周末回来看望", "上门", "正常"),
            ("电话", "通话正常，已预约上门时间", "电话", "正常"),
            ("入户", "老人不愿意去养老院，情况良好", "上门", "正常"),
            ("入户", "正常，老人着急想办理助餐卡", "上门", "正常"),
            ("视频走访", "", "视频", "正常"), ("节日慰问（电话）", "正常", "电话", "正常"),
            ("入户", "老人拒绝", "上门", "拒访")]


@loads.file("accounts of visits")
def _accounts_of_visits(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "探访日期", "探访方式", "探访结果"]
    rows = [[n, "滨西", f"记述{n}", elder(420 + n), "2026-10-12", method, account]
            for n, (method, account, _, _) in enumerate(ACCOUNTS)]
    return write_csv(folder / "滨西探访记录_10月.csv", [header, *rows])


def test_a_visits_account_is_read_for_what_it_says_of_the_visit(one_load):
    balanced(one_load[1]["accounts of visits"], len(ACCOUNTS))
    assert loaded(one_load, "accounts of visits", "method, outcome") == [(m, o) for _, _, m, o in ACCOUNTS]


@loads.file("another's name in a cell")
def _another_s_name_in_a_cell(folder: Path) -> Path:
    # a son signing for his mother, a message passed through a neighbour on the same list: the names typed in a
    # consent or method cell, quoted back by the warning or the reason for rejecting the row (review 8)
    header = ["序号", "社区", "姓名", "身份证号", "探访日期", "探访方式", "探访结果", "意愿"]
    rows = [[1, "滨西", "冯建国", elder(430), "2026-10-12", "入户", "正常", ""],
            [2, "滨西", "李德明", elder(431), "2026-10-12", "入户", "正常", ""],
            [3, "滨西", "赵桂芝", elder(432), "2026-10-12", "托冯建国带话", "正常", ""],
            [4, "滨西", "钱玉兰", elder(433), "2026-10-12", "入户", "李德明代转，正常", ""]]
    return write_csv(folder / "滨西探访记录_代签.csv", [header, *rows])


def test_a_persons_name_typed_in_another_cell_is_masked_where_it_is_quoted(one_load):
    # DESIGN §6: whatever column it was typed in; each had been quoted whole (未知的探访方式: 托冯建国带话)
    warehouse, results = one_load
    result = results["another's name in a cell"]
    balanced(result, 4, rejected=1)
    reasons = warehouse.rows("select reason from rejects where load_id = ?", [result.load_id])
    texts = [text for row in reasons + warnings(one_load, "another's name in a cell") for text in row]
    assert reasons == [("未知的探访方式: 托冯**带话",)]
    assert not any(name in str(text) for text in texts for name in ("冯建国", "李德明"))


@loads.file("civil-affairs system export")
def _civil_affairs_system_export(folder: Path) -> Path:
    # a 金民工程-style export: no 社区 column, the community by its division code and its full name
    header = ["行政区划代码", "行政区划", "老年人姓名", "公民身份号码", "老年人类型"]
    rows = [["120101001002", "和平区劝业场街道滨西社区居委会", f"区划{n}", elder(400 + n), "独居"] for n in (1, 2)]
    return write_csv(folder / "老年人信息导出.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_an_export_placing_its_people_by_division_code_loads(one_load):
    # refused: 缺少必需的列: 社区
    balanced(one_load[1]["civil-affairs system export"], 2)
    assert loaded(one_load, "civil-affairs system export", "community_code") == [("120101001002",)] * 2


SECTION_HEADINGS = ["社区：花园路社区（共2人）", "滨西社区 2人"]


@loads.file("labelled sections")
def _labelled_sections(folder: Path) -> Path:
    # each community's block under a heading labelled 社区： or followed by its count, a blank row between blocks
    header = ["序号", "姓名", "身份证号", "特殊困难类别"]
    rows = [["劝业场街道特殊困难老年人底册（填报日期：2026年10月1日）"], header,
            [SECTION_HEADINGS[0]], [1, "分段一", elder(410), "独居"], [2, "分段二", elder(411), "空巢"], [None],
            [SECTION_HEADINGS[1]], [1, "分段三", elder(412), "失能"], [2, "分段四", elder(413), "独居"]]
    return write_xlsx(folder / "劝业场街道底册_分段.xlsx", rows)


def test_community_headings_labelled_or_counted_head_their_blocks_and_a_blank_row_is_no_one(one_load):
    # refused for the missing 社区 column; with the headings read, the blank row was rejected as 身份证号为空
    balanced(one_load[1]["labelled sections"], 4)
    assert loaded(one_load, "labelled sections", "id_number, community_code") == [
        (elder(410), "120101001001"), (elder(411), "120101001001"), (elder(412), "120101001002"),
        (elder(413), "120101001002")]


CATEGORY_FILLERS = ["—", "普通", "不是", "独居"]


@loads.file("category fillers")
def _category_fillers(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别"]
    rows = [[n, "滨西", f"填充{n}", elder(420 + n), cell] for n, cell in enumerate(CATEGORY_FILLERS)]
    return write_csv(folder / "滨西底册_类别填充.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_a_category_cell_saying_none_is_no_category_without_a_warning(one_load):
    balanced(one_load[1]["category fillers"], len(CATEGORY_FILLERS))
    assert loaded(one_load, "category fillers", "categories") == [([],), ([],), ([],), (["独居"],)]
    assert warnings(one_load, "category fillers") == []


@loads.file("codes explained above")
def _codes_explained_above(folder: Path) -> Path:
    header = ["序号", "社区", "姓名", "身份证号", "人员类别", "状态"]
    rows = [[n, "滨西", f"代码{n}", elder(460 + n), code, "在册"] for n, code in enumerate(["1", "2,4", "3"])]
    return write_xlsx(folder / "滨西底册_代码.xlsx", [
        ["滨西社区特殊困难老年人底册"], ["填报日期：2026年10月9日"],
        ["说明：人员类别填代码 1-独居 2-空巢 3-孤寡 4-失能，多项用逗号分隔。状态填在册或死亡"], header, *rows])


def test_codes_explained_in_a_note_above_the_table_are_read_as_their_words(one_load):
    # every coded row warned 未知的特殊困难类别: 1, 未计入, and its elder counted in no category
    balanced(one_load[1]["codes explained above"], 3)
    assert loaded(one_load, "codes explained above", "categories") == [(["独居"],), (["失能", "空巢"],), (["孤寡"],)]
    assert warnings(one_load, "codes explained above") == []


@loads.file("codes explained in a sheet of codes")
def _codes_explained_in_a_sheet_of_codes(folder: Path) -> Path:
    # the roster's sheet writes codes; a sheet beside it, with no header of people, gives them a row each
    header = ["序号", "社区", "姓名", "身份证号", "人员类别", "是否同意探访"]
    rows = [[n, "昆明路", f"代码表{n}", elder(800 + n), code, "1"] for n, code in enumerate(["1", "2、3", "4", "3"])]
    return write_workbook(folder / "昆明路底册_代码另表.xlsx", {
        "底册": [["填报日期：2026年10月9日"], header, *rows],
        "代码说明": [["人员类别代码", "含义"], ["1", "独居"], ["2", "空巢"], ["3", "失能"], ["4", "孤寡"], [],
                  ["是否同意探访", "1 同意", "0 不同意"]]})


@loads.file("codes explained in the instructions")
def _codes_explained_in_the_instructions(folder: Path) -> Path:
    # a template's 填表说明 sheet, a sentence for each column; 人员类别 is said once before its legend
    header = ["序号", "社区", "姓名", "身份证号", "人员类别", "状态"]
    rows = [[n, "西宁道", f"说明表{n}", elder(810 + n), code, "在册"] for n, code in enumerate(["2", "1,4", "3"])]
    return write_workbook(folder / "西宁道底册_填表说明.xlsx", {
        "填表说明": [["填表说明"], ["1. 人员类别必填, 可多选。"],
                 ["2. 人员类别：1-孤寡，2-独居，3-空巢，4-失能；多项用逗号分隔。状态：1-在册，2-死亡。"]],
        "底册": [["填报日期：2026年10月9日"], header, *rows]})


def test_codes_explained_in_another_sheet_of_the_workbook_are_read_as_their_words(one_load):
    # every coded row had warned 未知的特殊困难类别 and counted in no category: the whole street's denominators empty
    balanced(one_load[1]["codes explained in a sheet of codes"], 4)
    assert loaded(one_load, "codes explained in a sheet of codes", "categories, consent") == [
        (["独居"], "同意"), (["失能", "空巢"], "同意"), (["孤寡"], "同意"), (["失能"], "同意")]
    balanced(one_load[1]["codes explained in the instructions"], 3)
    assert loaded(one_load, "codes explained in the instructions", "categories, status") == [
        (["独居"], "在册"), (["失能", "孤寡"], "在册"), (["空巢"], "在册")]
    for key in ("codes explained in a sheet of codes", "codes explained in the instructions"):
        assert not [message for _, message in warnings(one_load, key) if "未知" in message]
    # the sheet of codes is said to be one, not a list of people without a header
    said = (None, "工作表 代码说明 是代码说明, 不是人员名单, 未作为名单导入; "
                  "其中的代码说明已用于读取 人员类别、是否同意探访 列")
    assert said in warnings(one_load, "codes explained in a sheet of codes")


def _ledger(path: Path, said: str, first: int) -> openpyxl.Workbook:
    """A community's roster kept in Excel, four elders 在册 (named `said` 1 to 4), opened to be formatted."""
    header = ["序号", "社区", "姓名", "身份证号", "人员类别", "状态"]
    rows = [[n, "世昌里", f"{said}{n}", elder(first + n), "独居", "在册"] for n in range(1, 5)]
    return openpyxl.load_workbook(write_workbook(path, {"底册": [["填报日期：2026年10月9日"], header, *rows]}))


@loads.file("rows struck through")
def _rows_struck_through(folder: Path) -> Path:
    # a ledger kept in Excel: two elders crossed off with 删除线 rather than deleted, a third with only the name struck
    path = folder / "世昌里底册_删除线.xlsx"
    workbook = _ledger(path, "划线", 820)
    sheet = workbook.active
    for row in (3, 5):  # 划线1, 划线3
        for cell in sheet[row]:
            cell.font = Font(strike=True)
    sheet["C4"].font = Font(strike=True)  # 划线2's name alone
    workbook.save(path)
    return path


def _xls_ledger(path: Path, names: str, first: int, style=lambda r, c: None, hidden: tuple[int, ...] = ()) -> Path:
    """A ledger kept as an .xls (Excel 97-2003, as WPS still saves by default for some streets): `style(r, c)` a
    cell's xlwt style (None: the default), the rows `hidden` (from 0) hidden."""
    import xlwt

    header = ["序号", "社区", "姓名", "身份证号", "人员类别", "状态"]
    rows = [[n, "世昌里", f"{names}{n}", elder(first + n), "独居", "在册"] for n in range(1, 5)]
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("底册")
    for r, row in enumerate([["填报日期：2026年10月9日"], header, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value, style(r, c) or xlwt.Style.default_style)
    for r in hidden:
        sheet.row(r).hidden = True
    workbook.save(str(path))
    return path


@loads.file("rows struck through in a legacy .xls")
def _rows_struck_through_xls(folder: Path) -> Path:
    # the same ledger kept as an .xls: 旧表划线1 and 旧表划线3 struck through whole, 旧表划线2's name alone
    import xlwt

    struck = xlwt.easyxf("font: struck_out on")
    return _xls_ledger(folder / "世昌里底册_删除线.xls", "旧表划线", 830,
                       lambda r, c: struck if r in (2, 4) or (r == 3 and c == 2) else None)


@pytest.mark.parametrize("key", ["rows struck through", "rows struck through in a legacy .xls"])
def test_rows_struck_through_load_as_written_and_the_street_is_asked_to_write_the_exit(one_load, key):
    # a format is not a status (nothing guessed): they stay 在册, and the clerk is told which rows to write up
    balanced(one_load[1][key], 4)
    assert [status for _, status in loaded(one_load, key, "elder_name, status")] == ["在册"] * 4
    assert warnings(one_load, key) == [
        (None, "第 3、5 行整行划了删除线, 仍按表中所写导入: "
               "如这些老人已不在册, 请在状态一栏写明 (如死亡、迁出) 和变动日期后重新导入")]


@loads.file("rows hidden")
def _rows_hidden(folder: Path) -> Path:
    # review 6 finding 12: two elders who left hidden rather than deleted (右键 > 隐藏), loaded as 在册 without a word
    path = folder / "世昌里底册_隐藏行.xlsx"
    workbook = _ledger(path, "隐藏", 840)
    for row in (4, 6):  # 隐藏2, 隐藏4
        workbook.active.row_dimensions[row].hidden = True
    workbook.save(path)
    return path


@loads.file("rows hidden in a legacy .xls")
def _rows_hidden_xls(folder: Path) -> Path:
    # the same saved as .xls (review 17 L2: loaded without the note, the only sign of the two who left): 旧表隐藏2 and
    # 旧表隐藏4 hidden
    return _xls_ledger(folder / "世昌里底册_隐藏行.xls", "旧表隐藏", 850, hidden=(3, 5))


@pytest.mark.parametrize("key", ["rows hidden", "rows hidden in a legacy .xls"])
def test_rows_hidden_load_as_written_and_the_street_is_asked_to_write_the_exit(one_load, key):
    balanced(one_load[1][key], 4)
    assert [status for _, status in loaded(one_load, key, "elder_name, status")] == ["在册"] * 4
    assert warnings(one_load, key) == [
        (None, "第 4、6 行在 Excel 中被隐藏, 仍按表中所写导入: "
               "如这些老人已不在册, 请在状态一栏写明 (如死亡、迁出) 和变动日期后重新导入")]


@loads.file("where registered and where living")
def _where_registered_and_where_living(folder: Path) -> Path:
    # 户籍地 before 居住地, each by street and community: the elders were placed where they are registered
    header = ["序号", "姓名", "身份证号", "户籍地街道", "户籍地社区", "居住地街道", "居住地社区", "老年人类别",
              "是否自愿", "能力等级"]
    rows = [[1, "居住一", elder(510), "小白楼街道", "泰安道社区", "劝业场街道", "滨西社区", "独居", "是", "0级"],
            [2, "居住二", elder(511), "小白楼街道", "泰安道社区", "劝业场街道", "滨西社区", "失能", "否", "4级"]]
    return write_csv(folder / "滨西底册_户籍地居住地.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_a_roster_places_its_elders_where_they_live_and_reads_consent_asked_as_是否自愿(one_load):
    # 是否自愿 was left unread (a 否 stayed in the denominators), 能力等级 0级 … 4级 (GB/T 42195) warned as unknown
    balanced(one_load[1]["where registered and where living"], 2)
    assert loaded(one_load, "where registered and where living", "community_code, consent, disability") == [
        ("120101001002", "同意", "自理"), ("120101001002", "不同意", "失能")]


@loads.file("a roster spelt otherwise")
def _a_roster_spelt_otherwise(folder: Path) -> Path:
    # 居住类型 before 人员分类 (it was taken for the categories, the categories dropped as a repeat); 人员变动 (taken
    # for the change date) and 离世; 注销时间; 不需要 as consent; 纯老家庭 and 特扶 as categories
    header = ["序号", "社区", "姓名", "身份证号", "居住类型", "人员分类", "人员变动", "注销时间", "是否同意探访"]
    rows = [[1, "兆丰路", "拼写一", elder(530), "与配偶同住", "纯老家庭", "在册", "", "同意"],
            [2, "兆丰路", "拼写二", elder(531), "独居", "特扶", "离世", "2026-09-12", "同意"],
            [3, "兆丰路", "拼写三", elder(532), "独居", "独居", "在册", "", "不需要"]]
    return write_csv(folder / "兆丰路底册_其他写法.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_a_roster_spelt_otherwise_reads_the_same(one_load):
    balanced(one_load[1]["a roster spelt otherwise"], 3)
    assert loaded(one_load, "a roster spelt otherwise", "categories, living, status, change_date, consent") == [
        (["空巢"], "空巢", "在册", None, "同意"),
        (["计生特殊家庭"], "独居", "死亡", dt.date(2026, 9, 12), "同意"),
        (["独居"], "独居", "在册", None, "不同意")]


def test_an_elder_on_two_streets_rosters_is_found_on_their_row_of_their_sheet_only(tmp_path):
    # a workbook of a sheet per community numbers each sheet's rows from its own top: the 跨街道重复 finding of row 4
    # of 花园路's sheet had been listed for row 4 of 滨西's too, another elder
    # (and an elder the street's roster reports gone, 迁出, to the street that lists them now is on one roster only)
    sheet = [["填报日期：2026年10月1日"], ["序号", "姓名", "身份证号", "特殊困难类别", "状态", "变动日期"]]
    street = write_workbook(tmp_path / "劝业场底册.xlsx", {
        "花园路": [*sheet, [1, "两表一", elder(540), "独居", "在册"], [2, "两表二", elder(541), "独居", "在册"]],
        "滨西": [*sheet, [1, "两表三", elder(542), "独居", "在册"], [2, "两表四", elder(543), "独居", "在册"],
                 [3, "两表五", elder(544), "独居", "迁出", "2026-09-15"]]})
    other = write_csv(tmp_path / "小白楼底册.csv", [["填报日期：2026年10月2日"],
                                                   ["序号", "社区", "姓名", "身份证号", "特殊困难类别"],
                                                   [1, "泰安道", "两表二", elder(541), "独居"],
                                                   [2, "泰安道", "两表五", elder(544), "独居"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    assert [r.status for r in warehouse.ingest(street, other)] == ["loaded", "loaded"]
    found = warehouse.rows("select community_code, id_number_masked, row_number from roster_findings order by all")
    masked = elder(541)[:4] + "*" * 10 + elder(541)[-4:]
    assert found == [("120101001001", masked, 4), ("120101002002", masked, 3)]


def test_a_rejected_row_of_an_elder_the_roster_in_force_lists_says_they_would_leave(tmp_path):
    # a mistyped ID number rejected the row, and the new roster then took the elder off the list as 去向未说明, the
    # clerk told only 拒收 1 行
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别"]
    september = write_csv(tmp_path / "兆丰路底册9月.csv", [["填报日期：2026年9月30日"], header,
                                                         [1, "兆丰路", "王秀英", elder(550), "独居"],
                                                         [2, "兆丰路", "李桂兰", elder(551), "独居"]])
    october = write_csv(tmp_path / "兆丰路底册10月.csv", [["填报日期：2026年10月31日"], header,
                                                       [1, "兆丰路", "王秀英", elder(550)[:-1] + "0", "独居"],
                                                       [2, "兆丰路", "李桂兰", elder(551), "独居"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [first] = warehouse.ingest(september)
    assert first.status == "loaded" and warnings((warehouse, {"9": first}), "9") == []
    [second] = warehouse.ingest(october)
    assert (second.rows_loaded, second.rows_rejected) == (1, 1)
    assert warnings((warehouse, {"10": second}), "10") == [
        (None, "第 3 行被拒收, 而现行底册中有同名的人: 不改正的话, 此人将按去向未说明计为退出")]
    # both months in one command: the roster loaded first is in force for the second (probe L: no hint), and the
    # command says so beside its roster alerts (it printed only 拒收 1 行)
    answer = run_cli("ingest", str(september), str(october), "--db", str(tmp_path / "one-command.duckdb"))
    assert answer.returncode == 0
    hint = "兆丰路底册10月.csv: 第 3 行被拒收, 而现行底册中有同名的人: 不改正的话, 此人将按去向未说明计为退出"
    assert f"请注意: {hint}" in answer.stderr
    # the Data page's 导入提醒 says it while the row waits, not once a newer roster replaced October's (its row then
    # 无需修改: review 23, the page had said both)
    assert hint in warehouse.rows("select string_agg(message, '|') from load_alerts")[0][0]
    november = write_csv(tmp_path / "兆丰路底册11月.csv", [["填报日期：2026年11月30日"], header,
                                                        [1, "兆丰路", "王秀英", elder(550), "独居"],
                                                        [2, "兆丰路", "李桂兰", elder(551), "独居"]])
    assert [r.status for r in warehouse.ingest(november)] == ["loaded"]
    assert "不改正的话" not in (warehouse.rows("select string_agg(message, '|') from load_alerts")[0][0] or "")
    assert warehouse.rows("select status from rejected_rows") == [("superseded",)]


def test_an_exit_dated_after_the_roster_s_own_date_is_pointed_out(tmp_path):
    # a list of 11-15 writes 死亡 2026-12-03: most likely a mistyped day; counted as written, the elder stayed on the
    # list for the rest of November without a word (review 2026-12-04)
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "在册状态", "变动日期"]
    november = write_csv(tmp_path / "兆丰路底册.csv", [["填报日期：2026年11月15日"], header,
                                                    [1, "兆丰路", "王秀英", elder(560), "独居", "死亡", "2026-12-03"],
                                                    [2, "兆丰路", "李桂兰", elder(561), "独居", "迁出", "2026-11-10"],
                                                    [3, "兆丰路", "张凤英", elder(562), "独居", "在册", ""]])
    # a list dated by its month (the 1st) is that month's: its exits later in the month are as expected
    october = write_csv(tmp_path / "花园路底册2026年10月.csv", [header, [1, "花园路", "赵玉兰", elder(563), "独居",
                                                                    "死亡", "2026-10-20"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [dated, by_month] = warehouse.ingest(november, october)
    said = "第 3 行的变动日期晚于本底册的填报日期 2026-11-15: 按所填日期计为离开, 在此之前仍计入, 请核对日期"
    assert warnings((warehouse, {"11": dated}), "11") == [(None, said)]
    assert warnings((warehouse, {"10": by_month}), "10") == []
    answer = run_cli("ingest", str(november), "--db", str(tmp_path / "one-command.duckdb"))
    assert answer.returncode == 0 and f"请注意: 兆丰路底册.csv: {said}" in answer.stderr


def test_a_registration_dated_after_the_roster_s_own_date_is_pointed_out(tmp_path):
    # 建档日期 2062-10-05 typed for 2026-10-05: counted as written, the living elder was off the roster, out of every
    # figure, without a word (review 2026-12-04, round 6)
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "建档日期"]
    roster = write_csv(tmp_path / "兆丰路底册.csv", [["填报日期：2026年10月31日"], header,
                                                  [1, "兆丰路", "王秀英", elder(565), "独居", "2062-10-05"],
                                                  [2, "兆丰路", "李桂兰", elder(566), "独居", "2026-10-05"]])
    answer = run_cli("ingest", str(roster), "--db", str(tmp_path / "w.duckdb"))
    said = ("第 3 行的建档日期晚于本底册的填报日期 2026-10-31: 在此之前不计入本底册的人数和各项比率, 请核对日期")
    assert answer.returncode == 0 and f"请注意: 兆丰路底册.csv: {said}" in answer.stderr


def test_a_visit_naming_someone_else_beside_a_roster_elder_s_id_number_is_pointed_out(tmp_path):
    # the ID typed from a neighbour's line: the visit counted to the ID's elder without a word, and the elder visited
    # went without it (review 2026-12-04)
    header = ["社区", "姓名", "身份证号", "特殊困难类别"]
    roster = write_csv(tmp_path / "花园路底册.csv", [["填报日期：2026年10月1日"], header,
                                                   ["花园路", "王秀英", elder(580), "独居"],
                                                   ["花园路", "李桂兰", elder(581), "独居"]])
    visits = write_csv(tmp_path / "花园路探访记录.csv", [
        ["姓名", "身份证号", "社区", "探访日期", "探访方式"],
        ["王秀英", elder(580), "花园路", "2026-10-05", "上门"], ["李桂兰", elder(580), "花园路", "2026-10-06", "上门"],
        ["王 秀英", elder(580), "花园路", "2026-10-07", "上门"],  # the same name, spaced
        ["赵玉兰", elder(582), "花园路", "2026-10-07", "上门"],  # on no roster: an unlinked visit, said elsewhere
        # a couple on the elder's row with her ID number (review 6, finding 10): neither name is wrong
        ["王秀英夫妇", elder(580), "花园路", "2026-10-08", "上门"],
        ["王秀英、张明", elder(580), "花园路", "2026-10-09", "上门"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    results = warehouse.ingest(roster, visits)
    said = "第 3 行的姓名与底册中该身份证号的老人姓名不同: 按身份证号计为该老人的探访, 请核对是身份证号还是姓名写错"
    couple = ("第 6、7 行的姓名写的是两位老人 (如夫妻二人), 只有一个身份证号: 按身份证号计为该老人的探访, 另一位请另写"
              "一行 (写明其身份证号)")
    assert sorted(warnings((warehouse, {"visits": results[1]}), "visits")) == [(None, said), (None, couple)]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:  # said after the load, by the command line and the 导入 page
        # (and the visit of someone on no roster, as the file's alert of its own: review 11b H1)
        unlinked = ("第 5 行的老人在底册中找不到 (底册中无此人): 这些探访暂不计入任何人, 请核对身份证号和姓名, "
                    "或补报有这些老人的底册")
        assert sorted(metrics.alerts_after(con, results)) == sorted(
            f"花园路探访记录.csv: {message}" for message in (said, couple, unlinked))
    finally:
        con.close()


def test_an_address_typed_in_the_community_column_is_not_quoted_in_full(tmp_path):
    # review 2026-12-04: 未知社区: 和平区花园路社区 解放南路123号3门201 was stored and printed by `carevisit rejects`
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别"]
    roster = write_csv(tmp_path / "花园路底册.csv", [
        ["填报日期：2026年10月31日"], header,
        [1, "和平区花园路社区 解放南路123号3门201", "钱玉兰", elder(570), "独居"],
        [2, "新华里", "孙凤英", elder(571), "独居"], [3, "花园路", "李淑珍", elder(572), "独居"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.rows_loaded, result.rows_rejected) == (1, 2)
    reasons = warehouse.rows("select reason, raw_values from rejects order by row_number")
    assert [reason for reason, _ in reasons] == ["未知社区: 和平区花园路**** (最接近: 花园路)",
                                                 "未知社区: 新华里 (最接近: 卫华里)"]
    # a file none of whose places are known is refused, naming a few: not the address either
    alone = write_csv(tmp_path / "底册.csv", [header, [1, "和平区睦南道12号", "钱玉兰", elder(570), "独居"]])
    [refused] = warehouse.ingest(alone)
    assert refused.status == "failed" and "(如 和平区睦南道****)" in refused.message
    answer = run_cli("rejects", "--db", str(tmp_path / "warehouse.duckdb"), "--format", "csv")
    assert answer.returncode == 0 and "和平区花园路****" in answer.stdout
    assert "123" not in answer.stdout + "".join(reason for reason, _ in reasons)  # (the stored cells are as sent)


def test_a_csv_row_shifted_by_a_comma_in_a_cell_is_rejected_not_misread(tmp_path):
    # review 2026-12-04: 和平区南京路12号,3门201 without quotes moved every cell after it a column to the right: the
    # elder loaded with 3门201 as category, 独居 as consent, and left every denominator
    header = "序号,社区,姓名,身份证号,家庭住址,特殊困难类别,是否同意探访,在册状态,备注"
    rows = [f"{n},花园路,老人{n},{elder(580 + n)},{'南京路12号,3门201' if n == 3 else '南京路12号'},独居,同意,在册,无"
            for n in range(1, 7)]
    roster = tmp_path / "花园路底册.csv"
    roster.write_text("\n".join(["填报日期：2026年9月30日", header, *rows]) + "\n", encoding="utf-8")
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.rows_loaded, result.rows_rejected) == (5, 1)
    [(row, reason)] = warehouse.rows("select row_number, reason from rejects")
    assert row == 5 and reason.startswith("本行比表头多出几格, 其后各列错位")
    assert warehouse.rows("select count(*) from roster_rows where list_contains(categories, '独居')") == [(5,)]
    assert warnings((warehouse, {"r": result}), "r") == []  # nothing misread is said of the loaded rows
    # a column without a header on most rows is no shift: its cells are left out, said once (extra_cells)
    roster.write_text("\n".join(["填报日期：2026年9月30日", header, *(f"{r},多写一格" for r in rows)]) + "\n",
                      encoding="utf-8")
    unheaded_warehouse = Warehouse(tmp_path / "w2.duckdb")
    [unheaded] = unheaded_warehouse.ingest(roster)
    assert (unheaded.rows_loaded, unheaded.rows_rejected) == (5, 1)  # the one shifted row still
    assert warnings((unheaded_warehouse, {"u": unheaded}), "u") == [
        (None, "第 3、4、6、7、8 行在表头以外的列 (J 列) 中还有内容, 未导入: 如是备注或状态, "
               "请给这一列加上表头 (如 备注) 后重新导入")]


def test_a_csv_row_with_a_note_past_its_last_column_loads_and_warns_as_a_workbooks_does(tmp_path):
    # probe 28 M3: every cell of row 7 in its column, then 备注：子女在外地,多余 past the last: rejected as shifted, its
    # elder out of every count, where the same row of a workbook loaded with a warning
    header = "序号,社区,姓名,身份证号,家庭住址,特殊困难类别,是否同意探访,在册状态"
    rows = [f"{n},花园路,老人{n},{elder(600 + n)},南京路{n}号,{'孤寡' if n % 2 else '独居'},同意,在册"
            for n in range(1, 7)]
    rows[4] += ",备注：子女在外地,多余"
    roster = tmp_path / "花园路底册.csv"
    roster.write_text("\n".join(["填报日期：2026年9月30日", header, *rows]) + "\n", encoding="utf-8")
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.rows_loaded, result.rows_rejected) == (6, 0)
    assert warehouse.rows("select categories from roster_rows where row_number = 7") == [(["孤寡"],)]
    assert warnings((warehouse, {"r": result}), "r") == [
        (None, "第 7 行在表头以外的列 (I、J 列) 中还有内容, 未导入: 如是备注或状态, "
               "请给这一列加上表头 (如 备注) 后重新导入")]
    # … and a visit record's the same
    visits = tmp_path / "花园路探访.csv"
    lines = [f"{elder(600 + n)},老人{n},花园路,2026-10-0{n},入户,正常,网格员甲" for n in range(1, 7)]
    lines[2] += ",老人说最近血压高,已提醒"
    visits.write_text("\n".join(["身份证号,老人姓名,社区,探访日期,探访方式,探访结果,探访人", *lines]) + "\n",
                      encoding="utf-8")
    [loaded] = warehouse.ingest(visits)
    assert (loaded.rows_loaded, loaded.rows_rejected) == (6, 0)


def test_a_roster_without_a_category_column_says_so_after_its_load(tmp_path):
    # review 2026-12-04: the same people under 特殊困难情况 had loaded without a category, 独居日联系率 and 失能帮扶率
    # gone, the file said 已导入 with one warning of an unknown column
    rows = [[1, "花园路", "王秀英", elder(590), "独居"], [2, "花园路", "李桂兰", elder(591), "失能"]]
    named = write_csv(tmp_path / "花园路底册.csv", [["填报日期：2026年10月31日"],
                                                  ["序号", "社区", "姓名", "身份证号", "特殊困难情况"], *rows])
    unnamed = write_csv(tmp_path / "滨西底册.csv", [["填报日期：2026年10月31日"],
                                                 ["序号", "社区", "姓名", "身份证号", "家庭住址", "帮扶对象分组"],
                                                 *([n, "滨西", name, elder(592 + n), "南京路1号", c]
                                                   for n, _, name, _, c in rows)])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [first, second] = warehouse.ingest(named, unnamed)
    assert warehouse.rows("select categories from roster_rows where load_id = ? order by row_number",
                          [first.load_id]) == [(["独居"],), (["失能"],)]
    assert warnings((warehouse, {"a": first}), "a") == []
    assert (None, NO_CATEGORY_COLUMN.format(age=80)) in warnings((warehouse, {"b": second}), "b")
    answer = run_cli("ingest", str(unnamed), "--db", str(tmp_path / "one-command.duckdb"))
    assert answer.returncode == 0 and f"请注意: 滨西底册.csv: {NO_CATEGORY_COLUMN.format(age=80)}" in answer.stderr


def test_a_roster_row_that_says_two_things_at_once_is_read_and_pointed_out(tmp_path):
    # review 2026-12-04: consent 本人拒绝上门，同意电话 was read as 不同意 without a word; 高龄 written for a
    # 71-year-old dropped without a word; a phone typed after the name was stored in it (its visits linked to nobody)
    header = ["序号", "社区", "姓名", "身份证号", "特殊困难类别", "是否同意探访"]
    seventy_one = make_id("19550101", 620)
    roster = write_csv(tmp_path / "花园路底册.csv", [
        ["填报日期：2026年10月31日"], header,
        [1, "花园路", "王秀英", elder(621), "独居", "本人拒绝上门，同意电话"],
        [2, "花园路", "李桂兰", seventy_one, "空巢、高龄", "同意"],
        [3, "花园路", "张淑珍 13812345678", elder(622), "独居", "同意"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [result] = warehouse.ingest(roster)
    balanced(result, 3)
    assert warnings((warehouse, {"r": result}), "r") == [
        (3, "探访意愿中既有同意又有不同意: 本人拒绝上门，同意电话, 按不同意计 (不计入应探访人数), 请核实后只填一种"),
        (4, "类别中写了高龄, 但按身份证号此人现年 71 岁, 不满 80 岁: 高龄按身份证号计, 请核对")]
    assert warehouse.rows("select elder_name, consent from roster_rows order by row_number") == [
        ("王秀英", "不同意"), ("李桂兰", "同意"), ("张淑珍", "同意")]


def test_a_visit_whose_name_cell_holds_the_elders_id_and_phone_links_by_the_name(tmp_path):
    # review 17 L5: 周淑华，身份证…，电话… typed in the name's cell of a visit without an ID number: its name was
    # the whole text, and the visit linked nobody (底册中无此人)
    roster = write_csv(tmp_path / "花园路底册.csv", [["填报日期：2026年10月31日"],
                                                  ["序号", "社区", "姓名", "身份证号", "特殊困难类别"],
                                                  [1, "花园路", "周淑华", elder(630), "独居"]])
    visits = write_csv(tmp_path / "花园路探访.csv", [
        ["社区", "姓名", "身份证号", "探访日期", "探访方式"],
        ["花园路", f"周淑华，身份证{elder(630)}，电话13900000004", "", "2026-10-20", "上门"]])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [_, result] = warehouse.ingest(roster, visits)
    balanced(result, 1)
    assert warehouse.rows("select elder_id from visits") == [(elder(630),)]
    assert warehouse.rows("select elder_name from visit_rows") == [("周淑华",)]


@loads.file("apostrophes in the header")
def _apostrophes_in_the_header(folder: Path) -> Path:
    header = ["'序号", "'社区", "'姓名", "'身份证号码", "'人员类别", "'能力评估等级"]
    rows = [[f"'{n}", "'滨西", f"'撇号{n}", f"'{elder(180 + n)}", "'独居", f"'{level}"]
            for n, level in enumerate(["重度失能", "能力完好"])]
    return write_csv(folder / "滨西底册_撇号.csv", [["填报日期：2026年10月1日"], header, *rows])


def test_a_header_whose_cells_keep_excels_apostrophe_is_found(one_load):
    # every cell written '…, as a system's export keeps Excel from reading them: no header was found in 30 rows; and
    # 能力评估等级, an assessment's disability level, was left unread
    balanced(one_load[1]["apostrophes in the header"], 2)
    assert loaded(one_load, "apostrophes in the header", "id_number, categories, disability") == [
        (elder(180), ["独居"], "失能"), (elder(181), ["独居"], "自理")]


@pytest.mark.parametrize(("title", "dated"), [("劝业场街道居家老年人情况底册", dt.date(2026, 10, 27)),
                                             ("劝业场街道2026年10月底册", dt.date(2026, 10, 27)),
                                             ("底册（填报日期：2026年10月29日）", dt.date(2026, 10, 29))])
def test_a_rosters_filling_date_below_its_table_dates_its_snapshot(one_load, title, dated):
    # the snapshot was dated the day of the load (or the 1st of the title's month): the elders it leaves out would
    # leave on that day (DESIGN §4); a date labelled above the table still comes first
    result = one_load[1][f"footer date: {title}"]
    balanced(result, 2)
    assert one_load[0].rows("select report_date from loads where load_id = ?", [result.load_id]) == [(dated,)]


def _footer_dated(title: str, first: int):
    def write(folder: Path) -> Path:
        header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别"]
        rows = [[n, "劝业场街道", "花园路", f"页脚{first + n}", elder(first + n), "独居"] for n in (1, 2)]
        footer = [["填表人：王丽", None, "审核人：张强", None, "填报日期：2026年10月27日"]]
        return write_csv(folder / f"底册_页脚日期_{first}.csv", [[title], header, *rows, [], *footer])
    return write


for _first, _title in ((100, "劝业场街道居家老年人情况底册"), (103, "劝业场街道2026年10月底册"),
                       (106, "底册（填报日期：2026年10月29日）")):
    loads.file(f"footer date: {_title}")(_footer_dated(_title, _first))


@pytest.mark.parametrize("asked", ["是否愿意接受探访", "是否接受探访"])
def test_consent_asked_as_willing_or_accepting_is_read(one_load, asked):
    key = f"consent {asked}"
    assert loaded(one_load, key, "consent") == [("同意",), ("不同意",), ("不同意",)]
    assert warnings(one_load, key) == []


def _consent_roster(asked: str, first: int):
    def write(folder: Path) -> Path:
        header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别", asked]
        rows = [["劝业场街道", "花园路", f"意愿{n}", elder(first + n), "独居", said]
                for n, said in enumerate(["是", "否", "拒绝"])]
        return write_csv(folder / f"底册_{asked}.csv", [["填报日期：2026年10月1日"], header, *rows])
    return write


for _first, _asked in ((50, "是否愿意接受探访"), (60, "是否接受探访")):
    loads.file(f"consent {_asked}")(_consent_roster(_asked, _first))


# --- online form exports (问卷星, 腾讯问卷, 金数据) -------------------------------------------------------------
# A street that collects its visits by a form on the visitors' phones sends the form's export: each question
# numbered (1、被探访老人姓名), the form's own columns around them (提交答卷时间, 所用时间, 来源, 来自IP, 总分), and
# the submission time as the only time when the form asks for no date.

FORM_COLUMNS = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def _form_row(n: int, submitted: str) -> list:
    return [n, submitted, "125秒", "微信", "N/A", f"123.150.12.{n}(天津-天津)"]


@loads.file("questionnaire visits")
def _questionnaire_visits(folder: Path) -> Path:
    header = [*FORM_COLUMNS, "1、被探访老人姓名", "2、老人身份证号码", "3、所属社区", "4、探访方式", "5、探访日期",
              "6、老人身体状况", "7、是否存在安全隐患", "8、探访人姓名", "总分"]
    rows = [[*_form_row(1, "2026/10/09 21:10:03"), "问卷甲", elder(701), "花园路社区", "上门探访", "2026-10-08", "良好",
             "否", "网格员丙", 0],
            [*_form_row(2, "2026/10/09 21:12:40"), "问卷乙", elder(702), "花园路社区", "电话联系", "2026-10-09", "较差",
             "是", "网格员丙", 0]]
    return write_xlsx(folder / "问卷星_探访记录_第3周.xlsx", [header, *rows])


def test_a_questionnaires_numbered_questions_are_read_as_their_columns(one_load):
    # 1、被探访老人姓名 had been read as the visitor (访…人), the real 8、探访人姓名 dropped as a repeat
    result = one_load[1]["questionnaire visits"]
    balanced(result, 2)
    assert loaded(one_load, "questionnaire visits", "id_number, elder_name, visit_date, method, outcome, findings, "
                                                    "visitor_name") == [
        (elder(701), "问卷甲", dt.date(2026, 10, 8), "上门", "正常", "良好", "网格员丙"),
        (elder(702), "问卷乙", dt.date(2026, 10, 9), "电话", "发现问题", "较差", "网格员丙")]
    # the form's own columns are no column of the record's: nothing to warn about
    assert warnings(one_load, "questionnaire visits") == []


@loads.file("questionnaire without a date")
def _questionnaire_without_a_date(folder: Path) -> Path:
    header = [*FORM_COLUMNS, "1、老人姓名", "2、身份证号", "3、社区", "4、探访方式"]
    rows = [[*_form_row(1, "2026/10/12 10:31:05"), "问卷丙", elder(703), "花园路社区", "上门探访"],
            [*_form_row(2, "2026/10/13 16:02:59"), "问卷丁", elder(704), "花园路社区", "视频通话"]]
    return write_xlsx(folder / "问卷星_入户探访登记.xlsx", [header, *rows])


def test_a_form_that_asks_no_date_is_dated_when_it_was_sent_and_says_so(one_load):
    # refused before: 缺少必需的列: 探访日期
    result = one_load[1]["questionnaire without a date"]
    balanced(result, 2)
    assert loaded(one_load, "questionnaire without a date", "visit_at, visit_date, method, entered_at") == [
        (dt.datetime(2026, 10, 12, 10, 31, 5), dt.date(2026, 10, 12), "上门", dt.datetime(2026, 10, 12, 10, 31, 5)),
        (dt.datetime(2026, 10, 13, 16, 2, 59), dt.date(2026, 10, 13), "视频", dt.datetime(2026, 10, 13, 16, 2, 59))]
    assert warnings(one_load, "questionnaire without a date") == [
        (None, "没有探访日期列, 探访日期取自 提交答卷时间 列 (在线表单提交的时间): 如不是当场填写, 请补上探访日期列")]
    # a warning about the whole file is its street's, where its rows are all of one (the 数据 page counts per street)
    assert one_load[0].rows("select street_code from load_warnings where load_id = ?", [result.load_id]) == [
        ("120101001000",)]


@loads.file("form with its sender")
def _form_with_its_sender(folder: Path) -> Path:
    # 金数据: the question's answers first, then who sent the form from what, and when
    header = ["序号", "老人姓名", "身份证号", "所属社区", "走访方式", "走访日期", "走访情况", "提交人", "填写设备",
              "操作系统", "浏览器", "填写地域", "IP", "提交时间", "修改时间"]
    rows = [[n, f"金数{n}", elder(704 + n), "花园路社区", "入户走访", f"2026-10-{14 + n}", "一切正常", "社工李", "手机",
             "iOS", "微信", "天津市", "1.2.3.4", f"2026-10-{20 + n} 18:00:00", ""] for n in (1, 2)]
    return write_xlsx(folder / "金数据_走访记录.xlsx", [header, *rows])


def test_the_person_who_sent_a_form_is_its_visitor_and_its_date_is_the_visits(one_load):
    assert loaded(one_load, "form with its sender", "visit_date, method, visitor_name, entered_at") == [
        (dt.date(2026, 10, 15), "上门", "社工李", dt.datetime(2026, 10, 21, 18)),
        (dt.date(2026, 10, 16), "上门", "社工李", dt.datetime(2026, 10, 22, 18))]
    assert warnings(one_load, "form with its sender") == []


@loads.file("questionnaire roster")
def _questionnaire_roster(folder: Path) -> Path:
    # a roster collected by a form, several categories ticked in one answer (问卷星 joins them with ┋)
    header = [*FORM_COLUMNS, "1、老人姓名", "2、身份证号码", "3、所属街道", "4、所属社区", "5、居住情况",
              "6、人员类别(多选)", "7、是否同意探访"]
    rows = [[*_form_row(n, f"2026/10/0{n} 09:00:00"), f"采集{n}", elder(710 + n), "劝业场街道", "花园路社区", living,
             categories, "同意"]
            for n, (living, categories) in enumerate([("独居", "独居┋失能"), ("与配偶同住", "空巢┋计生特殊家庭")], 1)]
    return write_xlsx(folder / "问卷星_老人信息采集.xlsx", [header, *rows])


def test_a_roster_collected_by_a_form_loads_with_each_category_ticked(one_load):
    result = one_load[1]["questionnaire roster"]
    assert result.kind == "roster"
    balanced(result, 2)
    assert loaded(one_load, "questionnaire roster", "elder_name, list_sort(categories), living, consent") == [
        ("采集1", ["失能", "独居"], "独居", "同意"), ("采集2", ["空巢", "计生特殊家庭"], "空巢", "同意")]
    assert warnings(one_load, "questionnaire roster") == []


# --- a method cell that tells of several tries --------------------------------------------------------------
# (method cell, outcome cell) -> (method, outcome) stored: the visit is the try that did not fail; the cell fails
# only when every try it names failed (DESIGN §2: 未遇 never counts, and a phone call made is a contact)
TRIES = {
    ("上门未见，电话联系", ""): ("电话", "正常"),  # had counted as a home visit
    ("上门未遇，已电话联系", ""): ("电话", "正常"),  # the call made had been lost
    ("入户走访/电话未接通", ""): ("上门", "正常"),  # the home visit had been lost
    ("电话联系不上，上门看望", ""): ("上门", "正常"),
    ("电话（无人接听）后上门", ""): ("上门", "正常"),
    ("上门未见", ""): ("上门", "未遇"),  # had counted as a home visit
    ("入户（不在家）", ""): ("上门", "未遇"),
    ("电话未接通", ""): ("电话", "未遇"),
    ("上门，老人住院", ""): ("上门", "未遇"),
    ("上门无人", ""): ("上门", "未遇"),  # had counted as a home visit (review 2026-12-04)
    ("敲门未应", ""): ("上门", "未遇"),
    ("上门", "未见到老人，家属说身体正常"): ("上门", "未遇"),  # the elder not seen: no visit of theirs
    ("上门", "正常"): ("上门", "正常"),
    ("上门未遇", "正常"): ("上门", "正常"),  # as written, with a warning (DESIGN §3: nothing guessed)
    # the outcome cell telling of the tries: the call made after nobody was home had been lost (review 2026-12-04)
    ("上门", "老人不在家，已电话联系，情况正常"): ("电话", "正常"),
    ("入户", "未遇；已微信视频，家中有安全隐患"): ("视频", "发现问题"),
    ("电话", "电话未接通，上门看望正常"): ("上门", "正常"),
    ("上门", "老人不在家，下次电话联系"): ("上门", "未遇"),  # a plan, not a call made
}


@loads.file("several tries")
def _several_tries(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果"]
    rows = [[f"尝试{n}", elder(720 + n), "花园路社区", "2026-10-21", method, outcome]
            for n, (method, outcome) in enumerate(TRIES)]
    return write_csv(folder / "探访记录_多次尝试.csv", [header, *rows])


def test_a_method_cell_of_several_tries_is_the_try_that_did_not_fail(one_load):
    balanced(one_load[1]["several tries"], len(TRIES))
    assert loaded(one_load, "several tries", "method, outcome") == list(TRIES.values())
    assert warnings(one_load, "several tries") == [
        (list(TRIES).index(("上门未遇", "正常")) + 2,
         "探访方式写的是「上门未遇」, 探访结果却是正常: 按正常导入, 计为有效探访, 请核实")]


@loads.file("questionnaire with skipped questions")
def _questionnaire_with_skipped_questions(folder: Path) -> Path:
    # 问卷星 writes (跳过) where its logic skipped a question and (空) where nothing was written; a yes/no asked by
    # option number (1 是, 2 否)
    header = [*FORM_COLUMNS, "1、老人姓名", "2、身份证号", "3、探访日期", "4、探访方式", "5、是否发现问题",
              "6、问题描述", "7、是否存在安全隐患"]
    answers = [("否", "(跳过)", "2"), ("否", "(空)", "2"), ("是", "煤气灶老化", "2"), ("(跳过)", "(跳过)", "1")]
    rows = [[*_form_row(n, f"2026/10/1{n} 10:00:00"), f"跳过{n}", elder(740 + n), f"2026-10-1{n}", "上门探访", *said]
            for n, said in enumerate(answers)]
    return write_xlsx(folder / "问卷星_含跳过题.xlsx", [header, *rows])


def test_a_question_the_form_skipped_or_answered_by_a_number_names_no_problem(one_load):
    # (跳过), (空) and 2 (the option 否) had each been read as a problem found: 发现问题 counted and kept open
    assert loaded(one_load, "questionnaire with skipped questions", "outcome") == [
        ("正常",), ("正常",), ("发现问题",), ("正常",)]


@loads.file("a column per option")
def _a_column_per_option(folder: Path) -> list[Path]:
    # a question of several choices exported a column per option: its text where chosen (腾讯问卷), or 1 and 0
    # (问卷星 按序号, -3 where skipped) under the option in brackets
    text = [*FORM_COLUMNS, "1、老人姓名", "2、身份证号", "3、探访日期", "4、探访方式:上门探访", "4、探访方式:电话问候",
            "4、探访方式:视频通话", "5、探访结果"]
    numbers = [*text[:9], "4(上门探访)", "4(电话问候)", "4(视频通话)", "5、探访结果"]
    chosen = [(1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1), (0, 0, 0), (-3, -3, -3)]
    options = ("上门探访", "电话问候", "视频通话")
    as_text = [[*_form_row(n, f"2026/10/2{n} 10:00:00"), f"选项{n}", elder(750 + n), f"2026-10-2{n}",
                *(option if tick == 1 else "" for tick, option in zip(ticks, options, strict=True)), "正常"]
               for n, ticks in enumerate(chosen[:5])]
    as_numbers = [[*_form_row(n, f"2026/10/2{n} 11:00:00"), f"序号{n}", elder(760 + n), f"2026-10-2{n}", *ticks, "正常"]
                  for n, ticks in enumerate(chosen)]
    return [write_xlsx(folder / "腾讯问卷_多选分列.xlsx", [text, *as_text]),
            write_xlsx(folder / "问卷星_按序号_多选分列.xlsx", [numbers, *as_numbers])]


def test_a_question_exported_a_column_per_option_is_read_as_the_options_chosen(one_load):
    # only the first option's column had been read: a row that chose 电话问候 was refused as 探访方式为空, and a file
    # of 4(上门探访) columns as 缺少必需的列: 探访方式
    as_text, as_numbers = one_load[1]["a column per option"]
    balanced(as_text, 5, 1)
    balanced(as_numbers, 6, 2)
    warehouse = one_load[0]
    for result in (as_text, as_numbers):
        assert warehouse.rows("select method from visit_rows where load_id = ? order by row_number",
                              [result.load_id]) == [("上门",), ("电话",), ("上门",), ("视频",)]
        assert {reason for _, reason in warehouse.rejects(result)} == {"探访方式为空"}


@loads.file("chain export")
def _chain_export(folder: Path) -> Path:
    # 接龙管家: who joined the chain and when, the answers after
    header = ["序号", "接龙人", "接龙时间", "老人姓名", "身份证号", "探访方式", "探访结果"]
    rows = [[n, "网格员丁", f"2026-10-2{n} 09:30", f"接龙{n}", elder(770 + n), "上门", "正常"] for n in (1, 2)]
    return write_xlsx(folder / "接龙管家_探访接龙.xlsx", [header, *rows])


def test_a_chain_export_is_dated_when_each_joined_and_by_whom(one_load):
    # refused before: 缺少必需的列: 探访日期
    assert loaded(one_load, "chain export", "visit_date, method, visitor_name") == [
        (dt.date(2026, 10, 21), "上门", "网格员丁"), (dt.date(2026, 10, 22), "上门", "网格员丁")]


CASCADES = ("劝业场街道-花园路社区", "劝业场街道/花园路社区", "天津市-和平区-劝业场街道-花园路社区",
            "和平区/劝业场街道/花园路社区", "劝业场街—花园路社区居委会")


@loads.file("cascaded places")
def _cascaded_places(folder: Path) -> Path:
    # a form's cascade of places in one answer, its levels apart (every row: the file had been refused as naming no
    # known place)
    header = ["序号", "提交者", "提交时间", "老人姓名", "所属社区", "探访日期", "探访方式", "探访结果"]
    rows = [[n, "网格员戊", f"2026-10-2{n} 10:00:00", f"级联{n}", place, f"2026-10-2{n}", "上门", "正常"]
            for n, place in enumerate(CASCADES)]
    return write_xlsx(folder / "腾讯文档收集表_探访.xlsx", [header, *rows])


def test_a_community_written_after_its_street_and_district_apart_is_found(one_load):
    result = one_load[1]["cascaded places"]
    balanced(result, len(CASCADES))
    assert loaded(one_load, "cascaded places", "community_code") == [("120101001001",)] * len(CASCADES)


@loads.file("point in one cell")
def _point_in_one_cell(folder: Path) -> Path:
    # a check-in's point as map apps write it (lng,lat), the other way round, or with its words; and a photo's link
    header = ["打卡人", "打卡时间", "打卡地点", "经纬度", "现场照片", "服务对象", "身份证号", "服务类型"]
    points = ["117.2012,39.1167", "39.1167, 117.2012", "东经117.2012 北纬39.1167", "117.2012，39.1167", "北京路"]
    rows = [["网格员己", f"2026-10-2{n} 10:00", "和平区某路", point, f"https://img.example/{n}.jpg", f"坐标{n}",
             elder(780 + n), "入户"] for n, point in enumerate(points)]
    return write_csv(folder / "打卡记录_含坐标.csv", [header, *rows])


def test_a_point_written_in_one_cell_is_read_as_its_latitude_and_longitude(one_load):
    # each had been dropped with 经纬度无效: the check of home visits far from the address never ran
    assert loaded(one_load, "point in one cell", "latitude, longitude") == [(39.1167, 117.2012)] * 4 + [(None, None)]
    assert warnings(one_load, "point in one cell") == [(6, "经纬度无效, 已忽略")]


@loads.file("sender's department")
def _senders_department(folder: Path) -> Path:
    # 钉钉 智能填表: the sender's department is the only place the form gives (its elders named by name)
    header = ["序号", "提交人", "提交时间", "部门", "老人姓名", "走访日期", "走访方式", "走访结果"]
    rows = [[n, "社区干部庚", f"2026-10-2{n} 15:00", "和平区民政局/劝业场街道/花园路社区居委会", f"部门{n}",
             f"2026-10-2{n}", "入户走访", "正常"] for n in (1, 2)]
    return write_xlsx(folder / "钉钉智能填表_走访.xlsx", [header, *rows])


def test_a_form_placed_only_by_its_senders_department_is_placed_there(one_load):
    # refused before, every row: 缺少身份证号, 且姓名或社区为空
    result = one_load[1]["sender's department"]
    balanced(result, 2)
    assert loaded(one_load, "sender's department", "community_code, visitor_name") == [
        ("120101001001", "社区干部庚")] * 2


@loads.file("options by number")
def _options_by_number(folder: Path) -> Path:
    header = [*FORM_COLUMNS, "1、老人姓名", "2、身份证号", "3、探访日期", "4、探访方式"]
    rows = [[*_form_row(1, "2026/10/27 10:00:00"), "序号甲", elder(790), "2026-10-27", "1"]]
    return write_xlsx(folder / "问卷星_按选项序号.xlsx", [header, *rows])


def test_a_form_exported_by_option_numbers_is_refused_with_how_to_export_it(one_load):
    result = one_load[1]["options by number"]
    balanced(result, 1, 1)
    assert one_load[0].rejects(result) == [(2, "探访方式是数字, 不是文字 (问卷平台请按选项文本导出): 1")]


# --- online forms, round 3: rosters and contact lists ---------------------------------------------------------


@loads.file("numbered contact questions")
def _numbered_contact_questions(folder: Path) -> Path:
    # 金数据: each contact person's name, relation and phone a question of its own, numbered as questions are
    header = ["序号", "第1题：老人姓名", "第2题：身份证号码", "第3题：所在社区", "第4题：联系人1", "第5题：联系人1关系",
              "第6题：联系人1电话", "第7题：联系人2", "第8题：联系人2电话", "第9题：有无钥匙", "填写设备", "提交时间"]
    rows = [[1, "联系甲", elder(600), "福明社区", "联丙", "配偶", "139 1234 5611", "联丁", "+86 13912345612", "无",
             "手机", "2026-10-20 09:00"]]
    return write_xlsx(folder / "金数据_失能老人联系人.xlsx", [header, *rows])


def test_a_forms_numbered_questions_are_no_contact_persons_numbers(one_load):
    # 第4题：联系人1 had been read as contact person 4: one person split into five, none with a name and a phone
    assert loaded(one_load, "numbered contact questions", "contact_index, contact_name, relation, contact_phone") == [
        (1, "联丙", "配偶", "13912345611"), (2, "联丁", None, "13912345612")]


@loads.file("contact form filled by family")
def _contact_form_filled_by_family(folder: Path) -> Path:
    # 企业微信收集表 filled in by the elder's child: the sender is the contact person
    header = ["提交人", "提交时间", "1、老人姓名", "2、老人身份证号", "3、老人所在社区", "4、您与老人的关系",
              "5、您的联系电话", "6、您是否有老人家钥匙"]
    rows = [["家属戊", "2026-10-21 20:00", "联系乙", elder(601), "福明社区", "儿子", "13912345613", "是"]]
    return write_xlsx(folder / "企业微信收集表_失能老人家属登记.xlsx", [header, *rows])


def test_a_contact_form_filled_by_the_family_names_the_sender_as_the_contact(one_load):
    # refused before: 缺少必需的列: 联系人
    assert loaded(one_load, "contact form filled by family", "contact_name, relation, contact_phone, has_key") == [
        ("家属戊", "儿子", "13912345613", "是")]


@loads.file("category options")
def _category_options(folder: Path) -> list[Path]:
    # 腾讯问卷 by option (1 chosen, 0 not, -3 skipped), the option in brackets after a numbered question; and a form
    # with one named option beside 其他
    numbered = ["Q1:老人姓名", "Q2:身份证号", "Q3:所在街道", "Q4:所在社区", "Q5:人员类别(独居)", "Q5:人员类别(失能)",
                "Q5:人员类别(孤寡)", "Q5:人员类别(其他)"]
    other = ["1、老人姓名", "2、身份证号", "3、所在社区", "4、人员类别:独居", "4、人员类别:其他"]
    return [write_xlsx(folder / "腾讯问卷_宁夏路社区底册.xlsx", [
                numbered, ["类别甲", elder(602), "劝业场街道", "宁夏路社区", 1, 1, 0, -3],
                ["类别乙", elder(603), "劝业场街道", "宁夏路社区", 0, 0, 1, 0]]),
            write_xlsx(folder / "问卷星_百货大楼社区底册.xlsx", [
                other, ["类别丙", elder(604), "百货大楼社区", "独居", ""],
                ["类别丁", elder(605), "百货大楼社区", "", "特困"]])]


def test_a_forms_categories_a_column_per_option_are_each_read(one_load):
    # only the first option's column had been read, its 1 taken for a category (未知的特殊困难类别: 1): no category
    numbered, other = one_load[1]["category options"]
    warehouse = one_load[0]
    for result, expected in ((numbered, [["失能", "独居"], ["孤寡"]]), (other, [["独居"], ["特困"]])):
        assert warehouse.rows("select list_sort(categories) from roster_rows where load_id = ? order by row_number",
                              [result.load_id]) == [(categories,) for categories in expected]
        assert warehouse.rows("select message from load_warnings where load_id = ?", [result.load_id]) == []


@loads.file("roster placed by department")
def _roster_placed_by_department(folder: Path) -> Path:
    # 钉钉智能填表: the only place a roster form gives is its sender's 部门
    header = ["提交者", "部门", "提交时间", "老人姓名", "身份证号", "人员类别", "居住情况"]
    rows = [["社工辛", "和平区民政局/劝业场街道/福明社区居委会", "2026-10-02 09:00", f"部门底册{n}", elder(606 + n),
             "独居", "独居"] for n in (1, 2)]
    return write_xlsx(folder / "钉钉智能填表_福明社区底册.xlsx", [header, *rows])


def test_a_roster_form_placed_by_its_senders_department_loads_there(one_load):
    # refused before: 缺少必需的列: 社区
    balanced(one_load[1]["roster placed by department"], 2)
    assert loaded(one_load, "roster placed by department", "community_code") == [("120101001009",)] * 2
    assert warnings(one_load, "roster placed by department") == []


# --- rosters with an exit date column per kind of exit (probe L, 2026-12-02) ---------------------------------


@loads.file("exit date per kind")
def _exit_date_per_kind(folder: Path) -> Path:
    # 死亡日期, 迁出日期 and 入住机构日期 beside each other: the second had been dropped as 重复的列 and the third not
    # read, each exit then dated on the 填报日期 with a warning that no date was written
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "状态", "死亡日期", "迁出日期", "入住机构日期"]
    rows = [["花园路", "分列一", elder(701), "独居", "死亡", "2026-10-08", "", ""],
            ["花园路", "分列二", elder(702), "独居", "迁出", "", "2026-10-20", ""],
            ["花园路", "分列三", elder(703), "独居", "入住养老院", "", "", "2026-10-12"],
            ["花园路", "分列四", elder(704), "独居", "在册", "", "", ""]]
    return write_xlsx(folder / "花园路底册_分列变动日期.xlsx", [["填报日期：2026年10月31日"], header, *rows])


@loads.file("places with a note")
def _places_with_a_note(folder: Path) -> Path:
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    cells = [("劝业场街道", "花园路社区居委会（劝业场街道）"), ("劝业场街道", "花园路（原花园路居委会）"),
             ("劝业场街道（和平区）", "花园路社区（网格3）"), ("劝业场街道", "花园（网格3）")]
    rows = [[street, community, f"括注地名{n}", elder(710 + n), "独居"] for n, (street, community) in enumerate(cells)]
    return write_csv(folder / "花园路底册_地名括注.csv", [["填报日期：2026年10月31日"], header, *rows])


def test_a_place_written_with_a_note_in_brackets_is_that_place(one_load):
    # DESIGN §3 compares names without their notes; each had been rejected as 未知社区 (review 2026-12-04, round 5).
    # A name that is none with its note taken away still is (花园 is no community)
    balanced(one_load[1]["places with a note"], 4, rejected=1)
    assert loaded(one_load, "places with a note", "community_code") == [("120101001001",)] * 3


@loads.file("exits on sheets of their own")
def _exits_on_sheets(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "变动时间"]
    sheets = {"在册人员": [header, ["花园路", "分表在册", elder(715), "独居", ""]],
              "已去世": [header, ["花园路", "分表去世", elder(716), "独居", "2026-10-10"]],
              "迁出人员": [header, ["花园路", "分表迁出", elder(717), "独居", "2026-10-15"]]}
    return write_workbook(folder / "花园路底册_分表减少.xlsx", {name: [["填报日期：2026年10月31日"], *rows]
                                                              for name, rows in sheets.items()})


@loads.file("exit dates without a status")
def _exit_dates_without_a_status(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "死亡日期", "注销日期"]
    rows = [["花园路", "无状态一", elder(718), "独居", "2026-10-10", ""],
            ["花园路", "无状态二", elder(719), "独居", "", "2026-10-12"],
            ["花园路", "无状态三", elder(720), "独居", "", ""]]
    return write_csv(folder / "花园路底册_死亡日期.csv", [["填报日期：2026年10月31日"], header, *rows])


def test_an_exit_said_by_its_sheet_or_its_date_column_without_a_status_is_that_exit(one_load):
    # the people of the sheets 已去世 and 迁出人员, and a 死亡日期 filled where there is no status column, had stayed
    # 在册, in every denominator, without a word; 死亡日期 beside 注销日期 was dropped as 重复的列 (review 2026-12-04,
    # round 5)
    assert sorted(loaded(one_load, "exits on sheets of their own", "elder_name, status, change_date")) == [
        ("分表去世", "死亡", dt.date(2026, 10, 10)), ("分表在册", "在册", None),
        ("分表迁出", "迁出", dt.date(2026, 10, 15))]
    assert loaded(one_load, "exit dates without a status", "status, change_date") == [
        ("死亡", dt.date(2026, 10, 10)), ("注销", dt.date(2026, 10, 12)), ("在册", None)]
    assert warnings(one_load, "exit dates without a status") == []


@loads.file("a list of the month's changes")
def _a_list_of_the_months_changes(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "变动类型", "变动日期"]
    rows = [["花园路", "变动一", elder(721), "独居", "减少", "2026-10-10"],
            ["花园路", "变动二", elder(722), "独居", "新增", ""]]
    return write_csv(folder / "花园路10月.csv", [["花园路社区2026年10月特殊困难老年人增减变动表"], header, *rows])


def test_a_list_of_the_months_changes_is_refused_as_no_roster(one_load):
    # loaded as the community's roster, everyone it does not list had left: November counted 1 elder of 9
    # (review 2026-12-04, round 5)
    result = one_load[1]["a list of the month's changes"]
    assert result.status == "failed"
    assert result.message.startswith("这是增减变动表或新增、减少人员的名单, 不是完整的底册")


@pytest.mark.parametrize("title", ["花园路社区2026年10月新纳入特殊困难老年人名单", "花园路社区10月去世老人名单",
                                   "花园路社区本月新增特殊困难老年人名单", "花园路社区减少人员明细"])
def test_a_list_of_one_side_of_the_months_changes_is_refused_as_no_roster(tmp_path, title):
    # probe 31 M2: a list of the month's new elders, or of its deaths, loaded as the roster: the other 20 elders left
    rows = [["花园路", "变动三", elder(725), "独居", "2026-10-10"]]
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "变动日期"]
    [result] = Warehouse(tmp_path / "warehouse.duckdb").ingest(
        write_csv(tmp_path / "花园路10月.csv", [[title], header, *rows]), kind="roster")
    assert result.status == "failed"
    assert result.message.startswith("这是增减变动表或新增、减少人员的名单, 不是完整的底册")


@loads.file("a ledger of home visits")
def _a_ledger_of_home_visits(folder: Path) -> Path:
    header = ["姓名", "身份证号", "社区", "探访日期", "老人情况", "探访人"]
    rows = [["台账一", elder(723), "花园路", "2026-10-05", "身体健康", "王丽"],
            ["台账二", elder(724), "花园路", "2026-10-06", "老人不在家", "王丽"]]
    return write_csv(folder / "花园路入户台账.csv", [["花园路社区入户探访登记表（2026年10月）"], header, *rows])


def test_a_ledger_without_a_method_column_takes_the_method_its_title_names(one_load):
    # refused for a missing 探访方式 column (review 2026-12-04, round 5); a daily register's title already named its
    # method. Said in a warning; a title naming none still refuses the file (a method is never guessed)
    balanced(one_load[1]["a ledger of home visits"], 2)
    assert loaded(one_load, "a ledger of home visits", "method, outcome") == [("上门", "正常"), ("上门", "未遇")]
    assert warnings(one_load, "a ledger of home visits") == [
        (None, "没有探访方式一列: 按标题所写, 每行计为上门, 如有别的方式, 请加一列探访方式后重新导入")]


@loads.file("notes and counts around the table")
def _notes_and_counts_around_the_table(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "联系电话", "特殊困难类别", "是否同意探访"]
    notes = ["", "", "（18位）", "（手机或座机）", "（可多选）", "（同意/不同意）"]
    rows = [["花园路", "表注一", elder(725), "13800000001", "独居", "同意"],
            ["花园路", "表注二", elder(726), "13800000002", "空巢", "同意"],
            ["总人数", "2人"], ["其中：独居", "1"]]
    return write_xlsx(folder / "花园路底册_表注.xlsx", [["填报日期：2026年10月31日"], header, notes, *rows])


def test_the_headers_notes_and_counts_without_合计_are_no_people(one_load):
    # each had been a rejected row waiting to be corrected (身份证号格式不对, 身份证号为空: review 2026-12-04, round 5)
    balanced(one_load[1]["notes and counts around the table"], 2)


@loads.file("exit dates without their year")
def _exit_dates_without_their_year(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "状态", "变动日期"]
    rows = [["花园路", "无年一", elder(705), "独居", "死亡", "12月20日"],
            ["花园路", "无年二", elder(706), "独居", "迁出", "1.5"]]
    return write_xlsx(folder / "花园路底册_变动日期无年份.xlsx", [["填报日期：2026年1月10日"], header, *rows])


def test_an_exit_date_without_its_year_takes_the_year_of_the_roster_s_date(one_load):
    # the exit had counted on the 填报日期 (with a warning that the date could not be read): an elder who died on
    # 12月20日 stayed on the list, unvisited, until 1月10日 (review 2026-12-04)
    assert loaded(one_load, "exit dates without their year", "status, change_date") == [
        ("死亡", dt.date(2025, 12, 20)), ("迁出", dt.date(2026, 1, 5))]
    assert warnings(one_load, "exit dates without their year") == [
        (3, "变动日期没有写年份: 12月20日, 按填报日期推定为2025-12-20, 请核实"),
        (4, "变动日期没有写年份: 1.5, 按填报日期推定为2026-01-05, 请核实")]


def test_a_roster_with_an_exit_date_column_per_kind_of_exit_reads_each(one_load):
    balanced(one_load[1]["exit date per kind"], 4)
    assert loaded(one_load, "exit date per kind", "status, change_date") == [
        ("死亡", dt.date(2026, 10, 8)), ("迁出", dt.date(2026, 10, 20)), ("入住机构", dt.date(2026, 10, 12)),
        ("在册", None)]
    assert warnings(one_load, "exit date per kind") == []


@loads.file("a year's log with a month column")
def _a_years_log_with_a_month_column(folder: Path) -> Path:
    # a 动态管理台账: each elder once a month, the month in a column of its own, written without its year under a
    # title that names it; 月志二 dies in August, 月志三 moves into a home in September
    header = ["月份", "社区", "姓名", "身份证号", "特殊困难类别", "人员状态", "变动日期"]
    months = {"7月": ("在册", "", "在册", ""), "8月": ("死亡", "2026-08-12", "在册", ""),
              "9月": ("死亡", "2026-08-12", "入住机构", "2026-09-20")}
    rows = [row for month, (died, on, moved, since) in months.items()
            for row in ([month, "新疆路", "月志一", elder(791), "独居", "在册", ""],
                        [month, "新疆路", "月志二", elder(792), "独居", died, on],
                        [month, "新疆路", "月志三", elder(793), "空巢", moved, since])]
    title = ["新疆路社区2026年特殊困难老年人动态管理台账"]
    return write_xlsx(folder / "新疆路社区动态管理台账.xlsx", [title, header, *rows])


def test_a_years_log_with_a_month_column_is_a_snapshot_a_month(one_load):
    # one snapshot, its later months' rows rejected as repeats of July's: the death and the move were lost, and
    # November counted three elders for one (review 2026-12-04, round 5)
    warehouse, results = one_load
    result = results["a year's log with a month column"]
    balanced(result, 9)
    assert result.message == "按月份分别导入: 底册 (2026年7月) 3 行、底册 (2026年8月) 3 行、底册 (2026年9月) 3 行"
    assert warehouse.rows("select l.report_date, r.elder_name, r.status, r.change_date from roster_rows r"
                          " join loads l using (load_id) where l.load_id in ? order by l.report_date, r.row_number",
                          [[part.load_id for part in result.parts]])[-3:] == [
        (dt.date(2026, 9, 1), "月志一", "在册", None), (dt.date(2026, 9, 1), "月志二", "死亡", dt.date(2026, 8, 12)),
        (dt.date(2026, 9, 1), "月志三", "入住机构", dt.date(2026, 9, 20))]
    assert warehouse.rows("select message from load_warnings where load_id in ?",
                          [[part.load_id for part in result.parts]]) == []


@loads.file("a person above the header")
def _a_person_above_the_header(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别"]
    return write_xlsx(folder / "新疆路底册_表头上方.xlsx", [["新疆路", "表上一", elder(794), "独居"],
                                                           ["新疆路社区特殊困难老年人底册"], header,
                                                           ["新疆路", "表下一", elder(795), "空巢"]])


@loads.file("a person above the header of a CSV")
def _a_person_above_the_header_of_a_csv(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别"]
    return write_csv(folder / "新疆路底册_表头上方.csv", [["填报日期：2026年10月31日"],
                                                         ["新疆路", "表上二", elder(796), "失能"],
                                                         header, ["新疆路", "表下二", elder(797), "独居"]])


@pytest.mark.parametrize(("key", "rows"), [
    ("a person above the header", [(1, "表上一", ["独居"]), (4, "表下一", ["空巢"])]),
    ("a person above the header of a CSV", [(2, "表上二", ["失能"]), (4, "表下二", ["独居"])]),
])
def test_a_persons_row_above_the_header_is_read_as_the_header_says_and_warned_of(one_load, key, rows):
    # neither loaded nor rejected, and not counted as read: an elder lost without a word (review 2026-12-04, round 5)
    balanced(one_load[1][key], 2)
    assert loaded(one_load, key, "row_number, elder_name, categories") == rows
    assert warnings(one_load, key) == [
        (None, f"第 {rows[0][0]} 行写在表头上方, 已按表头各列导入: 请核对后把这些行移到表头下方")]


@loads.file("an English-language export")
def _an_english_language_export(folder: Path) -> Path:
    # a system's export with its fields' English names, and an English-locale Excel's dates (the month first)
    header = ["id", "elder_name", "ID Number", "Community", "Visit Date", "visit_type", "Result", "staff_name"]
    rows = [["1", "英文一", elder(798), "新疆路", "10/13/2026 2:30 PM", "home", "normal", "王社工"],
            ["2", "英文二", elder(799), "新疆路", "Oct 5, 2026", "phone", "not home", "王社工"]]
    return write_csv(folder / "visits_export_en.csv", [header, *rows])


def test_an_english_language_export_loads_with_its_dates_read_month_first(one_load):
    # refused: 没有找到表头; its dates rejected as 探访日期无法识别 (review 2026-12-04, round 5). A date whose day and
    # month could be either is still rejected (tests/etl/test_street_files_2.py)
    balanced(one_load[1]["an English-language export"], 2)
    assert loaded(one_load, "an English-language export", "visit_at, method, outcome, visitor_name") == [
        (dt.datetime(2026, 10, 13, 14, 30), "上门", "正常", "王社工"),
        (dt.datetime(2026, 10, 5), "电话", "未遇", "王社工")]
    assert warnings(one_load, "an English-language export") == [(None, "未识别的列, 未导入: id")]


@loads.file("on the roll with a date of death")
def _on_the_roll_with_a_date_of_death(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别", "人员状态", "死亡日期"]
    rows = [["新疆路", "在册有死期", elder(800), "独居", "在册", "2026-10-10"],
            ["新疆路", "在册无死期", elder(801), "独居", "在册", ""],
            ["新疆路", "已故有死期", elder(802), "独居", "死亡", "2026-10-12"]]
    return write_csv(folder / "新疆路底册_死亡日期.csv", [["填报日期：2026年10月31日"], header, *rows])


def test_a_status_of_on_the_roll_beside_a_filled_date_of_death_loads_as_written_and_warns(one_load):
    # loaded 在册, in every denominator, without a word (review 2026-12-04, round 5): the status written says more
    # than a date (nothing guessed, DESIGN §3), and the street is asked which is right
    assert loaded(one_load, "on the roll with a date of death", "status, change_date") == [
        ("在册", dt.date(2026, 10, 10)), ("在册", None), ("死亡", dt.date(2026, 10, 12))]
    assert warnings(one_load, "on the roll with a date of death") == [
        (3, "在册状态为在册, 但死亡日期一栏有日期: 按在册导入, 如确已死亡, 请在状态一栏填写")]


@loads.file("changes told by colour")
def _changes_told_by_colour(folder: Path) -> Path:
    header = ["社区", "姓名", "身份证号", "特殊困难类别"]
    title = ["新疆路社区特殊困难老年人底册（红色标注为已去世，标黄的是新增）"]
    return write_xlsx(folder / "新疆路底册_红色标注.xlsx", [title, header, ["新疆路", "标色一", elder(807), "独居"]])


def test_a_roster_whose_title_tells_changes_by_colour_loads_as_written_and_says_so(one_load):
    # a red row, a deceased elder by the title's legend, counted in every denominator without a word (review
    # 2026-12-04, round 5): a format is not read, and the street is asked to write the status
    balanced(one_load[1]["changes told by colour"], 1)
    assert warnings(one_load, "changes told by colour") == [
        (None, "标题说明了用颜色或划线标注的变动 (红色…去世), 格式不能导入, 这些老人按表中所写导入: "
               "请在状态一栏写明 (如死亡、迁出) 和变动日期后重新导入")]


@loads.file("places under 户籍地 and 居住地")
def _places_under_registration_and_residence(folder: Path) -> Path:
    header = ["姓名", "身份证号码", "户籍地", "居住地", "特殊困难类别"]
    rows = [["两地一", elder(808), "劝业场街道滨西社区", "劝业场街道新疆路社区", "独居"],
            ["两地二", elder(809), "小白楼街道承德道社区", "劝业场街道新疆路社区居委会", "空巢"]]
    return write_xlsx(folder / "新疆路底册_户籍地居住地.xlsx", [["填报日期：2026年10月31日"], header, *rows])


@loads.file("an address and a community in the title")
def _an_address_and_a_community_in_the_title(folder: Path) -> Path:
    header = ["姓名", "身份证号码", "现住址", "特殊困难类别"]
    rows = [["住址一", elder(810), "新疆路12号3门201", "独居"], ["住址二", elder(811), "花园路社区旁5号", "独居"]]
    return write_xlsx(folder / "底册_住址.xlsx", [["新疆路社区特殊困难老年人底册"], header, *rows])


def test_a_roster_naming_its_communities_under_户籍地_and_居住地_counts_each_elder_where_they_live(one_load):
    # refused for a missing 社区 column (review 2026-12-04, round 5); an address column is never taken for one: its
    # elders are the community's its title names, their addresses kept
    xinjianglu = one_load[0].one("select code from divisions where name like '新疆路%'")
    balanced(one_load[1]["places under 户籍地 and 居住地"], 2)
    assert {code for (code,) in loaded(one_load, "places under 户籍地 and 居住地", "community_code")} == {xinjianglu}
    assert warnings(one_load, "places under 户籍地 and 居住地") == [(None, "未识别的列, 未导入: 户籍地")]
    balanced(one_load[1]["an address and a community in the title"], 2)
    assert loaded(one_load, "an address and a community in the title", "community_code, address") == [
        (xinjianglu, "新疆路12号3门201"), (xinjianglu, "花园路社区旁5号")]


def test_visits_a_street_sends_again_without_their_times_are_pointed_out(tmp_path):
    """Review 6 finding 6: a community's visits (with times and the visitor) sent again in its street's merged ledger
    (dates only) are no exact repeats: they count twice, so the clerk is told which rows to check. Two calls of one
    day, both timed, are two calls and say nothing."""
    header = ["老人姓名", "身份证号", "社区", "探访时间", "探访方式", "探访结果", "探访人"]
    community = write_xlsx(tmp_path / "花园路探访记录11月.xlsx", [header, *(
        [f"重报{n}", elder(890 + n), "花园路", f"2026-11-0{n} 09:30", "上门", "正常", "王红"] for n in (1, 2, 3))])
    street = write_xlsx(tmp_path / "劝业场街道探访汇总11月.xlsx", [header[:-1], *(
        [f"重报{n}", elder(890 + n), "花园路", f"2026-11-0{n}", "入户走访", "无异常"] for n in (1, 2))])
    calls = write_xlsx(tmp_path / "花园路电话记录11月.xlsx", [header, *(
        [f"重报{n}", elder(890 + n), "花园路", f"2026-11-0{n} {hour}:00", "电话", "正常", "王红"]
        for n in (1, 2) for hour in (9, 17))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert [result.rows_loaded for result in warehouse.ingest(community, street, calls)] == [3, 2, 4]
    assert warehouse.rows("select l.file_name, w.message from load_warnings w join loads l using (load_id)"
                          " where w.code = 'sent_before'") == [
        ("劝业场街道探访汇总11月.xlsx",
         "第 2、3 行与已导入的探访记录 (花园路探访记录11月.xlsx) 是同一老人、同一天、同一方式, 只是一份没有写时间或"
         "探访人: 如是同一次探访重复报送 (如社区已报、街道汇总又报), 探访人次会多计, 请核实")]
    with duckdb.connect(str(warehouse.settings.db_path), read_only=True) as con:
        # (among the alerts: these elders are on no roster, which their files are told too)
        assert any(alert.endswith("探访人次会多计, 请核实") for alert in metrics.roster_alerts(con))


def test_a_daily_registers_abbreviated_marks_are_the_methods_they_stand_for(tmp_path):
    # probe 31 M6: 电, 访, 上, 视, √电 in a day's cell were each an unknown outcome, no contact, while a symbol
    # nobody explained counted
    marks = {"电": "电话", "访": "上门", "上": "上门", "视": "视频", "√电": "电话", "√访": "上门"}
    people = [(f"登记{n}", elder(640 + n)) for n in range(len(marks))]
    roster = write_csv(tmp_path / "花园路底册.csv", [
        ["填报日期：2026年9月30日"], ["序号", "社区", "姓名", "身份证号", "特殊困难类别"],
        *([n, "花园路", name, id_number, "独居"] for n, (name, id_number) in enumerate(people))])
    register = write_xlsx(tmp_path / "花园路登记表.xlsx", [
        ["花园路社区2026年10月独居老人每日联系登记表"], ["序号", "姓名", "身份证号", *(f"{d}日" for d in range(1, 32))],
        *([n, name, id_number, *(mark if d == 5 else "" for d in range(1, 32))]
          for n, ((name, id_number), mark) in enumerate(zip(people, marks, strict=True)))])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    warehouse.ingest(roster, register)
    assert warehouse.rows("select method, outcome from visit_rows order by row_number") == [
        (method, "正常") for method in marks.values()]


def test_a_household_heads_name_and_id_beside_the_elders_are_not_the_elders(tmp_path):
    # probe 31 M3: 户主姓名 and 户主身份证号 beside 老人姓名 and 老人身份证号: refused as two tables side by side
    heads = [make_id("19700101", 60 + n) for n in range(3)]
    header = ["序号", "社区", "户主姓名", "户主身份证号", "与户主关系", "老人姓名", "老人身份证号", "特殊困难类别"]
    roster = write_csv(tmp_path / "花园路底册.csv", [["填报日期：2026年9月30日"], header, *(
        [n, "花园路", f"户主{n}", heads[n], "父亲", f"老人{n}", elder(650 + n), "独居"] for n in range(3))])
    warehouse = Warehouse(tmp_path / "warehouse.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.status, result.rows_loaded) == ("loaded", 3)
    assert warehouse.rows("select id_number, elder_name from roster_rows order by row_number") == [
        (elder(650 + n), f"老人{n}") for n in range(3)]


def test_a_call_logs_english_call_time_is_its_visit_date(tmp_path):
    # probe 31 L: call_time was not taken as the visit date, the file refused (缺少必需的列: 探访日期)
    header = ["elder_name", "id_number", "community", "call_time", "visit_type", "result"]
    path = write_csv(tmp_path / "calls_en.csv", [header, ["英文三", elder(797), "新疆路", "2026-10-05 09:30", "phone",
                                                         "normal"]])
    [result] = Warehouse(tmp_path / "w.duckdb").ingest(path)
    assert (result.status, result.kind, result.rows_loaded) == ("loaded", "visits", 1)
