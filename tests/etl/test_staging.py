"""Staging on a handful of literal rows in memory: each reject reason, warnings and repeats, without files."""

import duckdb
import pyarrow as pa
import pytest

from etl.ingest import FIELDS, stage
from etl.warehouse import write_words
from tests.conftest import make_id, new_mart_warehouse

ALICE = make_id("19400101", 1)
BOB = make_id("19560202", 2)


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    new_mart_warehouse(con)  # schema, macros, configuration and Heping's divisions
    write_words(con)
    yield con
    con.close()


def staged(con, kind: str, *rows: dict, report_unit: str | None = None) -> list[dict]:
    """Stage `rows` (field -> cell text; row numbers from 2, as under a header) and return the staged rows."""
    columns = {"src_id": pa.array(range(2, len(rows) + 2), pa.int32()),
               "row_number": pa.array(range(2, len(rows) + 2), pa.int32())}
    columns |= {field: pa.array([row.get(field) for row in rows], pa.string()) for field in FIELDS[kind]}
    con.register("src", pa.table(columns))
    try:
        stage(con, kind, report_unit)
    finally:
        con.unregister("src")
    result = con.execute("select * from staged order by src_id")
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def roster(id_number: str = ALICE, **cells: str) -> dict:
    return {"id_number": id_number, "name": "张三", "street": "劝业场街道", "community": "花园路",
            "categories": "独居", "status": "在册"} | cells


def visit(id_number: str | None = ALICE, **cells: str) -> dict:
    return {"id_number": id_number, "name": "张三", "community": "花园路", "visit_date": "2026-10-05",
            "method": "入户", "outcome": "正常", "visitor": "网格员甲"} | cells


def test_a_roster_row_is_typed_and_placed(con):
    [row] = staged(con, "roster", roster(categories="独居、失能", living="独居"))
    assert row["reject_reason"] is None
    assert (row["id_number"], row["elder_name"], row["community_code"]) == (ALICE, "张三", "120101001001")
    assert sorted(row["categories"]) == ["失能", "独居"]


@pytest.mark.parametrize(
    ("id_number", "reason"),
    [
        (ALICE[:17] + ("0" if ALICE[17] != "0" else "1"), "身份证号校验位错误"),
        ("1.20101E+17", "身份证号被Excel存成了数字(1.20101E+17), 已无法恢复, 请把该列设为文本后重新导出"),
        ("12010119400101", "身份证号格式不对: 应为18位"),
        (None, "身份证号为空"),
    ],
)
def test_a_roster_row_without_a_usable_id_is_rejected_with_the_reason(con, id_number, reason):
    [row] = staged(con, "roster", roster(id_number))
    assert row["reject_reason"] == reason


def test_a_roster_row_in_an_unknown_community_is_rejected(con):
    [row] = staged(con, "roster", roster(community="幸福里社区"))
    assert row["reject_reason"].startswith("未知社区: 幸福里社区")


def test_the_report_unit_stands_in_for_a_missing_street(con):
    [row] = staged(con, "roster", roster(street=None), report_unit="劝业场街道")
    assert (row["reject_reason"], row["community_code"]) == (None, "120101001001")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"method": "托人带话"}, "未知的探访方式: 托人带话"),
        ({"method": None}, "探访方式为空"),
        ({"visit_date": None}, "探访日期为空"),
        ({"visit_date": "去年"}, "探访日期无法识别: 去年"),
        ({"visit_date": "2099-01-01"}, "探访日期在今天之后: 2099-01-01"),
    ],
)
def test_a_visit_without_a_usable_date_or_method_is_rejected(con, cells, reason):
    [row] = staged(con, "visits", visit(**cells))
    assert row["reject_reason"] == reason


def test_a_visit_without_an_id_is_linked_by_name_and_community(con):
    [row] = staged(con, "visits", visit(None))
    assert (row["reject_reason"], row["elder_name"], row["community_code"]) == (None, "张三", "120101001001")


def test_an_unknown_outcome_loads_and_warns(con):
    [row] = staged(con, "visits", visit(outcome="说不清"))
    assert (row["reject_reason"], row["outcome"]) == (None, "未知")
    assert [w["code"] for w in row["warnings"]] == ["unknown_value"]


def test_a_repeated_visit_is_rejected_naming_the_first_row(con):
    rows = staged(con, "visits", visit(), visit(BOB, name="李四"), visit())
    assert [row["reject_reason"] for row in rows] == [None, None, "重复记录 (与第 2 行相同)"]


def test_visits_differing_in_method_or_time_are_no_repeats(con):
    rows = staged(con, "visits", visit(), visit(method="电话"), visit(visit_date="2026-10-05 15:00"))
    assert [row["reject_reason"] for row in rows] == [None, None, None]


# --- moved from test_ingest.py: the same rules, on literal rows instead of files ------------------


@pytest.mark.parametrize(
    ("method", "outcome", "reason"),
    [("托人带话", "正常", "未知的探访方式: 托人带话"), ("", "正常", "探访方式为空")],
)
def test_visit_values_outside_the_vocabulary_are_rejected(con, method, outcome, reason):
    rows = staged(con, "visits", visit(method=method, outcome=outcome))
    assert [(row["row_number"], row["reject_reason"]) for row in rows] == [(2, reason)]


def test_a_phone_number_typed_in_any_column_is_masked_in_the_warning(con):
    [row] = staged(con, "roster", roster(status="13812345678", consent=f"问{ALICE}"))
    warnings = [(w["value"], w["message"]) for w in sorted(row["warnings"], key=lambda w: w["field"])]
    masked_id = f"问{ALICE[:4]}**********{ALICE[-4:]}"
    assert warnings == [(masked_id, f"未知的探访意愿: {masked_id}"), ("138****5678", "未知的在册状态: 138****5678")]


@pytest.mark.parametrize(
    ("birth", "warned"),
    [("1940.01", False), ("1940-01", False), ("1940年01月", False), ("194001", False), ("1940", False),
     ("1940-01-01", False), ("1941.01", True), ("1940.02", True), ("不详", True)],
)
def test_a_birth_year_month_agreeing_with_the_id_does_not_warn(con, birth, warned):
    [row] = staged(con, "roster", roster(birth_date=birth))
    assert row["reject_reason"] is None
    assert any(w["field"] == "birth_date" for w in row["warnings"]) is warned
