"""A note a clerk writes in brackets after a name (张三（已故）, 李四(独居)) is not part of the name: a visit
without an ID number that names 张三 links to the roster's 张三（已故） (DESIGN §3: linked by name + community)."""

from __future__ import annotations

import duckdb

from tests.conftest import make_id
from tests.etl.exports import VISIT_HEADER, Warehouse, write_csv

ROSTER = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
ZHANG, LI = make_id("19390303", 3), make_id("19410404", 4)


def roster(folder, name: str = "roster.csv"):
    return write_csv(folder / name, [ROSTER, ["劝业场街道", "花园路", "张 三（已故）", ZHANG, "独居"],
                                     ["劝业场街道", "花园路", "李四(独居)", LI, "独居"]])


def visits(folder, name: str, *rows: list[str]):
    return write_csv(folder / name, [VISIT_HEADER, *rows])


def test_visits_without_an_id_link_by_the_name_before_the_note(tmp_path):
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(roster(tmp_path), visits(tmp_path, "v.csv",
                                              ["", "张三", "花园路", "2026-10-05", "入户", "正常", "网格员甲"],
                                              ["", "李四（独居）", "花园路", "2026-10-06", "电话", "正常", "网格员甲"]))
    assert warehouse.rows("select elder_name from roster_rows order by id_number") == [("张三",), ("李四",)]
    assert warehouse.rows("select elder_id, visit_date::varchar from visits order by visit_date") == [
        (ZHANG, "2026-10-05"), (LI, "2026-10-06")]
    # the note still says what the status cell does not
    assert warehouse.rows("select row_number from load_warnings where code = 'status_in_name'") == [(2,)]


def test_a_warehouse_of_format_6_has_its_names_without_notes_and_a_visit_sent_again_is_still_a_repeat(tmp_path):
    warehouse = Warehouse(tmp_path / "w.duckdb")
    visit = ["", "张三（已故）", "花园路", "2026-10-05", "入户", "正常", "网格员甲"]
    warehouse.ingest(roster(tmp_path), visits(tmp_path, "v1.csv", visit))
    con = duckdb.connect(str(warehouse.settings.db_path))
    # as CareVisit stored them at format 6: the names as written, the visit's key made of that name
    con.execute("update roster_rows set elder_name = '张三（已故）' where id_number = ?", [ZHANG])
    con.execute("update visit_rows set elder_name = '张三（已故）'")
    con.execute("""update visit_rows set dedup_key = xor(xor(dedup_key, md5_number('elder:张三@' || community_code)),
                                                         md5_number('elder:张三（已故）@' || community_code))""")
    con.execute("alter table contact_rows drop column contact_index")
    con.execute("update settings set value = '6' where key = 'format_version'")
    con.close()
    [result] = warehouse.ingest(visits(tmp_path, "v2.csv", visit, [*visit[:3], "2026-10-07", *visit[4:]]))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert [reason[:4] for _, reason in warehouse.rejects(result)] == ["重复记录"]
    assert warehouse.rows("select distinct elder_name from visit_rows union all "
                          "select elder_name from roster_rows where id_number = ?", [ZHANG]) == [("张三",), ("张三",)]
    assert warehouse.one("select count(*) from visits where elder_id = ?", [ZHANG]) == 2


def test_a_transliterated_names_dot_as_any_input_method_types_it_is_one_name(tmp_path):
    # 阿不都·热合曼 on the roster, visits without an ID typed with . • ・ ．; and a warehouse of format 7, which had
    # stored the roster's name as typed (阿不都.热合曼), is brought to the one spelling
    aini = make_id("19380505", 5)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(write_csv(tmp_path / "r.csv", [ROSTER, ["劝业场街道", "花园路", "阿不都.热合曼", aini, "独居"]]))
    con = duckdb.connect(str(warehouse.settings.db_path))
    con.execute("update roster_rows set elder_name = '阿不都.热合曼'")
    con.execute("update settings set value = '7' where key = 'format_version'")
    con.close()
    warehouse.ingest(visits(tmp_path, "v.csv", *(["", name, "花园路", f"2026-10-0{day}", "入户", "正常", "网格员甲"]
                                                 for day, name in enumerate(["阿不都·热合曼", "阿不都•热合曼",
                                                                             "阿不都・热合曼", "阿不都．热合曼"], 1))))
    assert warehouse.rows("select elder_name from roster_rows") == [("阿不都·热合曼",)]
    assert warehouse.one("select count(*) from visits where elder_id = ?", [aini]) == 4
