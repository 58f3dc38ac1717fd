"""Workbook layouts and cells as street offices send them (probes' third and fourth rounds): a summary sheet before
the tables, a roster sheet per month, a consent column asked the other way round, dates and times run together,
sheets without a header or hidden, a failed visit written in the method cell, codes and district-first names for
places, 同上 for the cell above. Each loads as DESIGN §3 says, with the rows a person sees."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.build import MARTS
from tests.conftest import make_id
from tests.etl.exports import VISIT_HEADER, Warehouse, write_csv
from tests.etl.test_corrections import corrections_workbook, fix
from tests.etl.test_street_files import write_workbook

ROSTER = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
PEOPLE = [make_id("19370707", n) for n in range(1, 5)]
SUMMARY = [["和平区探访关爱服务汇总"], ["社区", "应探访人数", "已探访人数", "探访率"], ["花园路", "3", "2", "66.7%"],
           ["合计", "3", "2", "66.7%"]]


def person(n: int, *cells: str, community: str = "花园路") -> list[str]:
    return ["劝业场街道", community, f"版式{n}", PEOPLE[n], *cells]


def visit(n: int, when: str = "2026-10-05") -> list[str]:
    return [PEOPLE[n], f"版式{n}", "花园路", when, "入户", "正常", "网格员甲"]


def test_a_visits_workbook_with_a_summary_sheet_first_loads_its_visits_and_skips_the_summary(tmp_path):
    visits = [VISIT_HEADER, [PEOPLE[0], "版式0", "花园路", "2026-10-05", "入户", "正常", "网格员甲"],
              [PEOPLE[1], "版式1", "花园路", "2026-10-06", "电话", "正常", "网格员甲"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_workbook(tmp_path / "十月探访.xlsx", {"汇总": SUMMARY, "10月": visits}))
    assert (result.status, result.kind, result.rows_read, result.rows_loaded) == ("loaded", "visits", 2, 2)
    assert warehouse.rows("select message from load_warnings where code = 'skipped_sheet'") == [
        ("工作表 汇总 中没有身份证号或姓名列, 不是人员名单, 未导入 (表头: 社区、应探访人数、已探访人数)",)]


@pytest.mark.parametrize(("names", "titles", "october"), [
    (("9月", "10月"), ([["填报日期：2026年9月1日"]], [["填报日期：2026年10月15日"]]), dt.date(2026, 10, 15)),
    # no title: the sheet's name gives its month (probe26a; the sheets had been one snapshot, October's rows
    # rejected as repeats of September's and a death on October's sheet lost)
    (("2026年9月", "2026年10月"), ((), ()), dt.date(2026, 10, 1)),
])
def test_a_roster_workbook_with_a_sheet_per_month_is_a_snapshot_per_sheet(tmp_path, names, titles, october):
    september_rows = [*titles[0], ROSTER, *[person(n, "独居") for n in range(3)]]
    october_rows = [*titles[1], ROSTER, *[person(n, "独居") for n in range(2)]]  # 版式2 is gone
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result, _] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {"汇总": SUMMARY, names[0]: september_rows,
                                                                         names[1]: october_rows}),
                                   write_csv(tmp_path / "v.csv", [VISIT_HEADER, visit(0, "2026-10-20")]))
    assert result.status == "loaded", result
    assert [(part.rows_read, part.rows_loaded, part.rows_rejected) for part in result.parts] == [(3, 3, 0), (2, 2, 0)]
    assert result.message == f"按工作表分别导入: 底册 ({names[0]}) 3 行、底册 ({names[1]}) 2 行"
    assert warehouse.rows("select report_date, rows_loaded from loads where kind = 'roster' order by load_id") == [
        (dt.date(2026, 9, 1), 3), (october, 2)]
    # missing from the newer snapshot without a status: exited on its report date, 去向未说明 (DESIGN §4)
    assert warehouse.rows("select elder_id, is_listed_now from elders order by elder_id") == [
        (PEOPLE[0], True), (PEOPLE[1], True), (PEOPLE[2], False)]
    assert warehouse.rows("select exit_date, left_reason from elder_months where elder_id = ? and month = '2026-10'",
                          [PEOPLE[2]]) == [(october, "unexplained")]


def test_a_roster_struck_off_with_注销_has_left_for_the_reason_its_reason_column_gives(tmp_path):
    header = [*ROSTER, "状态", "注销原因", "注销日期"]
    september = [["填报日期：2026年9月1日"], header, *(person(n, "独居", "在册", "", "") for n in range(3))]
    october = [["填报日期：2026年10月31日"], header, person(0, "独居", "注销", "死亡", "2026-10-10"),
               person(1, "独居", "已注销", "", "2026-10-12"), person(2, "独居", "在册", "", "")]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result, _] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {"9月": september, "10月": october}),
                                   write_csv(tmp_path / "v.csv", [VISIT_HEADER, visit(2, "2026-10-20")]))
    assert (result.status, result.warning_count) == ("loaded", 0), result
    assert warehouse.rows("select elder_name, status, change_date from roster_rows where load_id = 2"
                          " order by row_number") == [("版式0", "死亡", dt.date(2026, 10, 10)),
                                                      ("版式1", "注销", dt.date(2026, 10, 12)), ("版式2", "在册", None)]
    assert warehouse.rows("select elder_id, exit_date, left_reason from elder_months where month = '2026-10'"
                          " order by elder_id") == [(PEOPLE[0], dt.date(2026, 10, 10), "died"),
                                                    (PEOPLE[1], dt.date(2026, 10, 12), "unexplained"),
                                                    (PEOPLE[2], None, None)]


def test_a_column_asking_whether_the_elder_is_alive_or_has_died_says_the_death(tmp_path):
    header = [*ROSTER, "是否健在", "是否死亡", "死亡日期"]
    rows = [person(0, "独居", "否", "", "2026-08-03"), person(1, "独居", "", "是", ""),
            person(2, "独居", "是", "否", "")]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [["填报日期：2026年9月30日"], header, *rows]))
    assert result.status == "loaded"
    assert warehouse.rows("select elder_name, status, change_date from roster_rows order by row_number") == [
        ("版式0", "死亡", dt.date(2026, 8, 3)), ("版式1", "死亡", None), ("版式2", "在册", None)]
    assert warehouse.rows("select row_number, code from load_warnings") == [(4, "exit_without_date")]


def test_a_csv_cell_kept_as_text_by_an_apostrophe_or_a_formula_is_its_text(tmp_path):
    header = [*ROSTER, "联系电话", "建档日期"]
    rows = [["劝业场街道", "花园路", "版式0", f'="{PEOPLE[0]}"', "独居", '="13900000001"', "'2023-05-01"],
            ["劝业场街道", "花园路", "版式1", f"'{PEOPLE[1]}", "独居", "'13900000002", '="2023-05-02"']]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [header, *rows]))
    assert (result.rows_loaded, result.warning_count) == (2, 0)
    assert warehouse.rows("select id_number, phone, reg_date from roster_rows order by row_number") == [
        (PEOPLE[0], "13900000001", dt.date(2023, 5, 1)), (PEOPLE[1], "13900000002", dt.date(2023, 5, 2))]


def test_codes_a_header_gives_a_legend_for_are_the_words_they_stand_for(tmp_path):
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别（1独居 2空巢 3失能 4孤寡）", "是否同意探访（1是 0否）"]
    rows = [person(0, "1", "1"), person(1, "1、3", "0"), person(2, "2", ""), person(3, "5", "1")]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [header, *rows]))
    assert result.rows_loaded == 4
    assert warehouse.rows("select categories, consent from roster_rows order by row_number") == [
        (["独居"], "同意"), (["失能", "独居"], "不同意"), (["空巢"], None), ([], "同意")]
    # a code the legend does not give is an unknown category, as any other word would be
    assert warehouse.rows("select row_number, message from load_warnings") == [(5, "未知的特殊困难类别: 5, 未计入")]


def test_a_streets_sheet_with_a_heading_row_for_each_community_is_those_communities(tmp_path):
    header = ["序号", "姓名", "身份证号", "特殊困难类别"]
    rows = [["劝业场街道特殊困难老年人底册"], header, ["一、花园路社区"], ["1", "版式0", PEOPLE[0], "独居"],
            ["2", "版式1", PEOPLE[1], "独居"], ["二、滨西社区居委会（1人）"], ["1", "版式2", PEOPLE[2], "独居"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_workbook(tmp_path / "劝业场街道底册.xlsx", {"底册": rows}))
    assert (result.status, result.rows_read, result.rows_loaded, result.warning_count) == ("loaded", 3, 3, 0)
    assert warehouse.rows("select row_number, community_code from roster_rows order by row_number") == [
        (4, "120101001001"), (5, "120101001001"), (7, "120101001002")]
    # a community's file whose name is its footer (花园路社区居委会（盖章）) is that community's, as its title says
    footed = [["花园路社区特殊困难老年人底册"], header, ["1", "版式3", PEOPLE[3], "独居"], ["花园路社区居委会（盖章）"]]
    [result] = warehouse.ingest(write_workbook(tmp_path / "花园路底册.xlsx", {"底册": footed}))
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 0), result


def test_a_consent_column_asked_the_other_way_round_reads_a_tick_as_declining(tmp_path):
    ticked = write_csv(tmp_path / "打勾.csv", [[*ROSTER, "不同意探访（打√）"], person(0, "独居", "√"),
                                              person(1, "独居", "")])
    asked = write_csv(tmp_path / "拒绝.csv", [[*ROSTER, "是否拒绝探访"], person(2, "独居", "是", community="滨西"),
                                             person(3, "独居", "否", community="滨西")])
    visits = write_csv(tmp_path / "v.csv", [VISIT_HEADER, visit(1)])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(ticked, asked, visits)
    assert warehouse.rows("select id_number, consent from roster_rows order by id_number") == [
        (PEOPLE[0], "不同意"), (PEOPLE[1], None), (PEOPLE[2], "不同意"), (PEOPLE[3], "同意")]
    assert warehouse.rows("select message from load_warnings") == []
    assert warehouse.rows("select elder_id from elder_months where is_declined_counted order by all") == [
        (PEOPLE[0],), (PEOPLE[2],)]


def test_a_date_run_into_its_time_and_a_systems_compact_time_stamp_are_read(tmp_path):
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "v.csv", [
        VISIT_HEADER, visit(0, "2026年10月5日10:30"), visit(1, "20261006093000"), visit(2, "2026年10月7号8:05")]))
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    assert warehouse.rows("select visit_at::varchar from visit_rows order by visit_at") == [
        ("2026-10-05 10:30:00",), ("2026-10-06 09:30:00",), ("2026-10-07 08:05:00",)]


DAYS = [f"{day}日" for day in range(1, 32)]


def test_a_visit_date_without_its_year_is_in_the_month_the_title_names_and_is_refused_where_none_is(tmp_path):
    dates = ["10月5日", "10.6", "10-7 9:30", "8日"]
    rows = [visit(n, when) for n, when in enumerate(dates)]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [titled, named, untitled] = warehouse.ingest(
        write_csv(tmp_path / "探访.csv", [["花园路社区2026年10月探访关爱服务记录"], VISIT_HEADER, *rows]),
        write_workbook(tmp_path / "探访.xlsx", {"2026.11": [VISIT_HEADER, visit(0, "11月3日")]}),
        write_csv(tmp_path / "记录.csv", [VISIT_HEADER, visit(1, "10月9日")]))
    assert (titled.rows_loaded, named.rows_loaded, untitled.rows_rejected) == (4, 1, 1)
    assert warehouse.rows("select visit_at::varchar from visit_rows order by visit_at") == [
        ("2026-10-05 00:00:00",), ("2026-10-06 00:00:00",), ("2026-10-07 09:30:00",), ("2026-10-08 00:00:00",),
        ("2026-11-03 00:00:00",)]
    assert warehouse.rejects(untitled) == [(2, "探访日期没有年份: 10月9日")]


def test_a_titles_month_is_not_undone_by_its_report_date_and_a_december_day_in_january_is_last_years(tmp_path):
    # 2026年11月探访记录 filled in on 12月1日: the month is November's; a register of 2026年1月 lists late December
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [november, january] = warehouse.ingest(
        write_csv(tmp_path / "探访.csv", [["2026年11月探访记录"], ["填报日期：2026年12月1日"], VISIT_HEADER,
                                          visit(0, "11月5日"), visit(1, "11.30")]),
        write_csv(tmp_path / "一月.csv", [["花园路社区2026年1月探访关爱服务记录"], VISIT_HEADER,
                                          visit(2, "12月28日"), visit(3, "1月4日")]))
    assert (november.rows_loaded, january.rows_loaded) == (2, 2)
    assert warehouse.rows("select visit_date::varchar from visit_rows order by visit_date") == [
        ("2025-12-28",), ("2026-01-04",), ("2026-11-05",), ("2026-11-30",)]


def test_a_move_written_as_two_rows_of_one_file_is_no_repeat_but_a_person_twice_on_the_roll_is(tmp_path):
    # a street's roster: 版式0 moved 花园路 -> 滨西 (迁出 there, 在册 here); 版式1 is on the roll in both, 版式2 twice
    header = [*ROSTER, "状态", "变动日期", "建档日期"]
    rows = [person(0, "空巢", "迁出", "2026-10-15", ""), person(0, "空巢", "在册", "", "2026-10-15", community="滨西"),
            person(1, "独居", "在册", "", ""), person(1, "独居", "在册", "", "", community="滨西"),
            person(2, "独居", "在册", "", ""), person(2, "独居", "死亡", "2026-10-01", "")]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [["填报日期：2026年11月1日"], header, *rows]))
    assert warehouse.rejects(result) == [(6, "身份证号在本文件中重复 (与第 5 行相同)"),
                                         (8, "身份证号在本文件中重复 (与第 7 行相同)")]
    assert warehouse.rows("select community_code, status from roster_rows where id_number = ? order by row_number",
                          [PEOPLE[0]]) == [("120101001001", "迁出"), ("120101001002", "在册")]


def test_a_register_with_a_column_per_day_is_a_contact_on_each_day_marked(tmp_path):
    # 独居老人每日联系登记表: a row per elder, a tick on each day contacted; the month is the title's
    header = ["序号", "姓名", "身份证号", "社区", "联系方式", *DAYS]
    grid = [["独居老人每日联系登记表（2026年10月）"], header,
            ["1", "版式0", PEOPLE[0], "花园路", "13900000000", *["√"] * 31],
            ["2", "版式1", PEOPLE[1], "花园路", "13900000001", *(["✓", "", "×"] * 11)[:31]],
            ["3", "版式2", PEOPLE[2], "花园路", "", "入户", "未接通", *[None] * 29],
            ["4", "", "", "花园路", "", *[None] * 4, "√", *[None] * 26]]
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, *(person(n, "独居") for n in range(3))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [_, result] = warehouse.ingest(roster, write_workbook(tmp_path / "日联系.xlsx", {"10月": grid}))
    assert (result.status, result.kind, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", "visits", 45, 44, 1)
    assert warehouse.rows("select message from load_warnings where code = 'day_register'") == [
        ("工作表 10月 是每天一列的登记表 (2026年10月): 按每次联系一行导入, 共 45 次; 只打勾的日子按「电话」计"
         " (标题中没有写明联系方式, 不计为上门探访); 未导入的列: 联系方式",)]
    assert warehouse.rows("select elder_name, method, outcome, count(*), min(visit_date), max(visit_date)"
                          " from visit_rows group by all order by all") == [
        ("版式0", "电话", "正常", 31, dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("版式1", "电话", "正常", 11, dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("版式2", "上门", "正常", 1, dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
        ("版式2", "电话", "未遇", 1, dt.date(2026, 10, 2), dt.date(2026, 10, 2))]
    # the rejected contact names the day and the row the clerk fills in
    assert warehouse.rows("select sheet_name, row_number, reason from rejected_rows") == [
        ("10月 (5日)", 6, "缺少身份证号, 且姓名或社区为空, 无法确定是哪位老人")]
    assert warehouse.rows("select visited_home, visited_any, contact_days_covered from place_months"
                          " where month = '2026-10' and code = '120101001001'") == [(1, 3, 31 + 11 + 1)]
    # sent back for correction and loaded back, it joins the register's load as the day's contact
    book = corrections_workbook(warehouse, result.load_id)
    fix(book.active, 6, "身份证号", PEOPLE[2])
    book.save(tmp_path / "日联系_退回修改.xlsx")
    [corrected] = warehouse.ingest(tmp_path / "日联系_退回修改.xlsx")
    assert (corrected.status, corrected.rows_loaded, corrected.rows_rejected) == ("loaded", 1, 0), corrected
    assert warehouse.rows("select count(*) from visit_rows where load_id = ? and visit_date = '2026-10-05'",
                          [result.load_id]) == [(2,)]


def test_a_register_with_a_column_per_day_takes_its_method_from_its_title_and_its_month_from_somewhere(tmp_path):
    header = ["姓名", "身份证号", "社区", *DAYS]
    row = ["版式0", PEOPLE[0], "花园路", "√", *[None] * 30]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [home, phone] = warehouse.ingest(
        write_workbook(tmp_path / "上门探视登记表.xlsx", {"2026年10月": [header, row]}),
        write_csv(tmp_path / "电话问候2026.11.csv", [header, row]))
    assert (home.rows_loaded, phone.rows_loaded) == (1, 1)
    assert warehouse.rows("select method, visit_date from visit_rows order by visit_date") == [
        ("上门", dt.date(2026, 10, 1)), ("电话", dt.date(2026, 11, 1))]
    [result] = warehouse.ingest(write_csv(tmp_path / "日联系.csv", [["独居老人每日联系登记表"], header, row]))
    assert (result.status, result.message) == ("failed", (
        "是每天一列 (1日…31日) 的登记表, 但标题、工作表名和文件名中都没有写明年月 (如「2026年10月」), "
        "无法确定日期: 请在标题中写明是哪年哪月后重新导入"))
    [blank] = warehouse.ingest(write_csv(tmp_path / "日联系2026年12月.csv", [header, [*row[:3], *[None] * 31]]))
    assert (blank.status, blank.message) == (
        "failed", "是每天一列的登记表 (2026年12月), 但没有一天打了勾: 没有可导入的联系记录")


def test_a_street_written_after_its_district_is_that_street_and_after_another_district_is_unknown(tmp_path):
    rows = [["和平区劝业场街道", "花园路", "版式0", PEOPLE[0], "独居"],
            ["天津市和平区劝业场街", "滨西", "版式1", PEOPLE[1], "独居"],
            ["南开区劝业场街道", "花园路", "版式2", PEOPLE[2], "独居"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [ROSTER, *rows]))
    assert warehouse.rows("select row_number, community_code from roster_rows order by row_number") == [
        (2, "120101001001"), (3, "120101001002")]
    assert warehouse.rejects(result) == [(4, "未知街道: 南开区劝业场街道")]


def test_a_row_repeating_one_of_another_sheet_names_that_sheet(tmp_path):
    # a roster sheet a month without report dates: one snapshot, whose second month's people repeat the first's
    september, october = [ROSTER, person(0, "独居"), person(1, "独居")], [ROSTER, person(0, "独居")]
    visits = [VISIT_HEADER, visit(0), visit(0)]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    roster, visit_file = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {"9月": september, "10月": october}),
                                          write_workbook(tmp_path / "探访.xlsx", {"10月": visits}))
    assert warehouse.rejects(roster) == [(2, "身份证号在本文件中重复 (与工作表 9月 第 2 行相同)")]
    assert warehouse.rejects(visit_file) == [(3, "重复记录 (与第 2 行相同)")]


def test_a_sheet_named_by_a_phone_number_is_masked_in_the_reason_that_names_it(tmp_path):
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [roster] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {
        "13812345678": [ROSTER, person(0, "独居")], "10月": [ROSTER, person(0, "独居")]}))
    assert warehouse.rejects(roster) == [(2, "身份证号在本文件中重复 (与工作表 138****5678 第 2 行相同)")]


def test_a_sheet_named_by_its_elder_is_masked_wherever_its_name_is_said(tmp_path):
    # a workbook kept a sheet per elder: notes without a header, a table naming no one, a sheet repeating the roster
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {
        "底册": [ROSTER, person(0, "独居")], "王秀英": [["2026年10月5日 上门看望"], ["2026年10月12日 电话联系"]],
        "买买提·艾力": [["社区", "类别"], ["花园路", "独居"]], "欧阳娜娜": [ROSTER, person(0, "独居")]}))
    assert result.rows_rejected == 1
    assert warehouse.rows("select message from load_warnings where code = 'skipped_sheet' order by message") == [
        ("工作表 买***** 中没有身份证号或姓名列, 不是人员名单, 未导入 (表头: 社区、类别)",),
        ("工作表 王** 的前 30 行中没有找到表头 (身份证号、姓名、社区 等列名), 未导入 (该表有 2 行内容); "
         "如是人员名单, 请在数据上方加一行表头后重新导入",)]
    assert warehouse.rows("select sheet_name, reason from rejected_rows") == [
        ("欧***", "身份证号在本文件中重复 (与工作表 底册 第 2 行相同)")]
    # read as the dashboard reads them, without the load's macros (cv_mask_sheet_name): every mart answers
    assert all(warehouse.rows(f"select count(*) from {name}") for name, _ in MARTS)  # noqa: S608 (mart names)


def test_a_file_named_by_an_elders_id_number_is_stored_and_shown_masked(tmp_path):
    warehouse = Warehouse(tmp_path / "w.duckdb")
    rows = [ROSTER, person(0, "独居"), person(0, "独居")]
    [result] = warehouse.ingest(write_csv(tmp_path / f"补录{PEOPLE[0]}.csv", rows))
    masked = f"补录{PEOPLE[0][:4]}**********{PEOPLE[0][-4:]}.csv"
    assert result.rows_rejected == 1
    assert warehouse.rows("select file_name from loads union all select file_name from rejects"
                          " union all select file_name from load_history") == [(masked,)] * 3


def test_a_sheet_with_people_but_no_header_is_not_lost_in_silence_and_a_blank_sheet_says_nothing(tmp_path):
    # a second roster sheet whose clerk left out the header row: its rows cannot be read, and the load says so
    roster = [["填报日期：2026年10月15日"], ROSTER, person(0, "独居")]
    headless = [["补充名单, 请核对"], person(1, "独居"), person(2, "失能"), ["", "  "]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {"底册": roster, "补充": headless,
                                                                      "Sheet3": []}))
    assert (result.status, result.rows_read, result.rows_loaded, result.warning_count) == ("loaded", 1, 1, 1)
    assert warehouse.rows("select message from load_warnings where code = 'skipped_sheet'") == [
        ("工作表 补充 的前 30 行中没有找到表头 (身份证号、姓名、社区 等列名), 未导入 (该表有 3 行内容); "
         "如是人员名单, 请在数据上方加一行表头后重新导入",)]


def test_a_failed_visit_written_in_the_method_cell_is_no_visit_where_no_outcome_is_written(tmp_path):
    # files without an outcome column, or with it blank, write 未遇/拒访 into the method: never a visit (DESIGN §2)
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, *(person(n, "独居") for n in range(4))])
    header = ["身份证号", "姓名", "社区", "探访日期", "探访方式", "探访结果"]
    methods = ["上门未遇", "电话（未接通）", "上门（拒绝探访）", "上门"]
    visits = write_csv(tmp_path / "探访.csv", [header, *([PEOPLE[n], f"版式{n}", "花园路", f"2026-10-0{n + 5}",
                                                        method, ""] for n, method in enumerate(methods))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(result.status == "loaded" for result in warehouse.ingest(roster, visits))
    assert warehouse.rows("select method, outcome from visit_rows order by row_number") == [
        ("上门", "未遇"), ("电话", "未遇"), ("上门", "拒访"), ("上门", "正常")]
    assert warehouse.rows("select visited_home, eligible_home from place_months"
                          " where month = '2026-10' and code = '120101001001'") == [(1, 4)]


def test_a_failed_visit_written_as_a_short_note_is_no_visit_and_a_story_in_the_notes_asks_to_check(tmp_path):
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, *(person(n, "独居") for n in range(4))])
    header = ["身份证号", "姓名", "社区", "探访日期", "探访方式", "探访人", "备注", "探访情况"]
    texts = [("家中无人", ""), ("", "老人拒绝"), ("", "老人拒绝安装燃气报警器, 已做好解释"),
             ("未遇后电话联系, 一切正常", "")]
    visits = write_csv(tmp_path / "探访.csv", [header, *([PEOPLE[n], f"版式{n}", "花园路", f"2026-10-0{n + 5}",
                                                        "入户", "甲", *text] for n, text in enumerate(texts))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(result.status == "loaded" for result in warehouse.ingest(roster, visits))
    assert warehouse.rows("select outcome from visit_rows order by row_number") == [
        ("未遇",), ("拒访",), ("正常",), ("正常",)]
    assert warehouse.rows("select row_number, message from load_warnings where code = 'failure_in_text'"
                          " order by row_number") == [
        (4, "探访情况或备注中写的像是拒访, 但没有写探访结果: 按正常探访计, 请核实; 如确为拒访, 请在探访结果一栏写明"),
        (5, "探访情况或备注中写的像是未遇, 但没有写探访结果: 按正常探访计, 请核实; 如确为未遇, 请在探访结果一栏写明")]
    assert warehouse.rows("select visited_home from place_months where month = '2026-10' and code = '120101001001'"
                          ) == [(2,)]


def test_an_emergency_column_that_says_there_was_one_makes_the_visit_an_emergency(tmp_path):
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, *(person(n, "独居") for n in range(4))])
    header = ["身份证号", "姓名", "社区", "探访日期", "探访方式", "探访结果", "是否紧急情况"]
    cells = [("", "是"), ("发现问题", "突发疾病送医"), ("正常", "是"), ("", "否")]
    visits = write_csv(tmp_path / "探访.csv", [header, *([PEOPLE[n], f"版式{n}", "花园路", f"2026-10-0{n + 5}",
                                                        "入户", *cell] for n, cell in enumerate(cells))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(result.status == "loaded" for result in warehouse.ingest(roster, visits))
    # 正常 beside an emergency is loaded as written, and the clerk asked to check (DESIGN §3: nothing guessed)
    assert warehouse.rows("select outcome from visit_rows order by row_number") == [
        ("紧急",), ("紧急",), ("正常",), ("正常",)]
    assert warehouse.rows("select row_number, message from load_warnings") == [
        (4, "探访结果为正常, 但紧急情况一栏写有紧急情况: 按正常导入, 不计为紧急情况, 请核实")]
    assert warehouse.rows("select emergency_visit_count from place_months"
                          " where month = '2026-10' and code = '120101001001'") == [(2,)]


@pytest.mark.parametrize("rows", ["one", "two"])
def test_a_visit_method_ticked_in_a_column_each_is_the_method_ticked(tmp_path, rows):
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, *(person(n, "独居") for n in range(4))])
    ticks = [("√", "", ""), ("", "✓", ""), ("", "", "√"), ("√", "√", "")]
    data = [[PEOPLE[n], f"版式{n}", "花园路", "2026-10-05", *tick, "正常"] for n, tick in enumerate(ticks)]
    header = ["身份证号", "姓名", "社区", "探访日期", "入户", "电话", "视频", "探访结果"]
    if rows == "one":
        visits = write_csv(tmp_path / "探访.csv", [header, *data])
    else:  # 探访方式 over 入户 | 电话 | 视频, the other names merged down
        top = ["身份证号", "姓名", "社区", "探访日期", "探访方式", None, None, "探访结果"]
        visits = write_workbook(tmp_path / "探访.xlsx", {"探访": [top, [None] * 4 + header[4:7] + [None], *data]},
                                merges=("E1:G1", *(f"{c}1:{c}2" for c in "ABCDH")))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [_, result] = warehouse.ingest(roster, visits)
    assert (result.status, result.rows_loaded, result.rows_rejected, result.warning_count) == ("loaded", 4, 0, 0)
    assert warehouse.rows("select method from visit_rows order by row_number") == [
        ("上门",), ("电话",), ("视频",), ("上门",)]


def test_the_community_lived_in_outranks_the_registered_one_and_a_status_change_date_is_the_exit(tmp_path):
    header = ["街道", "户籍所在社区", "现居住社区", "姓名", "身份证号", "特殊困难类别", "状态", "状态变更日期"]
    rows = [["劝业场街道", "滨西", "花园路", "版式0", PEOPLE[0], "独居", "死亡", "2026-10-05"],
            ["劝业场街道", "滨西", "花园路", "版式1", PEOPLE[1], "独居", "在册", ""]]
    roster = write_csv(tmp_path / "底册.csv", [header, *rows])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.status, result.rows_loaded) == ("loaded", 2)
    assert warehouse.rows("select community_code, status, change_date from roster_rows order by row_number") == [
        ("120101001001", "死亡", dt.date(2026, 10, 5)), ("120101001001", "在册", None)]
    assert warehouse.rows("select message from load_warnings") == [("重复的列, 未导入: 户籍所在社区",)]


def test_a_method_headed_just_fangshi_moving_away_to_another_place_and_a_category_of_no_are_read(tmp_path):
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别", "状态", "变动日期"]
    rows = [person(0, "独居", "在册", ""), person(1, "独居", "迁居外地", "2026-09-20"), person(2, "否", "在册", ""),
            person(3, "一般老人", "在册", "")]
    roster = write_csv(tmp_path / "底册.csv", [header, *rows])
    visits = write_csv(tmp_path / "探访.csv", [["身份证号", "姓名", "社区", "探访日期", "方式", "结果"],
                                              [PEOPLE[0], "版式0", "花园路", "2026-10-05", "上门", "正常"]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert [r.status for r in warehouse.ingest(roster, visits)] == ["loaded", "loaded"]
    assert warehouse.rows("select categories, status from roster_rows order by row_number") == [
        (["独居"], "在册"), (["独居"], "迁出"), ([], "在册"), ([], "在册")]
    assert warehouse.rows("select message from load_warnings") == []
    assert warehouse.rows("select method, outcome from visit_rows") == [("上门", "正常")]


def test_a_street_and_community_written_as_their_division_codes_are_those_places(tmp_path):
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, ["120101001000", "120101001001", "版式0", PEOPLE[0], "独居"],
                                              ["120101001", "120101001002", "版式1", PEOPLE[1], "独居"]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert warehouse.rows("select street_code, community_code from roster_rows order by row_number") == [
        ("120101001000", "120101001001"), ("120101001000", "120101001002")]


def test_a_division_code_typed_as_a_number_in_excel_is_intact_and_an_id_typed_so_is_not(tmp_path):
    # Excel keeps 15 significant digits: a 12-digit code stored as a number is the code (it shows 1.20101E+11 in
    # a narrow column), an 18-digit ID stored so has lost its last digits (DESIGN §2: reject)
    rows = [ROSTER, ["劝业场街道", 120101001001, "版式0", PEOPLE[0], "独居"],
            ["劝业场街道", 120101001002, "版式1", float(PEOPLE[1][:17]) * 10, "独居"]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {"底册": rows}))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert warehouse.rows("select community_code from roster_rows") == [("120101001001",)]
    [(reason,)] = warehouse.rows("select reason from rejected_rows")
    assert reason.startswith("身份证号被Excel存成了数字(1.20101E+17)")


def test_a_community_written_after_its_own_district_is_that_community_and_after_another_is_unknown(tmp_path):
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, ["劝业场街道", "和平区花园路社区", "版式0", PEOPLE[0], "独居"],
                                              ["劝业场街道", "天津市和平区滨西社区居委会", "版式1", PEOPLE[1], "独居"],
                                              ["劝业场街道", "南开区花园路社区", "版式2", PEOPLE[2], "独居"]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(roster)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert warehouse.rows("select community_code from roster_rows order by row_number") == [
        ("120101001001",), ("120101001002",)]


def hide_sheets(path, *names: str):
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    for name in names:
        workbook[name].sheet_state = "hidden"
    workbook.active = next(i for i, sheet in enumerate(workbook.worksheets) if sheet.title not in names)
    workbook.save(path)
    return path


def test_a_hidden_sheet_is_not_what_the_clerk_sends_and_a_hidden_table_says_so(tmp_path):
    # a leftover of last month's list, hidden, and a template's hidden drop-down list beside October's roster
    september = [ROSTER, *(person(n, "独居") for n in range(4))]
    october = [["填报日期：2026年10月31日"], ROSTER, *(person(n, "独居") for n in range(2))]
    path = hide_sheets(write_workbook(tmp_path / "底册.xlsx", {"Sheet2": september, "10月": october,
                                                               "字典": [["类别"], ["独居"], ["空巢"]]}),
                       "Sheet2", "字典")
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0)
    assert warehouse.rows("select message from load_warnings") == [
        ("工作表 Sheet2 是隐藏的工作表, 未导入 (该表有 4 行内容); 如需导入, 请在 Excel 中取消隐藏后重新导入",)]
    # a workbook whose only table a system hid is read all the same
    only = hide_sheets(write_workbook(tmp_path / "导出.xlsx", {"说明": [["本表由系统导出"]], "数据": october}), "数据")
    [result] = Warehouse(tmp_path / "w2.duckdb").ingest(only)
    assert (result.status, result.rows_loaded) == ("loaded", 2)


def test_a_hidden_sheet_is_read_when_nothing_shown_lists_its_people(tmp_path):
    october = [ROSTER, *(person(n, "独居") for n in range(2))]
    # a summary shown, the detail hidden by the system that exported it
    summary_first = hide_sheets(write_workbook(tmp_path / "汇总.xlsx", {"汇总": SUMMARY, "明细": october}), "明细")
    # a blank template shown (header only) over the filled-in copy someone hid
    blank_first = hide_sheets(write_workbook(tmp_path / "模板.xlsx", {"模板": [ROSTER], "填报": october}), "填报")
    # a visits sheet hidden beside the roster: a kind no shown sheet lists
    visits = [VISIT_HEADER, visit(0), visit(1, "2026-10-06")]
    both = hide_sheets(write_workbook(tmp_path / "两表.xlsx", {"底册": october, "探访": visits}), "探访")
    for path in (summary_first, blank_first):
        [result] = Warehouse(tmp_path / f"{path.stem}.duckdb").ingest(path)
        assert (result.status, result.kind, result.rows_loaded) == ("loaded", "roster", 2), result
    warehouse = Warehouse(tmp_path / "both.duckdb")
    [result] = warehouse.ingest(both)
    assert result.status == "loaded", result
    assert warehouse.rows("select kind, rows_loaded from loads order by load_id") == [("roster", 2), ("visits", 2)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cell_saying_the_same_as_above_is_the_value_above_it(tmp_path, suffix):
    rows = [ROSTER, person(0, "独居"), ["同上", "同上", "版式1", PEOPLE[1], "〃"],
            ["劝业场街道", "滨西", "版式2", PEOPLE[2], "失能"], ["〃", " 同上 ", "版式3", PEOPLE[3], "同上"]]
    path = (write_csv(tmp_path / "底册.csv", rows) if suffix == ".csv"
            else write_workbook(tmp_path / "底册.xlsx", {"底册": rows}))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(path)
    assert (result.rows_loaded, result.rows_rejected, result.warning_count) == (4, 0, 0)
    assert warehouse.rows("select community_code, categories from roster_rows order by row_number") == [
        ("120101001001", ["独居"]), ("120101001001", ["独居"]), ("120101001002", ["失能"]), ("120101001002", ["失能"])]


def test_a_registration_or_change_date_given_by_its_month_alone_is_that_months_first_day(tmp_path):
    header = [*ROSTER, "状态", "变动日期", "建档日期"]
    rows = [person(0, "独居", "在册", "", "2026年10月"), person(1, "独居", "死亡", "2026.9", ""),
            person(2, "独居", "在册", "", "2026年10月5日")]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_csv(tmp_path / "底册.csv", [header, *rows]))
    assert (result.rows_loaded, result.warning_count) == (3, 0)
    assert warehouse.rows("select change_date, reg_date from roster_rows order by row_number") == [
        (None, dt.date(2026, 10, 1)), (dt.date(2026, 9, 1), None), (None, dt.date(2026, 10, 5))]


def test_a_systems_export_of_tab_separated_text_named_xls_is_read_as_the_text_it_is(tmp_path):
    rows = [["花园路社区特殊困难老年人底册"], ROSTER, person(0, "独居"), person(1, "失能")]
    path = tmp_path / "导出Excel.xls"
    path.write_bytes("\r\n".join("\t".join(row) for row in rows).encode("gb18030"))
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(path)
    assert (result.status, result.kind, result.rows_loaded) == ("loaded", "roster", 2)
    assert warehouse.rows("select elder_name from roster_rows order by row_number") == [("版式0",), ("版式1",)]


def test_a_templates_instruction_and_example_rows_are_no_people(tmp_path):
    rows = [["序号", *ROSTER],
            ["", "填写街道全称", "填写社区全称", "填写户籍姓名", "18位，末位X大写", "多选用顿号隔开"],
            ["示例", "劝业场街道", "花园路", "张三", make_id("19450505", 77), "独居、失能"],
            ["1", *person(0, "独居")], ["2", *person(1, "失能")]]
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [result] = warehouse.ingest(write_workbook(tmp_path / "底册.xlsx", {"底册": rows}))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0)
    assert warehouse.rows("select elder_name from roster_rows order by row_number") == [("版式0",), ("版式1",)]


def test_a_file_without_a_community_column_is_the_one_community_its_title_or_its_name_names(tmp_path):
    header = ["街道", "姓名", "身份证号", "特殊困难类别"]
    titled = write_workbook(tmp_path / "底册.xlsx", {"Sheet1": [["滨西社区特殊困难老年人底册（2026年9月）"], header,
                                                               ["劝业场街道", "版式0", PEOPLE[0], "独居"]]})
    named = write_csv(tmp_path / "和平区劝业场街道花园路社区10月底册.csv",
                      [header, ["劝业场街道", "版式1", PEOPLE[1], "独居"]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert [r.rows_loaded for r in warehouse.ingest(titled, named)] == [1, 1]
    assert warehouse.rows("select community_code from roster_rows order by load_id") == [
        ("120101001002",), ("120101001001",)]


def test_rosters_titled_by_their_month_alone_are_dated_by_it_whatever_order_they_are_loaded_in(tmp_path):
    def roster(month: int, people: int):
        return write_csv(tmp_path / f"{month}月.csv", [[f"花园路社区2026年{month}月份特殊困难老年人底册"], ROSTER,
                                                      *(person(n, "独居") for n in range(people))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(r.status == "loaded" for r in warehouse.ingest(roster(10, 1), roster(8, 3), roster(9, 2)))
    assert warehouse.rows("select file_name, report_date from loads order by report_date") == [
        ("8月.csv", dt.date(2026, 8, 1)), ("9月.csv", dt.date(2026, 9, 1)), ("10月.csv", dt.date(2026, 10, 1))]
    assert warehouse.rows("select elder_id from elders where is_listed_now") == [(PEOPLE[0],)]
