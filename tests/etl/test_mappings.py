"""Recognising column names as people write them: normalised, by alias, stem and keyword."""

import pytest

from etl import mappings


@pytest.mark.parametrize(
    ("kind", "cell", "field"),
    [
        ("roster", "身份证号", "id_number"), ("roster", "身份证号码", "id_number"),
        ("roster", "公民身份号码", "id_number"), ("roster", "居民身份证号", "id_number"),
        ("roster", "公民身份证号码", "id_number"), ("roster", "身份证号码(18位)", "id_number"),
        ("roster", "身份证号（18位）", "id_number"), ("roster", "身份证号\n（必填）", "id_number"),
        ("roster", "ＩＤ身份证", "id_number"), ("roster", " 身 份 证 号 ", "id_number"),
        ("roster", "*身份证号：", "id_number"), ("visits", "老人身份证号码", "id_number"),
        ("roster", "姓名", "name"), ("roster", "老人姓名（必填）", "name"), ("visits", "服务对象姓名", "name"),
        ("roster", "联系电话(手机)", "phone"), ("roster", "手机号码", "phone"), ("roster", "本人联系方式", "phone"),
        ("roster", "社区名称", "community"), ("roster", "所属社区（村）", "community"),
        ("roster", "居委会名称", "community"),
        ("roster", "街道(乡镇)", "street"), ("roster", "所属街道名称", "street"),
        ("roster", "特殊困难类别", "categories"), ("roster", "人员类别", "categories"),
        ("roster", "老人类型", "categories"), ("roster", "特殊困难老年人类别", "categories"),
        ("roster", "居住情况", "living"), ("roster", "居住状况（独居/空巢）", "living"),
        ("roster", "失能程度", "disability"), ("roster", "失能等级评估", "disability"),
        ("roster", "出生年月", "birth_date"), ("roster", "是否同意探访", "consent"),
        ("roster", "风险等级", "risk_level"),
        ("roster", "在册状态", "status"), ("roster", "变动日期", "change_date"), ("roster", "建档日期", "reg_date"),
        ("visits", "探访日期", "visit_date"), ("visits", "走访时间", "visit_date"),
        ("visits", "探访日期（年月日）", "visit_date"),
        ("visits", "探访方式", "method"), ("visits", "探访形式", "method"), ("visits", "探访结果", "outcome"),
        ("visits", "探访人姓名", "visitor"), ("visits", "探访人身份", "visitor_role"),
        ("contacts", "联系人姓名", "contact_name"), ("contacts", "联系人电话", "contact_phone"),
        ("contacts", "联系人手机号码", "contact_phone"), ("contacts", "是否持有钥匙", "has_key"),
        # other templates' (probe26b)
        ("contacts", "联系人联系方式", "contact_phone"), ("contacts", "包联人联系方式", "contact_phone"),
        ("contacts", "结对人", "contact_name"), ("contacts", "结对帮扶人", "contact_name"),
        ("visits", "探视时间", "visit_date"), ("visits", "关爱日期", "visit_date"), ("visits", "关爱方式", "method"),
        ("visits", "服务形式", "method"), ("visits", "探视结果", "outcome"), ("visits", "老人状况", "findings"),
        ("visits", "服务情况", "findings"), ("visits", "志愿者", "visitor"),
        ("roster", "村居", "community"), ("roster", "所在村（社区）", "community"),
        ("roster", "减少时间", "change_date"),
        # review 2026-12-04: a visit record's 包联人 is its visitor, 角色 theirs
        ("visits", "包联人", "visitor"), ("visits", "角色", "visitor_role"),
    ],
)
def test_header_spellings(kind, cell, field):
    assert mappings.field_for(cell, kind) == field


@pytest.mark.parametrize(
    ("kind", "cell"), [("roster", "紧急联系人电话"), ("roster", "爱好"), ("contacts", "联系人身份证号")])
def test_columns_that_are_not_a_field_stay_unrecognised(kind, cell):
    assert mappings.field_for(cell, kind) is None


def test_header_keys_are_half_width_without_spaces_and_notes():
    assert mappings.header_key("身份证号码（１８位）") == "身份证号码"
    assert mappings.header_key("Ｎａｍｅ 姓名") == "name姓名"


@pytest.mark.parametrize("cell", ["1、姓名", "12.姓名", "Q3:姓名", "q3．姓名", "第2题 姓名", "第２题：姓名",
                                  "（1）姓名"])
def test_an_online_forms_question_number_is_not_part_of_its_header(cell):
    assert mappings.header_key(cell) == "姓名"


def test_only_an_online_forms_time_of_sending_dates_a_visit_that_has_no_date():
    # the form is filled in on the spot; a system's 录入时间 may be weeks after the visit: the file is refused
    sent = mappings.map_columns(["姓名", "身份证号", "探访方式", "提交答卷时间"], "visits").fields
    assert sent["visit_date"] == sent["entered_at"] == 3
    entered = mappings.map_columns(["姓名", "身份证号", "探访方式", "录入时间"], "visits").fields
    assert "visit_date" not in entered and entered["entered_at"] == 3
    dated = mappings.map_columns(["姓名", "探访日期", "探访方式", "提交时间"], "visits").fields
    assert (dated["visit_date"], dated["entered_at"]) == (1, 3)


@pytest.mark.parametrize("kind", ["roster", "visits", "contacts"])
def test_a_forms_cascade_of_places_or_its_senders_department_is_the_community(kind):
    # weakly: a column that names the community outright outranks them (mappings.FALLBACK)
    assert mappings.field_for("所在地区", kind) == mappings.field_for("部门", kind) == "community"
    assert mappings.map_columns(["姓名", "身份证号", "部门", "所属社区"], kind).fields["community"] == 3


def test_a_day_written_with_its_month_is_a_day_not_a_numbered_question():
    header = ["姓名", *(f"10.{day}" for day in range(1, 32))]
    assert mappings.day_columns(header) == {index: index for index in range(1, 32)}


def test_the_kind_is_detected_from_loosely_spelled_headers():
    visits = ["序号", "所属社区", "老人姓名", "公民身份证号码", "探访日期（年月日）", "探访形式"]
    assert mappings.detect_kind(visits) == "visits"
    assert mappings.detect_kind(["序号", "社区", "姓名", "身份证号", "居住状况（独居/空巢）", "变动日期"]) == "roster"


def test_where_the_elder_lives_is_the_address_wherever_the_household_registers_address_stands():
    # 户籍地址 is found by a keyword only, so the column saying where the elder lives now is the address
    for header in (["姓名", "户籍地址", "现居住地址"], ["姓名", "现居地址", "户籍地址"]):
        columns = mappings.map_columns(header, "roster")
        assert header[columns.fields["address"]].startswith("现居"), header
    assert mappings.map_columns(["姓名", "户籍地址"], "roster").fields["address"] == 1


def test_a_header_naming_whose_phone_or_what_method_outranks_a_vaguer_one_wherever_it_stands():
    # the elder's mobile left of the helper's 联系方式; a 联系方式 (the elder's phone) left of 关爱方式
    contacts = ["姓名", "身份证号", "手机号", "包联人", "包联人联系方式"]
    columns = mappings.map_columns(contacts, "contacts")
    assert (columns.fields["contact_phone"], columns.duplicates) == (4, ["手机号"])
    visits = ["姓名", "身份证号", "联系方式", "探访日期", "关爱方式"]
    columns = mappings.map_columns(visits, "visits")
    assert (columns.fields["method"], columns.duplicates) == (4, ["联系方式"])
    # as sure as each other: the first
    assert mappings.map_columns(["姓名", "联系人", "手机", "电话"], "contacts").fields["contact_phone"] == 2
    # … unless the first is left of the contact person and the other right of them: the elder's own, and the
    # contact's (probe Q)
    columns = mappings.map_columns(["姓名", "手机", "联系人", "电话"], "contacts")
    assert (columns.fields["contact_phone"], columns.duplicates) == (3, ["手机"])


@pytest.mark.parametrize(("kind", "header", "field"), [
    ("visits", ["姓名", "探访类型", "探访方式"], "method"), ("visits", ["姓名", "服务项目", "服务方式"], "method"),
    ("visits", ["姓名", "老人状态", "探访结果"], "outcome"),
    ("roster", ["姓名", "人员类别", "特殊困难类别"], "categories")])
def test_a_fields_own_name_outranks_a_looser_one_left_of_it(kind, header, field):
    # the first had been taken, the other dropped as 重复的列: 探访类型 上门 made home visits of calls, 人员类别
    # (低保 …) left 2 of 8 elders special-difficulty (review 2026-12-04, round 5)
    columns = mappings.map_columns(header, kind)
    assert (columns.fields[field], columns.duplicates) == (2, [header[1]])


def test_visit_columns_are_named():
    assert mappings.visit_columns(["姓名", "身份证号", "探访日期", "探访方式", "变动日期"]) == ["探访日期", "探访方式"]


def test_a_bureaus_own_header_aliases_are_read_beside_its_configuration(tmp_path):
    (tmp_path / "headers.csv").write_text("kind,field,alias\nroster,categories,困难类型标注\n", encoding="utf-8")
    assert mappings.field_for("困难类型标注", "roster", tmp_path) == "categories"
    assert mappings.field_for("困难类型标注", "roster") == "categories"  # found by keyword (类型) anyway
    (tmp_path / "header_keywords.csv").write_text("kind,field,keyword,priority\nroster,visitor,网格员,1\n",
                                                  encoding="utf-8")
    assert mappings.field_for("所属网格员", "roster", tmp_path) == "visitor"
    assert mappings.field_for("所属网格员", "roster") is None


def test_a_bureaus_file_with_wrong_columns_is_refused_naming_it(tmp_path):
    (tmp_path / "values.csv").write_text("字段,值\n", encoding="utf-8")
    with pytest.raises(mappings.MappingError, match="values.csv: 缺少列 field, value, synonym"):
        mappings.value_synonyms(tmp_path)


def test_deriving_categories_from_attributes_is_opt_in_and_a_true_boolean():
    from etl.settings import ConfigError, default_config_text, parse_config

    text = default_config_text()
    assert parse_config(text).derive_categories_from_attributes is False
    on = text.replace("derive_categories_from_attributes = false", "derive_categories_from_attributes = true")
    assert parse_config(on).derive_categories_from_attributes is True
    with pytest.raises(ConfigError, match="derive_categories_from_attributes must be true or false"):
        parse_config(text.replace("derive_categories_from_attributes = false", "derive_categories_from_attributes = 1"))
    # a configuration written before the setting existed keeps the default
    older = parse_config(text.replace("derive_categories_from_attributes = false", ""))
    assert older.derive_categories_from_attributes is False
