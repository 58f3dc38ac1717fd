"""Problems followed to closure (marts/problems): literal visit sequences of one elder."""

import pytest

from tests.conftest import HEPING, make_id
from tests.etl.exports import ALICE, VISIT_HEADER, Warehouse, visit_row, write_csv

OCT, END = "2026-10", "2026-10-31"
SEVENTY = "19560101"


def problems(mart_warehouse) -> list[tuple]:
    return mart_warehouse.con.execute(
        "select strftime(opened_date, '%m-%d'), strftime(closed_date, '%m-%d'), days_to_close, finding_count,"
        " is_emergency, is_referred from problems order by opened_at").fetchall()


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        # no 处置结果 column: the next successful home visit that finds nothing closes it
        ([("10-02", "上门", "发现问题", None), ("10-09", "上门", "正常", None)], [("10-02", "10-09", 7, 1)]),
        # a phone call, nobody home, a refusal: none of them closes it
        ([("10-02", "上门", "发现问题", None), ("10-05", "电话", "正常", None), ("10-07", "上门", "未遇", None),
          ("10-08", "上门", "拒访", None)], [("10-02", None, None, 1)]),
        # finding it again while open is the same problem
        ([("10-02", "上门", "发现问题", None), ("10-05", "上门", "紧急", None), ("10-20", "上门", "正常", None)],
         [("10-02", "10-20", 18, 2)]),
        # a 处置结果 that says it was handled closes it, on the spot or later, whatever the method
        ([("10-02", "上门", "发现问题", "已解决")], [("10-02", "10-02", 0, 1)]),
        ([("10-02", "上门", "发现问题", "未解决"), ("10-06", "电话", "正常", "已解决")], [("10-02", "10-06", 4, 1)]),
        # a home visit that writes 未解决 does not close it, however normal it went
        ([("10-02", "上门", "发现问题", "未解决"), ("10-06", "上门", "正常", "未解决")], [("10-02", None, None, 1)]),
        # closed, then a new problem: two
        ([("09-10", "上门", "发现问题", None), ("09-20", "上门", "正常", None), ("10-03", "上门", "发现问题", None)],
         [("09-10", "09-20", 10, 1), ("10-03", None, None, 1)]),
    ],
)
def test_a_problem_closes_when_a_later_visit_handles_it(mart_warehouse, visits, expected):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    for day, method, outcome, resolution in visits:
        mart_warehouse.visit(a, f"2026-{day} 09:00", method=method, outcome=outcome, resolution=resolution)
    mart_warehouse.place(OCT, END)
    assert [row[:4] for row in problems(mart_warehouse)] == expected


def test_at_the_same_time_a_normal_home_visit_does_not_close_the_problem(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-02 00:00", outcome="发现问题")
    mart_warehouse.visit(a, "2026-10-02 00:00", outcome="正常")
    mart_warehouse.place(OCT, END)
    assert [row[:2] for row in problems(mart_warehouse)] == [("10-02", None)]


def test_referral_and_emergency_are_the_problem_s(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-02 09:00", outcome="紧急")
    mart_warehouse.visit(a, "2026-10-04 09:00", method="电话", outcome="正常", resolution="已解决", referred=True)
    mart_warehouse.place(OCT, END)
    assert problems(mart_warehouse) == [("10-02", "10-04", 2, 1, True, True)]


def test_place_months_counts_found_closed_open_and_days_to_close(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    b = mart_warehouse.elder(make_id(SEVENTY, 2), "独居")
    c = mart_warehouse.elder(make_id(SEVENTY, 3), "独居")
    d = mart_warehouse.elder(make_id(SEVENTY, 4), "独居")
    # a: found in August, closed in October after 61 days
    mart_warehouse.visit(a, "2026-08-01 09:00", outcome="发现问题")
    mart_warehouse.visit(a, "2026-10-01 09:00", outcome="正常")
    # b: found in September, still open at the end of October (more than 30 days)
    mart_warehouse.visit(b, "2026-09-15 09:00", outcome="发现问题", referred=True)
    # c: found and closed in October after 3 days, referred
    mart_warehouse.visit(c, "2026-10-05 09:00", outcome="发现问题", referred=True)
    mart_warehouse.visit(c, "2026-10-08 09:00", outcome="正常")
    # d: found in October, still open (16 days)
    mart_warehouse.visit(d, "2026-10-15 09:00", outcome="紧急")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["problem_found_count"], figures["problem_closed_count"], figures["problem_referred_count"],
            figures["open_problem_count"], figures["open_problem_long_count"], figures["median_days_to_close"]) == (
        2, 2, 1, 2, 1, 32)


def test_as_of_a_date_before_the_closing_visit_the_problem_is_open(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-02 09:00", outcome="发现问题")
    mart_warehouse.visit(a, "2026-10-20 09:00", outcome="正常")
    early = mart_warehouse.place(OCT, "2026-10-10", code=HEPING)
    assert (early["open_problem_count"], early["problem_closed_count"]) == (1, 0)
    assert mart_warehouse.elder_month(a)["risk_level"] == "高"
    late = mart_warehouse.place(OCT, END, code=HEPING)
    assert (late["open_problem_count"], late["problem_closed_count"]) == (0, 1)


# --- what a visit record writes as 处置结果 and 转介情况 ----------------------------------------------


HANDLING = [("处置结果", "已解决", "已解决"), ("办理结果", "已办结", "已解决"),
            ("处理结果", "问题已处理完毕", "已解决"),
            ("处置结果", "未解决", "未解决"), ("办理结果", "跟进中", "未解决"), ("处置结果", "尚未办结", "未解决"),
            ("处置结果", "", None)]
REFERRAL = [("已转介社区卫生服务中心", True), ("转至街道", True), ("无", False), ("未转介", False), ("", False)]
UNKNOWN_HANDLING = "再说吧"


@pytest.fixture(scope="module")
def column_loads(tmp_path_factory) -> tuple[Warehouse, dict[tuple, object]]:
    """A visits file for each handling and referral cell below (and a handling word nobody knows), loaded in one
    command (one mart build for all): each a visit of its own day, so that none repeats another. Returns the
    warehouse and each file's result, by (its column, its cell)."""
    folder = tmp_path_factory.mktemp("columns")
    cases = ([(header, cell, visit_row(ALICE, outcome="发现问题")) for header, cell, _resolution in HANDLING]
             + [("转介情况", cell, visit_row(ALICE)) for cell, _referred in REFERRAL]
             + [("处置结果", UNKNOWN_HANDLING, visit_row(ALICE))])
    files = []
    for day, (header, cell, row) in enumerate(cases, 1):
        row[VISIT_HEADER.index("探访日期")] = f"2026-10-{day:02d}"
        files.append(write_csv(folder / f"v{day}.csv", [[*VISIT_HEADER, header], [*row, cell]]))
    warehouse = Warehouse(folder / "w.duckdb")
    results = warehouse.ingest(*files)
    return warehouse, {(header, cell): result for (header, cell, _row), result in zip(cases, results, strict=True)}


@pytest.mark.parametrize(("header", "cell", "resolution"), HANDLING)
def test_the_handling_column_is_read_as_handled_or_not(column_loads, header, cell, resolution):
    warehouse, results = column_loads
    result = results[header, cell]
    assert result.rows_loaded == 1
    assert warehouse.rows("select resolution from visit_rows where load_id = ?", [result.load_id]) == [(resolution,)]


@pytest.mark.parametrize(("cell", "referred"), REFERRAL)
def test_the_referral_column_says_whether_the_visit_referred(column_loads, cell, referred):
    warehouse, results = column_loads
    [(is_referred,)] = warehouse.rows("select is_referred from visit_rows where load_id = ?",
                                      [results["转介情况", cell].load_id])
    assert is_referred is referred


def test_a_handling_word_nobody_knows_counts_as_not_handled_and_warns(column_loads):
    warehouse, results = column_loads
    load = [results["处置结果", UNKNOWN_HANDLING].load_id]
    assert warehouse.rows("select resolution from visit_rows where load_id = ?", load) == [("未解决",)]
    assert warehouse.rows("select code, field, message from load_warnings where load_id = ?", load) == [
        ("unknown_value", "resolution", "未知的处置结果: 再说吧, 按未解决计")]
