"""Rejected rows as `carevisit rejects` shows them: raw cells masked in SQL as the field each header names."""

import json

import pytest

from etl.build import build_marts
from etl.metrics import rejected_rows


def reject(wh, load_id: int, row_number: int, cells: dict, sheet: str | None = None) -> None:
    """A rejected row stored, and the marts built after it, as a load publishes them (a row's status is the
    rejected_rows mart's)."""
    wh.con.execute("insert into rejects values (?, 'f.csv', ?, ?, '身份证号为空', ?, null, ?, ?, null, null, null)",
                   [load_id, sheet, row_number, json.dumps(cells, ensure_ascii=False), load_id, row_number])
    build_marts(wh.con, months=False)


def masked_cells(wh, load_id: int | None = None) -> list[dict]:
    return [json.loads(raw) for raw in rejected_rows(wh.con, load_id).raw_values]


def test_cells_are_masked_as_their_column_and_free_text_elsewhere(mart_warehouse):
    reject(mart_warehouse, 1, 3, {"序号": "3", "姓名": "张", "身份证号码": "120101195001011234",
                                  "联系电话": "13812345678", "备注": "儿子 1390013", "居住情况": "独居 13900139000"})
    assert masked_cells(mart_warehouse) == [{"序号": "3", "姓名": "*", "身份证号码": "1201**********1234",
                                             "联系电话": "138****5678", "备注": "儿子 1****",
                                             "居住情况": "独居****"}]


def test_a_note_or_an_unknown_column_shows_only_its_first_words(mart_warehouse):
    """A note may hold anything (review 2026-12-04: a neighbour's name, an address, an illness), whatever the
    columns mask: a long one shows its first four characters, enough to find it in the file."""
    reject(mart_warehouse, 1, 3, {"姓名": "邹桂兰", "备注": "由邻居潘美玲代签；住和平区宁夏路12号3门201",
                                  "健康状况说明": "患有糖尿病、高血压", "其他": "住院"})
    assert masked_cells(mart_warehouse) == [{"姓名": "邹**", "备注": "由邻居潘****", "健康状况说明": "患有糖尿****",
                                             "其他": "住院"}]


def test_an_address_typed_in_a_place_column_is_masked_as_an_address(mart_warehouse):
    reject(mart_warehouse, 1, 4, {"社区": "和平区睦南道12号", "街道": "劝业场", "所属社区": "花园路社区 解放南路123"})
    assert masked_cells(mart_warehouse) == [{"社区": "和平区睦南道****", "街道": "劝业场",
                                             "所属社区": "花园路社区 ****"}]


def test_the_raw_text_keeps_its_order_and_its_json_form(mart_warehouse):
    reject(mart_warehouse, 2, 5, {"探访方式": "托人带话", "老人姓名": "李四", "空": ""})
    [raw] = rejected_rows(mart_warehouse.con).raw_values
    assert raw == '{"探访方式": "托人带话", "老人姓名": "李*", "空": ""}'


def test_another_persons_name_the_load_holds_is_masked_in_any_cell(mart_warehouse):
    # review 8: a method cell 托冯建国带话, the name of an elder whose visit the same file holds, was shown whole
    mart_warehouse.visit(None, "2026-10-05 10:00", name="冯建国", community="120101001001", load_id=2)
    reject(mart_warehouse, 2, 5, {"探访方式": "托冯建国带话", "意愿": "李德明代签", "老人姓名": "李德明"})
    assert masked_cells(mart_warehouse) == [{"探访方式": "托冯**带话", "意愿": "李**代签", "老人姓名": "李**"}]


@pytest.mark.parametrize(("load_id", "rows"), [(None, 2), (1, 1), (3, 0)])
def test_rejects_of_one_load(mart_warehouse, load_id, rows):
    reject(mart_warehouse, 1, 3, {"姓名": "张三"})
    reject(mart_warehouse, 2, 4, {"老人姓名": "李四"}, sheet="Sheet1")
    frame = rejected_rows(mart_warehouse.con, load_id)
    assert len(frame) == rows
    assert list(frame.columns) == ["load_id", "file", "sheet", "row_number", "reason", "status", "raw_values"]
