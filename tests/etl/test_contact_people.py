"""A contact list naming several contact people on a row (the plans: 一名或多名联系人), as the templates write them:
numbered (联系人1 … 联系人2 …, 第一联系人 … 第二联系人 …) or the same columns again. Each person is stored and
counts for 失能帮扶率; the file still balances row for row (DESIGN §3, §4)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import openpyxl
import pytest

from tests.conftest import make_id
from tests.etl.exports import VISIT_HEADER, Warehouse, visit_row, write_csv, write_xlsx
from tests.etl.test_corrections import corrections_workbook, fix

ROSTER = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
DISABLED = [make_id("19380101", n) for n in range(1, 7)]  # six elders, 失能
NAMES = ["甲一", "乙二", "丙三", "丁四", "戊五", "己六"]


def roster_and_visit(folder: Path) -> list[Path]:
    """The six 失能 elders on a roster, and a visit that sets the month (2026-10) the marts count."""
    roster = write_csv(folder / "底册.csv", [["填报日期：2026年10月1日"], ROSTER,
                                            *[["劝业场街道", "花园路", name, id_number, "失能"]
                                              for name, id_number in zip(NAMES, DISABLED, strict=True)]])
    visits = write_csv(folder / "探访.csv", [VISIT_HEADER, visit_row(DISABLED[0], when="2026-10-05")])
    return [roster, visits]


def in_force(warehouse: Warehouse) -> list[tuple]:
    """Each elder's contact people on the lists in force now."""
    return warehouse.rows("select elder_id, contact_name from designated_contacts where valid_to is null"
                          " order by elder_id")


def load(folder: Path, contacts: Path) -> tuple[Warehouse, object]:
    """The roster and visit, then `contacts` in a command of its own, as a street sends its list: the first two are
    the same bytes in every test, loaded once a process (Warehouse.ingest), and each test pays for its list only."""
    warehouse = Warehouse(folder / "w.duckdb")
    warehouse.ingest(*roster_and_visit(folder))
    [result] = warehouse.ingest(contacts)
    assert (result.status, result.kind) == ("loaded", "contacts"), result
    return warehouse, result


def stored(warehouse: Warehouse, result) -> list[tuple]:
    return warehouse.rows("select row_number, contact_index, contact_name, relation, contact_phone, has_key"
                          " from contact_rows where load_id = ? order by row_number, contact_index", [result.load_id])


def helped(warehouse: Warehouse) -> dict[str, bool]:
    return dict(warehouse.rows("select elder_id, is_helped from elder_months where month = '2026-10'"))


def test_a_row_naming_someone_else_beside_an_elders_id_number_is_pointed_out(tmp_path):
    # as a visit record's are (name_differs): counted to the ID number's elder, once a row though it names two people
    # (review 10a: a contact list's had loaded without a word)
    header = ["社区", "老人姓名", "身份证号", "联系人1姓名", "联系人1电话", "联系人2姓名", "联系人2电话"]
    rows = [["花园路", "乙二", DISABLED[0], "李明", "13900000001", "王芳", "13900000002"],
            ["花园路", "乙二", DISABLED[1], "赵强", "13900000003", "", ""]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [header, *rows]))
    assert warehouse.rows("select message from load_alerts where load_id = ?", [result.load_id]) == [(
        "联系人.csv: 第 2 行的姓名与底册中该身份证号的老人姓名不同: 按身份证号计为该老人的联系人, "
        "请核对是身份证号还是姓名写错",)]


def test_numbered_contact_people_are_each_stored_and_the_second_ones_phone_helps(tmp_path):
    header = ["街道", "社区", "老人姓名", "身份证号", "联系人1姓名", "联系人1电话", "与联系人1关系",
              "联系人2姓名", "联系人2电话", "联系人2关系", "确定日期"]
    rows = [
        ["劝业场", "花园路", "甲一", DISABLED[0], "李明", "13900000001", "儿子", "王芳", "13900000002", "女儿",
         "2026-09-01"],
        # the first has no phone: the second is who the community can call
        ["劝业场", "花园路", "乙二", DISABLED[1], "赵六", "", "邻居", "孙七", "13900000003", "网格员", "2026-09-01"],
        # only the second person is written
        ["劝业场", "花园路", "丙三", DISABLED[2], "", "", "", "周八", "13900000004", "侄子", ""],
        # nobody yet: the elder is listed, without a contact person
        ["劝业场", "花园路", "丁四", DISABLED[3], "", "", "", "", "", "", ""],
        # one person without a valid phone
        ["劝业场", "花园路", "戊五", DISABLED[4], "吴九", "1390000", "老伴", "", "", "", ""],
    ]
    warehouse, result = load(tmp_path, write_xlsx(tmp_path / "联系人.xlsx", [header, *rows]))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 5, 0)
    assert stored(warehouse, result) == [
        (2, 1, "李明", "儿子", "13900000001", None), (2, 2, "王芳", "女儿", "13900000002", None),
        (3, 1, "赵六", "邻居", None, None), (3, 2, "孙七", "网格员", "13900000003", None),
        (4, 1, "周八", "侄子", "13900000004", None),
        (5, 1, None, None, None, None),
        (6, 1, "吴九", "老伴", None, None)]
    assert warehouse.rows("select row_number, message from load_warnings where load_id = ? order by all",
                          [result.load_id]) == [(6, "联系人电话无效: 13***00")]  # no 重复的列: every column is read
    assert helped(warehouse) == dict(zip(DISABLED, [True, True, True, False, False, False], strict=True))


@pytest.mark.parametrize(("header", "name"), [
    (["老人姓名", "身份证号", "社区", "联系人", "关系", "联系电话", "联系人", "关系", "联系电话"], "again.csv"),
    (["老人姓名", "身份证号", "社区", "第一联系人", "关系", "电话", "第二联系人", "关系", "电话"], "chinese.csv"),
    (["老人姓名", "身份证号", "社区", "联系人(一)", "关系(1)", "联系电话(1)", "联系人(二)", "关系(2)", "联系电话(2)"],
     "bracketed.csv"),
])
def test_contact_people_written_again_or_numbered_in_words_are_each_read(tmp_path, header, name):
    rows = [["甲一", DISABLED[0], "花园路", "李明", "儿子", "13900000001", "王芳", "女儿", "13900000002"],
            ["乙二", DISABLED[1], "花园路", "赵六", "邻居", "", "孙七", "网格员", "13900000003"]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / name, [header, *rows]))
    assert stored(warehouse, result) == [
        (2, 1, "李明", "儿子", "13900000001", None), (2, 2, "王芳", "女儿", "13900000002", None),
        (3, 1, "赵六", "邻居", None, None), (3, 2, "孙七", "网格员", "13900000003", None)]
    assert warehouse.rows("select message from load_warnings where load_id = ?", [result.load_id]) == []
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, True]


def test_a_row_repeating_another_with_the_same_people_is_rejected_and_one_with_another_second_person_is_not(tmp_path):
    header = ["老人姓名", "身份证号", "社区", "联系人1", "联系人1电话", "联系人2", "联系人2电话", "联系人2是否有钥匙"]
    first = ["甲一", DISABLED[0], "花园路", "李明", "13900000001", "王芳", "13900000002", "是"]
    rows = [first, first, [*first[:5], "孙七", "13900000003", "说不清"]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "重复.csv", [header, *rows]))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert warehouse.rejects(result) == [(3, "重复记录 (与第 2 行相同)")]
    # kept aside, but with nothing to correct: it waits for no 退回修改
    assert warehouse.rows("select row_number, is_waiting from rejected_rows") == [(3, False)]
    assert warehouse.one("select waiting_count from load_history where load_id = ?", [result.load_id]) == 0
    assert [(row, index, name, key) for row, index, name, _, _, key in stored(warehouse, result)] == [
        (2, 1, "李明", None), (2, 2, "王芳", "是"), (4, 1, "李明", None), (4, 2, "孙七", None)]
    assert warehouse.rows("select row_number, message from load_warnings where load_id = ?", [result.load_id]) == [
        (4, "未知的联系人2是否有钥匙: 说不清")]


def test_a_second_contact_of_whom_only_the_key_column_is_filled_is_no_one(tmp_path):
    """A template's 是否有钥匙 under 联系人2 filled in (否) with no second person written had made a second contact
    person without a name, warned about as unnamed, on the elder's list."""
    header = ["老人姓名", "身份证号", "社区", "联系人1", "联系人1电话", "联系人1是否有钥匙", "联系人2", "联系人2电话",
              "联系人2是否有钥匙"]
    rows = [["甲一", DISABLED[0], "花园路", "李明", "13900000001", "是", "", "", "否"],
            ["乙二", DISABLED[1], "花园路", "", "", "否", "", "", "否"]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "钥匙.csv", [header, *rows]))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0)
    assert [(row, index, name) for row, index, name, *_ in stored(warehouse, result)] == [
        (2, 1, "李明"), (3, 1, None)]
    assert warehouse.rows("select row_number, message from load_warnings where load_id = ?", [result.load_id]) == []
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, False]


def test_a_warehouse_of_format_6_keeps_its_contacts_as_each_rows_first_and_balances(tmp_path):
    header = ["老人姓名", "身份证号", "社区", "联系人", "联系电话"]
    warehouse, _ = load(tmp_path, write_csv(tmp_path / "c1.csv", [header, ["甲一", DISABLED[0], "花园路", "李明",
                                                                          "13900000001"]]))
    con = duckdb.connect(str(warehouse.settings.db_path))
    con.execute("alter table contact_rows drop column contact_index")  # as CareVisit wrote it at format 6
    con.execute("update settings set value = '6' where key = 'format_version'")
    con.close()
    [result] = warehouse.ingest(write_csv(tmp_path / "c2.csv", [
        ["老人姓名", "身份证号", "社区", "联系人1", "联系人1电话", "联系人2", "联系人2电话"],
        ["乙二", DISABLED[1], "花园路", "赵六", "13900000005", "孙七", "13900000006"]]))
    assert result.status == "loaded", result
    assert warehouse.rows("select contact_name, contact_index from contact_rows order by load_id, contact_index") == [
        ("李明", 1), ("赵六", 1), ("孙七", 2)]


def test_a_contact_list_naming_the_assigned_cadre_包联人_as_contact_person_loads(tmp_path):
    # the plans name 网格员 and other helpers as contact people; some lists call them 包联人
    header = ["老人姓名", "身份证号", "社区", "包联人", "包联人电话"]
    rows = [["甲一", DISABLED[0], "花园路", "网格员甲", "13900000001"], ["乙二", DISABLED[1], "花园路", "网格员乙", ""]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "包联.csv", [header, *rows]))
    assert stored(warehouse, result) == [(2, 1, "网格员甲", None, "13900000001", None),
                                         (3, 1, "网格员乙", None, None, None)]
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, False]


LIST_HEADER = ["老人姓名", "身份证号", "社区", "联系人", "联系人电话"]


def dated_list(path: Path, date: str, *rows: list[str]) -> Path:
    """A contact list with its 填报日期 above the header."""
    return write_csv(path, [[f"填报日期：{date}"], LIST_HEADER, *rows])


def test_a_contact_list_sent_for_one_community_replaces_that_communitys_contact_people_only(tmp_path):
    street = dated_list(tmp_path / "劝业场街道.csv", "2026年10月1日",
                        ["甲一", DISABLED[0], "花园路", "李明", "13900000001"],
                        ["乙二", DISABLED[1], "滨西", "赵六", "13900000002"])
    community = dated_list(tmp_path / "滨西社区.csv", "2026年10月3日", ["乙二", DISABLED[1], "滨西", "孙七", ""])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(*roster_and_visit(tmp_path), street, community)
    # 花园路's contact person stays; 滨西's list is the newer one
    assert in_force(warehouse) == [
        (DISABLED[0], "李明"), (DISABLED[1], "孙七")]
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, False]


def test_a_community_list_replaces_a_street_list_without_communities_in_that_community_only(tmp_path):
    # probe M: a street's list without a 社区 column, then 花园路's own list: 滨西's elders had lost their contact
    # people (its help rate 3/5 → 0/5); a newer list of the whole street replaces both
    roster = write_csv(tmp_path / "底册.csv", [ROSTER, ["劝业场街道", "花园路", "甲一", DISABLED[0], "失能"],
                                               ["劝业场街道", "滨西", "乙二", DISABLED[1], "失能"]])
    visits = write_csv(tmp_path / "探访.csv", [VISIT_HEADER, visit_row(DISABLED[0], when="2026-10-05")])
    header = ["街道", "老人姓名", "身份证号", "联系人", "联系人电话"]
    street = write_csv(tmp_path / "劝业场街道.csv", [
        ["填报日期：2026年10月1日"], header, ["劝业场街道", "甲一", DISABLED[0], "李明", "13900000001"],
        ["劝业场街道", "乙二", DISABLED[1], "赵六", "13900000002"]])
    community = write_csv(tmp_path / "花园路社区.csv", [
        ["填报日期：2026年10月20日"], ["老人姓名", "身份证号", "社区", "联系人", "联系人电话"],
        ["甲一", DISABLED[0], "花园路", "王芳", "13900000003"]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(roster, visits, street, community)
    assert in_force(warehouse) == [
        (DISABLED[0], "王芳"), (DISABLED[1], "赵六")]
    newer = write_csv(tmp_path / "劝业场街道_10月25日.csv", [
        ["填报日期：2026年10月25日"], header, ["劝业场街道", "甲一", DISABLED[0], "周八", "13900000004"],
        ["劝业场街道", "乙二", DISABLED[1], "吴九", "13900000005"]])
    warehouse.ingest(newer)
    assert in_force(warehouse) == [
        (DISABLED[0], "周八"), (DISABLED[1], "吴九")]


def test_a_rejected_row_with_its_contact_columns_written_twice_is_corrected_with_both_people(tmp_path):
    header = ["老人姓名", "身份证号", "社区", "联系人", "关系", "电话", "联系人", "关系", "电话"]
    bad = DISABLED[1][:17] + ("0" if DISABLED[1][17] != "0" else "1")  # a wrong check digit
    warehouse, result = load(tmp_path, write_csv(tmp_path / "两人.csv", [
        header, ["甲一", DISABLED[0], "花园路", "李明", "儿子", "13900000001", "王芳", "女儿", "13900000002"],
        ["乙二", bad, "花园路", "", "", "", "孙七", "邻居", "13900000003"]]))
    assert warehouse.rejects(result) == [(3, "身份证号校验位错误")]
    book = corrections_workbook(warehouse, result.load_id)
    assert [cell.value for cell in book.active[3]][2:] == header  # as the file wrote it
    fix(book.active, 3, "身份证号", DISABLED[1])
    book.save(tmp_path / "两人_退回修改.xlsx")
    [corrected] = warehouse.ingest(tmp_path / "两人_退回修改.xlsx")
    assert (corrected.status, corrected.rows_loaded, corrected.rows_rejected) == ("loaded", 1, 0)
    assert stored(warehouse, result)[-1:] == [(3, 1, "孙七", "邻居", "13900000003", None)]
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, True]


def test_a_list_corrected_then_sent_again_as_it_was_keeps_the_contact_people_fixed(tmp_path):
    """The list's row 3 fixed through the corrections workbook, then the same list sent again as a CSV: a new list of
    the street, which replaces the one the fixed row joined. Its row 3, wrong as it was, had been rejected again: the
    elder lost both contact people and the row waited to be fixed again."""
    header = ["老人姓名", "身份证号", "社区", "联系人1", "关系1", "电话1", "联系人2", "关系2", "电话2"]
    bad = DISABLED[1][:17] + ("0" if DISABLED[1][17] != "0" else "1")  # a wrong check digit
    rows = [header, ["甲一", DISABLED[0], "花园路", "李明", "儿子", "13900000001", "", "", ""],
            ["乙二", bad, "花园路", "周八", "女儿", "13900000002", "孙七", "邻居", "13900000003"]]
    warehouse, result = load(tmp_path, write_xlsx(tmp_path / "联系人.xlsx", rows))
    book = corrections_workbook(warehouse, result.load_id)
    fix(book.active, 3, "身份证号", DISABLED[1])
    book.save(tmp_path / "联系人_退回修改.xlsx")
    [corrected] = warehouse.ingest(tmp_path / "联系人_退回修改.xlsx")
    before = in_force(warehouse), helped(warehouse)
    assert before[1][DISABLED[1]] is True

    [again] = warehouse.ingest(write_csv(tmp_path / "联系人（转发）.csv", rows))
    assert (again.status, again.rows_loaded, again.rows_rejected, again.message) == (
        "loaded", 2, 0, "之前已退回修改并已改正的 1 行随本文件按原样重新报来: 按改正后的内容导入, 无需再改")
    assert stored(warehouse, again) == [(2, 1, "李明", "儿子", "13900000001", None),
                                        (3, 1, "周八", "女儿", "13900000002", None),
                                        (3, 2, "孙七", "邻居", "13900000003", None)]
    assert (in_force(warehouse), helped(warehouse)) == before
    assert warehouse.rows("select count(*) from rejects where resolved_by is null") == [(0,)]
    assert warehouse.rows("select message from load_warnings where load_id = ? and code = 'corrected_before'",
                          [again.load_id]) == [(f"第 3 行之前已退回修改并已改正 (批次 {corrected.load_id}): "
                                                "按改正后的内容导入, 无需再改",)]


def test_a_rejected_row_of_a_list_with_the_elders_phone_before_the_contact_person_is_corrected_as_it_was_written(
        tmp_path):
    """Two columns 联系电话, the elder's and then the contact person's (review 2026-12-04: the corrections workbook
    named the second 联系电话 (2), read back as a second contact person's, and the elder's phone became the
    contact's)."""
    header = ["老人姓名", "身份证号", "社区", "联系电话", "联系人姓名", "与老人关系", "联系电话"]
    bad = DISABLED[1][:17] + ("0" if DISABLED[1][17] != "0" else "1")
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [
        header, ["甲一", DISABLED[0], "花园路", "13900000011", "李明", "儿子", "13811111111"],
        ["乙二", bad, "花园路", "13900000012", "孙七", "女儿", "13811111112"]]))
    book = corrections_workbook(warehouse, result.load_id)
    assert [cell.value for cell in book.active[3]][2:] == header
    fix(book.active, 3, "身份证号", DISABLED[1])
    book.save(tmp_path / "联系人_退回修改.xlsx")
    [corrected] = warehouse.ingest(tmp_path / "联系人_退回修改.xlsx")
    assert (corrected.rows_loaded, corrected.rows_rejected) == (1, 0)
    assert stored(warehouse, result) == [(2, 1, "李明", "儿子", "13811111111", None),
                                         (3, 1, "孙七", "女儿", "13811111112", None)]


def test_the_elder_written_as_their_own_contact_person_helps_nobody_and_says_so(tmp_path):
    header = ["街道", "社区", "老人姓名", "身份证号", "联系人姓名", "关系", "联系电话"]
    rows = [["劝业场", "花园路", "甲一", DISABLED[0], "甲一", "", "13900000001"],  # the elder's own name
            ["劝业场", "花园路", "乙二", DISABLED[1], "赵六", "本人", "13900000002"],
            ["劝业场", "花园路", "丙三", DISABLED[2], "孙七", "儿子", "13900000003"],
            ["劝业场", "花园路", "丁四", DISABLED[3], "丁四（本人）", "", "13900000004"]]
    contacts = write_csv(tmp_path / "联系人.csv", [header, *rows])
    warehouse, result = load(tmp_path, contacts)
    assert [helped(warehouse)[elder] for elder in DISABLED[:4]] == [False, False, True, False]
    assert warehouse.rows("select row_number, message from load_warnings where code = 'self_contact'"
                          " order by row_number") == [
        (row, "联系人是老人本人, 不计为社区帮扶的联系人") for row in (2, 3, 5)]


@pytest.mark.parametrize("header", ["联系人及电话", "联系人"])
def test_a_contact_persons_name_and_phone_in_one_cell_are_the_name_and_the_phone(tmp_path, header):
    cells = ["李明 13900000001", "王芳/女儿/139-0000-0002", "赵六（儿子）13900000003", "13900000004 孙七",
             "周八 13900000005；吴九 13900000006"]
    rows = [["劝业场", "花园路", NAMES[n], DISABLED[n], cell] for n, cell in enumerate(cells)]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [
        ["街道", "社区", "老人姓名", "身份证号", header], *rows]))
    assert (result.rows_loaded, result.warning_count) == (5, 0)
    # two people with their phones in one cell are a contact person each (the second was lost without a word)
    assert [row[2:5] for row in stored(warehouse, result)] == [
        ("李明", None, "13900000001"), ("王芳", "女儿", "13900000002"), ("赵六", "儿子", "13900000003"),
        ("孙七", None, "13900000004"), ("周八", None, "13900000005"), ("吴九", None, "13900000006")]
    assert [helped(warehouse)[elder] for elder in DISABLED[:5]] == [True] * 5


def test_a_grid_worker_given_beside_the_contact_person_is_a_contact_person_too(tmp_path):
    # the policy names the 网格员 first among those who may be a disabled elder's designated contact
    header = ["社区", "老人姓名", "身份证号", "联系人", "关系", "联系电话", "网格员", "网格员电话"]
    rows = [["花园路", "甲一", DISABLED[0], "李明", "儿子", "13900000001", "张网格", "13900000011"],
            ["花园路", "乙二", DISABLED[1], "", "", "", "张网格", "13900000011"],
            ["花园路", "丙三", DISABLED[2], "无", "", "", "", ""]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [header, *rows]))
    assert (result.rows_loaded, result.warning_count) == (3, 0)
    assert [row[:5] for row in stored(warehouse, result)] == [
        (2, 1, "李明", "儿子", "13900000001"), (2, 2, "张网格", None, "13900000011"),
        (3, 1, "张网格", None, "13900000011"), (4, 1, None, None, None)]
    assert [helped(warehouse)[elder] for elder in DISABLED[:3]] == [True, True, False]


def test_a_post_or_relative_with_the_persons_name_in_brackets_is_that_person_and_a_warning_quotes_no_name(tmp_path):
    # probe M: 网格员（张红） had been no person and 网格员13700000001, beside a phone column, a person; a warning
    # quoted 女儿（王芳） whole, a name in clear (DESIGN §6)
    header = ["社区", "老人姓名", "身份证号", "联系人", "联系电话", "设立时间"]
    rows = [["花园路", "甲一", DISABLED[0], "网格员（张红）", "13900000001", "2026年9月"],
            ["花园路", "乙二", DISABLED[1], "女儿（王芳）", "13900000002", "2026.9.1"],
            ["花园路", "丙三", DISABLED[2], "网格员13900000003", "13900000003", ""],
            ["花园路", "丁四", DISABLED[3], "女儿 13900000004", "13900000004", ""],
            ["花园路", "戊五", DISABLED[4], "女儿（电话同上）", "13900000005", ""],
            # set after the month counted: no help in it (设立时间 had been an unknown column, the date lost)
            ["花园路", "己六", DISABLED[5], "孙七", "13900000006", "2026年11月"]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [header, *rows]))
    assert [row[2:5] for row in stored(warehouse, result)] == [
        ("张红", "网格员", "13900000001"), ("王芳", "女儿", "13900000002"), ("网格员", None, "13900000003"),
        ("女儿", None, "13900000004"), ("女儿（电话同上）", None, "13900000005"), ("孙七", None, "13900000006")]
    assert warehouse.rows("select set_date::varchar from contact_rows where load_id = ? order by row_number",
                          [result.load_id]) == [("2026-09-01",), ("2026-09-01",), (None,), (None,), (None,),
                                                ("2026-11-01",)]
    assert [helped(warehouse)[elder] for elder in DISABLED] == [True, True, False, False, False, False]
    assert warehouse.rows("select row_number, message from load_warnings where load_id = ? order by row_number",
                          [result.load_id]) == [
        (4, "联系人写的是单位或岗位 (网格员), 不是具体的人: 不计为社区帮扶的联系人"),
        (5, "联系人只写了「女儿」, 没有写姓名: 不计为社区帮扶的联系人"),
        (6, "联系人只写了「女儿」, 没有写姓名: 不计为社区帮扶的联系人")]


def test_a_contact_person_without_a_phone_or_a_name_is_said_not_to_count(tmp_path):
    # probe M: such people counted for no one without a word; 无 was an invalid phone, 1.38001E+10 left unexplained
    header = ["社区", "老人姓名", "身份证号", "联系人", "联系电话"]
    rows = [["花园路", "甲一", DISABLED[0], "李明", ""],
            ["花园路", "乙二", DISABLED[1], "", "13900000002"],
            ["花园路", "丙三", DISABLED[2], "赵六", "无"],
            ["花园路", "丁四", DISABLED[3], "孙七", "1.38001E+10"],
            ["花园路", "戊五", DISABLED[4], "", ""],  # no contact person yet: nothing to say
            ["花园路", "己六", DISABLED[5], "周八", "13900000006"]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [header, *rows]))
    assert [helped(warehouse)[elder] for elder in DISABLED] == [False] * 5 + [True]
    assert warehouse.rows("select row_number, code, message from load_warnings where load_id = ? order by row_number",
                          [result.load_id]) == [
        (2, "no_phone_contact", "联系人没有写电话: 不计为社区帮扶的联系人"),
        (3, "unnamed_contact", "联系人只写了电话, 没有写姓名: 不计为社区帮扶的联系人"),
        (4, "no_phone_contact", "联系人没有写电话: 不计为社区帮扶的联系人"),
        (5, "invalid_phone", "联系人电话被Excel存成了数字 (1.38001E+10), 号码已不完整: 请把该列设为文本后重新导出")]


def test_a_phone_excel_wrote_in_scientific_notation_counts_only_when_every_digit_is_there(tmp_path):
    # attack 2026-12-04: 1.3912345E+10 was read as the local number 3912345, and counted for 社区帮扶
    header = ["社区", "老人姓名", "身份证号", "联系人", "联系电话"]
    rows = [["花园路", "甲一", DISABLED[0], "李明", "1.3912345E+10"],
            ["花园路", "乙二", DISABLED[1], "赵六", "1.38000011E10"],
            ["花园路", "丙三", DISABLED[2], "孙七", "1.3900000003E+10"]]  # eleven digits: the number, whole
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [header, *rows]))
    assert [helped(warehouse)[elder] for elder in DISABLED[:3]] == [False, False, True]
    assert warehouse.rows("select contact_phone from contact_rows where load_id = ? and row_number = 4",
                          [result.load_id]) == [("13900000003",)]
    assert warehouse.rows("select row_number, message from load_warnings where load_id = ? order by row_number",
                          [result.load_id]) == [
        (2, "联系人电话被Excel存成了数字 (1.39***45E+10), 号码已不完整: 请把该列设为文本后重新导出"),
        (3, "联系人电话被Excel存成了数字 (1.38****11E10), 号码已不完整: 请把该列设为文本后重新导出")]


def test_a_newer_contact_list_changes_no_month_that_ended_before_its_date(tmp_path):
    # probe M: 花园路's November list (dated 11-05) without October's contact people took October's help rate from
    # 8/10 to 0/10; a list is in force from its 填报日期 until the next, as a roster is (DESIGN §4, roster history)
    october = dated_list(tmp_path / "花园路联系人_10月.csv", "2026年10月1日",
                         ["甲一", DISABLED[0], "花园路", "李明", "13900000001"],
                         ["乙二", DISABLED[1], "花园路", "赵六", "13900000002"])
    november = dated_list(tmp_path / "花园路联系人_11月.csv", "2026年11月5日",
                          ["甲一", DISABLED[0], "花园路", "李明", "13900000001"],
                          ["丙三", DISABLED[2], "花园路", "孙七", "13900000003"])
    visits = write_csv(tmp_path / "探访_11月.csv", [VISIT_HEADER, visit_row(DISABLED[0], when="2026-11-20")])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(*roster_and_visit(tmp_path), october, visits, november)
    by_month = warehouse.rows("select month, elder_id from elder_months where is_helped order by all")
    assert by_month == [("2026-10", DISABLED[0]), ("2026-10", DISABLED[1]),
                        ("2026-11", DISABLED[0]), ("2026-11", DISABLED[2])]
    assert warehouse.rows("select month, disabled_with_contact, disabled_count from place_months"
                          " where code = '120101001001' order by month") == [("2026-10", 2, 6), ("2026-11", 2, 6)]
    # the street's newest list is the one the 数据 page names
    assert warehouse.rows("select contacts_date from street_freshness where contacts_file is not null") == [
        (dt.date(2026, 11, 5),)]


def test_the_elders_own_phone_written_before_the_contact_person_is_not_the_contacts(tmp_path):
    # probe Q: 联系电话 twice, the elder's beside their ID and the contact's after 联系人: the elder's had been taken
    # for the contact's and the contact's dropped as a repeated column, so a contact without a phone counted as help
    header = ["姓名", "身份证号", "社区", "联系电话", "联系人", "与老人关系", "联系电话"]
    contacts = write_csv(tmp_path / "联系人.csv", [
        header, ["甲一", DISABLED[0], "花园路", "13800000001", "李明", "儿子", ""],
        ["乙二", DISABLED[1], "花园路", "13800000002", "王芳", "女儿", "13900000002"]])
    warehouse, result = load(tmp_path, contacts)
    assert [row[2:5] for row in stored(warehouse, result)] == [("李明", "儿子", None), ("王芳", "女儿", "13900000002")]
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [False, True]
    # the elder's own phone is said not to be imported, as a column naming a field twice is
    assert warehouse.rows("select message from load_warnings where load_id = ? and code = 'duplicate_column'",
                          [result.load_id]) == [("重复的列, 未导入: 联系电话",)]


def test_a_contact_list_of_the_changes_only_is_flagged_after_its_load(tmp_path):
    """A street sent its full list of five, then 联系人变更 with the one it changed: the newer list replaces the older
    one, and four elders counted without a contact person (帮扶率 5/5 to 1/5), with no word (review 2026-12-04). The
    clerk is told after the load, as of a roster that drops many; a full list sent again says nothing."""
    from tests.conftest import run_cli

    header = ["老人姓名", "身份证号", "社区", "联系人", "联系电话"]
    rows = [[name, id_number, "花园路", f"联系人{n}", f"1390000000{n}"]
            for n, (name, id_number) in enumerate(zip(NAMES[:5], DISABLED[:5], strict=True))]
    db = str(tmp_path / "w.duckdb")
    full = write_csv(tmp_path / "联系人.csv", [["填报日期：2026年10月10日"], header, *rows])
    assert run_cli("ingest", *map(str, roster_and_visit(tmp_path)), str(full), "--db", db).returncode == 0
    change = write_csv(tmp_path / "联系人变更.csv", [["填报日期：2026年10月20日"], header, [*rows[0][:3], "新联系人",
                                                                                   "13900000009"]])
    done = run_cli("ingest", str(change), "--db", db)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert ("请注意: 联系人变更.csv: 上一份联系人名单 (联系人.csv) 中的 5 位老人有 4 位 (占 80%) 本名单没有列出: "
            "新名单替换上一份") in said, said
    again = write_csv(tmp_path / "联系人11月.csv", [["填报日期：2026年10月25日"], header, *rows])
    done = run_cli("ingest", str(again), "--db", db)
    assert done.returncode == 0 and "请注意" not in done.stderr, done.stderr
    # the rosters say two of them died: a list without them is complete (probe 27 L1: the street was told to send
    # a complete list over them)
    died = write_csv(tmp_path / "底册10月28日.csv", [["填报日期：2026年10月28日"], [*ROSTER, "状态", "变动日期"], *[
        ["劝业场街道", "花园路", name, id_number, "失能", *(("死亡", "2026-10-26") if n >= 3 else ("在册", ""))]
        for n, (name, id_number) in enumerate(zip(NAMES, DISABLED, strict=True))]])
    living = write_csv(tmp_path / "联系人10月30日.csv", [["填报日期：2026年10月30日"], header, *rows[:3]])
    done = run_cli("ingest", str(died), str(living), "--db", db)
    assert done.returncode == 0 and "本名单没有列出" not in done.stderr, done.stderr


@pytest.mark.parametrize(("top", "sub", "merges", "people"), [
    # the template's 联系人 over 姓名 关系 联系电话: refused for want of a 联系人 column (review 2026-12-04)
    (["老人姓名", "身份证号", "社区", "联系人", None, None], [None, None, None, "姓名", "关系", "联系电话"],
     ("A1:A2", "B1:B2", "C1:C2", "D1:F1"), [["李明", "儿子", "13900000001"], ["赵六", "邻居", "13900000003"]]),
    # 联系人1 and 联系人2 over 姓名 电话: both phones dropped as the same column twice
    (["老人姓名", "身份证号", "社区", "联系人1", None, "联系人2", None],
     [None, None, None, "姓名", "电话", "姓名", "电话"], ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:G1"),
     [["李明", "13900000001", "", ""], ["", "", "赵六", "13900000003"]]),
])
def test_contact_people_under_a_title_over_two_header_rows_are_read_with_their_phones(tmp_path, top, sub, merges,
                                                                                       people):
    rows = [[name, id_number, "花园路", *cells]
            for name, id_number, cells in zip(NAMES, DISABLED, people, strict=False)]
    warehouse, result = load(tmp_path, write_xlsx(tmp_path / "联系人表.xlsx", [top, sub, *rows], merges))
    assert (result.rows_read, result.rows_loaded) == (2, 2)
    assert [(name, phone) for _, _, name, _, phone, _ in stored(warehouse, result)] == [
        ("李明", "13900000001"), ("赵六", "13900000003")]
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, True]


def test_a_street_that_sent_no_contact_list_is_said_to_have_sent_none_not_to_help_nobody(tmp_path, capsys,
                                                                                         monkeypatch):
    """Review 6b M1: with no 联系人情况表 from a street, its 失能帮扶率 is 0 % as DESIGN §4 counts it, and the 汇总表,
    the 通报 and the command line had printed 0.0 % as if no disabled elder had a contact person. They say
    未报送联系人情况表 there; a street that sent its list keeps its rate; the district's counts both, and says so."""
    import docx

    from etl.cli import main

    south = [make_id("19380101", n) for n in range(11, 14)]  # three 失能 elders in 南市街道, which sent no list
    south_names = ("庚七", "辛八", "壬九")
    roster = write_csv(tmp_path / "底册.csv", [["填报日期：2026年10月1日"], ROSTER,
                                              *[["劝业场街道", "花园路", name, id_number, "失能"]
                                                for name, id_number in zip(NAMES, DISABLED, strict=True)],
                                              *[["南市街道", "庆有西里", name, id_number, "失能"]
                                                for name, id_number in zip(south_names, south, strict=True)]])
    visits = write_csv(tmp_path / "探访.csv", [VISIT_HEADER, visit_row(DISABLED[0], when="2026-10-05")])
    contacts = write_csv(tmp_path / "联系人.csv", [["老人姓名", "身份证号", "社区", "联系人", "联系电话"],
                                                 *[[name, id_number, "花园路", "李明", "13900000001"]
                                                   for name, id_number in zip(NAMES[:3], DISABLED, strict=False)]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(result.status == "loaded" for result in warehouse.ingest(roster, visits, contacts))
    assert warehouse.rows("select name, disabled_count, disabled_with_contact, help_rate, disabled_unreported_count "
                          "from place_months where month = '2026-10' and level <> 'community' and disabled_count > 0 "
                          "order by code") == [
        ("和平区", 9, 3, 3 / 9, 3), ("劝业场街道", 6, 3, 0.5, 0), ("南市街道", 3, 0, 0.0, 3)]
    db = str(warehouse.settings.db_path)

    capsys.readouterr()
    monkeypatch.setenv("COLUMNS", "200")  # the table's cells on one line each
    assert main(["metrics", "--month", "2026-10", "--level", "street", "--db", db]) == 0
    cells = {row[0].split(" (")[0]: row for row in ([cell.strip() for cell in line.split("│")[1:-1]]
                                                   for line in capsys.readouterr().out.splitlines() if "街道" in line)}
    assert cells["劝业场街道"][-2:] == ["50.0% (3/6)", "0"] and cells["南市街道"][-2:] == ["未报送联系人情况表", "0"]
    # … and no 0.0 % in the machine-readable forms either, the count of why beside it (review 19 M5)
    assert main(["metrics", "--month", "2026-10", "--level", "street", "--format", "json", "--db", db]) == 0
    by_name = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert (by_name["南市街道"]["help_rate"], by_name["南市街道"]["disabled_unreported_count"]) == (None, 3)
    assert by_name["劝业场街道"]["help_rate"] == 0.5

    summary = tmp_path / "汇总表.xlsx"
    assert main(["report", "monthly", "--month", "2026-10", "--db", db, "--out", str(summary)]) == 0
    sheet = openpyxl.load_workbook(summary).active
    header = [cell.value for cell in sheet[5]]
    rates = {row[0].split(" (")[0]: row[header.index("社区帮扶率")]  # (合计 (不含未报送底册的 4 个街道))
             for row in sheet.iter_rows(min_row=6, values_only=True)
             if row[0] and row[0].split(" (")[0] in ("劝业场街道", "南市街道", "合计")}
    assert rates == {"劝业场街道": 0.5, "南市街道": "未报送", "合计": 3 / 9}

    bulletin = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", "2026-10", "--db", db, "--out", str(bulletin)]) == 0
    text = "\n".join(paragraph.text for paragraph in docx.Document(bulletin).paragraphs)
    assert "失能老年人社区帮扶率为 33.3% (其中 3 名失能老年人所在社区未报送联系人情况表，计为未明确联系人)" in text
    ranked = {row.cells[1].text: row.cells[5].text for row in docx.Document(bulletin).tables[1].rows}
    # (南市街道 sent no visit record either: said beside its name)
    assert ranked["劝业场街道"] == "50.0%" and ranked["南市街道 (本月未报送探访记录)"] == "未报送"


def test_a_contact_person_the_list_says_is_gone_or_a_phone_that_reaches_no_one_does_not_count(tmp_path):
    # probe 32 H2, H3: 王芳（已故）, a 女儿（已故）, 刘洋（离职）; a phone 已停机, 空号 or （老人本人）, and a company's
    # 4006001234 (stored as the landline 04006001234) had each counted, without a warning
    header = ["街道", "社区", "老人姓名", "身份证号", "联系人姓名", "关系", "联系电话"]
    rows = [["劝业场", "花园路", "甲一", DISABLED[0], "王芳（已故）", "女儿", "13900000001"],
            ["劝业场", "花园路", "乙二", DISABLED[1], "王芳", "女儿（已去世）", "13900000002"],
            ["劝业场", "花园路", "丙三", DISABLED[2], "刘洋（离职）", "社区干部", "13900000003"],
            ["劝业场", "花园路", "丁四", DISABLED[3], "赵六", "儿子", "13900000004（已停机）"],
            ["劝业场", "花园路", "戊五", DISABLED[4], "孙七", "儿子", "13900000005（老人本人）"],
            ["劝业场", "花园路", "己六", DISABLED[5], "周八", "儿子", "4006001234"]]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [header, *rows]))
    assert [helped(warehouse)[elder] for elder in DISABLED] == [False] * 6
    assert warehouse.rows("select row_number, code from load_warnings where load_id = ? and code in "
                          "('gone_contact', 'invalid_phone') order by row_number", [result.load_id]) == [
        (2, "gone_contact"), (3, "gone_contact"), (4, "gone_contact"), (5, "invalid_phone"), (6, "invalid_phone"),
        (7, "invalid_phone")]


def test_a_stale_row_of_another_communitys_list_does_not_keep_an_elder_helped(tmp_path):
    # probe 32 H1: 滨西's list (of 10-01) also named 乙二, a 花园路 elder; 花园路's newer list leaves 乙二 out: 乙二 had
    # stayed helped by 滨西's row, whatever 花园路's list said
    first = dated_list(tmp_path / "花园路社区.csv", "2026年10月1日",
                       ["甲一", DISABLED[0], "花园路", "李明", "13900000001"],
                       ["乙二", DISABLED[1], "花园路", "赵六", "13900000002"])
    other = dated_list(tmp_path / "滨西社区.csv", "2026年10月1日", ["乙二", DISABLED[1], "滨西", "孙七", "13900000003"])
    newer = dated_list(tmp_path / "花园路社区新.csv", "2026年10月3日", ["甲一", DISABLED[0], "花园路", "李明",
                                                                "13900000001"])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.ingest(*roster_and_visit(tmp_path), first, other, newer)
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, False]
    # … and the list's row is said not to count, as a visit of no one's is (probe 32 L3)
    assert warehouse.rows("select code, message from load_alerts where code like 'unlinked_contacts%'") == [
        ("unlinked_contacts_other_place", "滨西社区.csv: 第 3 行的老人在底册中属于其他社区或街道: 这些联系人不计入"
                                          "社区帮扶率, 请由老人所在社区的联系人名单报送")]


def test_a_contact_set_after_the_lists_own_date_is_pointed_out(tmp_path):
    # probe 32 H4: 确定日期 2062-10-01 (for 2026) on a list of 10-01 took the contact away for good without a word
    header = [*LIST_HEADER, "确定日期"]
    rows = [["甲一", DISABLED[0], "花园路", "李明", "13900000001", "2062-10-01"],
            ["乙二", DISABLED[1], "花园路", "赵六", "13900000002", "2026-09-01"]]
    contacts = write_csv(tmp_path / "联系人.csv", [["填报日期：2026年10月1日"], header, *rows])
    warehouse, result = load(tmp_path, contacts)
    assert warehouse.rows("select message from load_alerts where load_id = ?", [result.load_id]) == [
        ("联系人.csv: 第 3 行的确定日期晚于本名单的填报日期 2026-10-01: 在此之前不计为有指定联系人, 请核对日期",)]


def test_a_contact_phone_that_is_the_elders_own_is_pointed_out(tmp_path):
    # probe 32 M1: the contact's phone the roster's phone of the elder: counted without a word (a shared landline may
    # be right: it still counts, and the clerk is asked to check)
    roster = write_csv(tmp_path / "底册.csv", [["填报日期：2026年10月1日"], [*ROSTER, "联系电话"],
                                              ["劝业场街道", "花园路", "甲一", DISABLED[0], "失能", "13800000006"],
                                              ["劝业场街道", "花园路", "乙二", DISABLED[1], "失能", "13800000007"]])
    contacts = dated_list(tmp_path / "联系人.csv", "2026年10月1日",
                          ["甲一", DISABLED[0], "花园路", "李明", "13800000006"],
                          ["乙二", DISABLED[1], "花园路", "赵六", "13900000002"])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    [_, _, result] = warehouse.ingest(roster, write_csv(tmp_path / "探访.csv", [
        VISIT_HEADER, visit_row(DISABLED[0], when="2026-10-05")]), contacts)
    assert warehouse.rows("select row_number, message from load_warnings where load_id = ? and "
                          "code = 'elder_phone_contact'", [result.load_id]) == [
        (3, "联系人电话与底册中老人本人的电话相同: 请核对是否为联系人本人的电话")]
    assert [helped(warehouse)[elder] for elder in DISABLED[:2]] == [True, True]


def test_a_masked_contact_phone_is_said_to_be_masked(tmp_path):
    # probe 32 L2: 139****0012 was said to be 无效; the street should send its list unmasked, as an ID number's says
    header = ["社区", "老人姓名", "身份证号", "联系人", "联系电话"]
    warehouse, result = load(tmp_path, write_csv(tmp_path / "联系人.csv", [
        header, ["花园路", "甲一", DISABLED[0], "李明", "139****0012"]]))
    assert warehouse.rows("select message from load_warnings where load_id = ?", [result.load_id]) == [
        ("联系人电话已打码 (139****0012): 请报送未打码的名单",)]
