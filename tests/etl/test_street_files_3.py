"""Files as streets really send them, round 3: the words and headers a probe of realistic street files found
misread (probe17): a planned or previous visit date taken for the visit's, the elder's own phone taken for the
contact person's, a visitor's ID number stored, headers and words of other templates refused or warned about.
Each is fixed in the mapping data (etl/mappings/) or the place-name suffix list (cv_place_key), and loads as
DESIGN §2 and §3 say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import HUAYUANLU, make_id
from tests.etl.exports import OneLoad, Warehouse, write_csv
from tests.etl.test_street_files import balanced, loaded, warnings

loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    return loads.load(tmp_path_factory.mktemp("street-files-3"))


def elder(n: int) -> str:
    """A distinct synthetic ID number for every n (this module's own birth dates: 1936 on, every 43 days)."""
    return make_id((dt.date(1936, 4, 1) + dt.timedelta(days=n * 43)).strftime("%Y%m%d"), n % 90 + 1)


def helped(one_load, elders: list[str]) -> list[bool]:
    """Whether each elder counts as helped (has a designated contact person with a valid phone) in 2026-10."""
    found = dict(one_load[0].rows("select elder_id, is_helped from elder_months where month = '2026-10'"))
    return [found.get(id_number) for id_number in elders]


VISITS = ["身份证号", "老人姓名", "社区", "探访日期", "探访方式", "探访结果", "探访人"]
BINXI_CODE, TAIANDAO, YUWENFANG, XINXINGNANLI = "120101001002", "120101002002", "120101003001", "120101004002"

# 失能 elders of four streets, one contact list each below (a newer contact list of a street replaces the older)
DISABLED = {("劝业场街道", "滨西"): [elder(n) for n in range(1, 5)],
            ("小白楼街道", "泰安道"): [elder(n) for n in range(5, 9)],
            ("五大道街道", "育文坊"): [elder(n) for n in range(9, 13)],
            ("新兴街道", "新兴南里"): [elder(n) for n in (13, 14)],
            ("南营门街道", "昆明路"): [elder(n) for n in range(200, 204)],
            ("南市街道", "怀远里"): [elder(n) for n in range(204, 208)]}


@loads.file("the disabled elders")
def _the_disabled_elders(folder: Path) -> Path:
    rows = [[street, community, f"失能{id_number[-4:]}", id_number, "失能"]
            for (street, community), elders in DISABLED.items() for id_number in elders]
    return write_csv(folder / "失能老人底册.csv", [["填报日期：2026年10月1日"], ["街道", "社区", "姓名", "身份证号",
                                                                          "特殊困难类别"], *rows])


# --- 1. a previous, planned or next visit date is not the visit's date --------------------------------


@loads.file("previous and next visit dates")
def _previous_and_next(folder: Path) -> Path:
    header = ["身份证号", "老人姓名", "社区", "上次探访日期", "探访日期", "探访方式", "探访结果", "下次探访日期",
              "探访人"]
    rows = [[elder(20 + n), f"上下{n}", "花园路", "2026-09-05", "2026-10-08", "入户", "正常", "2026-11-08", "社工"]
            for n in (1, 2)]
    return write_csv(folder / "上次下次探访日期.csv", [header, *rows])


@loads.file("planned and actual visit dates")
def _planned_and_actual(folder: Path) -> Path:
    header = ["身份证号", "老人姓名", "社区", "计划探访日期", "实际探访日期", "探访方式", "探访结果", "探访人"]
    rows = [[elder(22 + n), f"计划{n}", "花园路", "2026-09-30", "2026-10-09", "入户", "正常", "社工"] for n in (1, 2)]
    return write_csv(folder / "计划与实际探访日期.csv", [header, *rows])


def test_a_previous_or_next_visit_date_left_of_the_visit_date_is_not_taken_for_it(one_load):
    balanced(one_load[1]["previous and next visit dates"], 2)
    assert loaded(one_load, "previous and next visit dates", "visit_date") == [(dt.date(2026, 10, 8),)] * 2
    assert warnings(one_load, "previous and next visit dates") == [
        (None, "未识别的列, 未导入: 上次探访日期、下次探访日期")]


def test_a_planned_visit_date_left_of_the_actual_one_is_not_taken_for_it(one_load):
    balanced(one_load[1]["planned and actual visit dates"], 2)
    assert loaded(one_load, "planned and actual visit dates", "visit_date") == [(dt.date(2026, 10, 9),)] * 2
    assert warnings(one_load, "planned and actual visit dates") == [(None, "未识别的列, 未导入: 计划探访日期")]


# --- 2, 19. the elder's own phone is not the contact person's; a guardian is the contact person --------

CONTACT = "13987654321"
NO_PHONE = "联系人没有写电话: 不计为社区帮扶的联系人"
OWN = "13812345678"


def contact_rows(street: str, community: str, cells: dict[str, str], header: list[str]) -> list[list[str]]:
    """A row for each elder of the community: the contact's phone on the first two only, the elder's own on each."""
    rows = []
    for i, id_number in enumerate(DISABLED[(street, community)]):
        values = {"社区": community, "老人姓名": f"失能{id_number[-4:]}", "身份证号": id_number,
                  "联系人": f"联系{i}", "联系人姓名": f"联系{i}", "包联人": f"联系{i}", "紧急联系人": f"联系{i}",
                  "关系": "儿子", "与老人关系": "儿子",
                  "是否有钥匙": "是"}
        values |= {column: OWN for column, kind in cells.items() if kind == "own"}
        values |= {column: CONTACT if i < 2 else "" for column, kind in cells.items() if kind == "contact"}
        rows.append([values[column] for column in header])
    return rows


# Each layout: the street and community it lists, its header, which columns hold the elder's own phone and which the
# contact's, its file's name and title. probe26b added the last two: a contact's phone written 联系方式 after their
# title (包联人联系方式, 紧急联系人联系方式) had been taken for a second contact person's name, or the file for a
# visit record, and the elder's phone left of it for the contact's.
PHONE_LAYOUTS = {
    "the elder's phone left of the contact's": (
        "劝业场街道", "滨西", ["社区", "老人姓名", "身份证号", "老人联系电话", "联系人", "与老人关系", "联系人联系电话",
                            "是否有钥匙"],
        {"老人联系电话": "own", "联系人联系电话": "contact"}, "老人电话与联系人电话.csv", [["失能老年人联系人情况表"]]),
    "a bare phone left of the contact's": (
        "小白楼街道", "泰安道", ["社区", "老人姓名", "身份证号", "联系电话", "联系人", "关系", "联系人电话"],
        {"联系电话": "own", "联系人电话": "contact"}, "联系电话与联系人电话.csv", []),
    "the elder's own phone on both sides": (
        "五大道街道", "育文坊", ["社区", "老人姓名", "身份证号", "本人电话", "联系人姓名", "与老人关系", "联系人手机",
                              "老人电话"],
        {"本人电话": "own", "联系人手机": "contact", "老人电话": "own"}, "本人电话与联系人手机.csv", []),
    "a bare mobile left of the helper's 联系方式": (
        "南营门街道", "昆明路", ["社区", "老人姓名", "身份证号", "手机号", "包联人", "关系", "包联人联系方式"],
        {"手机号": "own", "包联人联系方式": "contact"}, "手机号与包联人联系方式.csv", []),
    "the 老年人 phone left of the emergency contact's 联系方式": (
        "南市街道", "怀远里", ["社区", "老人姓名", "身份证号", "老年人电话", "紧急联系人", "与老人关系",
                            "紧急联系人联系方式"],
        {"老年人电话": "own", "紧急联系人联系方式": "contact"}, "老年人电话与紧急联系人联系方式.csv", []),
}
for _key, (_street, _community, _header, _cells, _name, _title) in PHONE_LAYOUTS.items():
    loads.file(_key)(lambda folder, street=_street, community=_community, header=_header, cells=_cells, name=_name,
                     title=_title: write_csv(folder / name, [*title, header,
                                                             *contact_rows(street, community, cells, header)]))


@pytest.mark.parametrize(("key", "street", "community", "warned"), [
    ("the elder's phone left of the contact's", "劝业场街道", "滨西", "未识别的列, 未导入: 老人联系电话"),
    # a bare 联系电话 may be the elder's or the contact's: an explicit 联系人电话 names the contact's outright
    ("a bare phone left of the contact's", "小白楼街道", "泰安道",
     "重复的列, 未导入: 联系电话 (已按「联系人电话」一列导入)"),
    ("the elder's own phone on both sides", "五大道街道", "育文坊", "未识别的列, 未导入: 本人电话、老人电话"),
    # a header naming whose phone it is (包联人…) outranks a bare one, wherever either stands
    ("a bare mobile left of the helper's 联系方式", "南营门街道", "昆明路",
     "重复的列, 未导入: 手机号 (已按「包联人联系方式」一列导入)"),
    ("the 老年人 phone left of the emergency contact's 联系方式", "南市街道", "怀远里",
     "未识别的列, 未导入: 老年人电话"),
])
def test_the_elders_own_phone_is_never_taken_for_the_contact_persons(one_load, key, street, community, warned):
    """An elder whose contact person has no phone is not helped (失能帮扶率): the elder's own number is no contact."""
    balanced(one_load[1][key], 4)
    assert loaded(one_load, key, "contact_name, contact_phone") == [
        ("联系0", CONTACT), ("联系1", CONTACT), ("联系2", None), ("联系3", None)]
    # the two without a phone are said not to count (probe M: they had gone without a word)
    assert [message for row, message in warnings(one_load, key) if row is None] == [warned]
    assert [message for row, message in warnings(one_load, key) if row is not None] == [NO_PHONE] * 2
    assert helped(one_load, DISABLED[(street, community)]) == [True, True, False, False]


@loads.file("guardians")
def _guardians(folder: Path) -> Path:
    header = ["社区", "老人姓名", "身份证号", "监护人姓名", "监护人电话", "监护人与老人关系"]
    rows = [["新兴南里", f"失能{id_number[-4:]}", id_number, f"监护{i}", CONTACT if i == 0 else "", "女儿"]
            for i, id_number in enumerate(DISABLED[("新兴街道", "新兴南里")])]
    return write_csv(folder / "监护人情况表.csv", [header, *rows])


def test_a_contact_list_of_guardians_loads_the_guardian_as_the_contact_person(one_load):
    result = one_load[1]["guardians"]
    assert result.kind == "contacts"
    balanced(result, 2)
    assert loaded(one_load, "guardians", "contact_name, relation, contact_phone") == [
        ("监护0", "女儿", CONTACT), ("监护1", "女儿", None)]
    assert warnings(one_load, "guardians") == [(3, NO_PHONE)]
    assert helped(one_load, DISABLED[("新兴街道", "新兴南里")]) == [True, False]


# --- 4, 14. the 民政 service record's headers; a village (community) column ------------------------------


@loads.file("a service record")
def _service_record(folder: Path) -> Path:
    header = ["服务对象", "服务对象身份证号", "所属社区", "服务时间", "服务方式", "服务结果", "服务人员"]
    rows = [[f"服务{n}", elder(30 + n), "花园路", "2026-10-14 09:00:00", "上门服务", outcome, "志愿者"]
            for n, outcome in enumerate(["不在家", "拒绝服务", "未遇", "正常"])]
    return write_csv(folder / "民政系统服务记录.csv", [header, *rows])


def test_a_service_records_result_is_the_visits_outcome_and_its_person_the_elder(one_load):
    # 不在家 and 拒绝 are no successful visit: read as such, never counted as visits that happened
    assert one_load[1]["a service record"].kind == "visits"
    balanced(one_load[1]["a service record"], 4)
    assert loaded(one_load, "a service record", "elder_name, id_number, method, outcome") == [
        ("服务0", elder(30), "上门", "未遇"), ("服务1", elder(31), "上门", "拒访"),
        ("服务2", elder(32), "上门", "未遇"), ("服务3", elder(33), "上门", "正常")]
    assert warnings(one_load, "a service record") == []


@loads.file("a roster of service persons by village")
def _service_roster(folder: Path) -> Path:
    header = ["序号", "所属街道办事处", "所属村（社区）", "服务对象", "性别", "身份证件号码", "人员类型",
              "是否同意探访"]
    rows = [[n, "劝业场街道", "兆丰路", f"对象{n}", "男", make_id("19400101", 40 + n), "独居", "是"] for n in (1, 2)]
    return write_csv(folder / "服务对象底册.csv", [header, *rows])


@loads.file("visits by village (community)")
def _village_visits(folder: Path) -> list[Path]:
    files = []
    for i, column in enumerate(["村（社区）", "所属村"]):
        header = ["被探访人姓名", column, "走访日期", "走访方式", "走访结果", "走访人员"]
        rows = [[f"村社{i}{n}", "花园路", "2026-10-13", "上门", "正常", "网格员"] for n in (1, 2)]
        files.append(write_csv(folder / f"{column}走访.csv", [header, *rows]))
    return files


def test_a_roster_naming_its_elders_service_persons_by_village_loads(one_load):
    result = one_load[1]["a roster of service persons by village"]
    assert result.kind == "roster"
    balanced(result, 2)
    assert loaded(one_load, "a roster of service persons by village", "elder_name, community_code, categories") == [
        ("对象1", "120101001004", ["独居"]), ("对象2", "120101001004", ["独居"])]
    assert warnings(one_load, "a roster of service persons by village") == []


def test_visits_naming_their_village_community_load_in_it(one_load):
    warehouse, results = one_load
    for i, result in enumerate(results["visits by village (community)"]):
        balanced(result, 2)
        assert warehouse.rows("select elder_name, community_code from visit_rows where load_id = ? order by row_number",
                              [result.load_id]) == [(f"村社{i}1", HUAYUANLU), (f"村社{i}2", HUAYUANLU)]


# --- 6, 7. a death date as the change date; 纳入 and 认定 as the registration date ------------------------


@loads.file("a death date column")
def _death_date(folder: Path) -> list[Path]:
    files = []
    for i, (community, column) in enumerate([("林泉", "死亡日期"), ("新疆路", "去世日期"), ("南京路", "死亡时间")]):
        header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别", "人员状态", column]
        rows = [["劝业场街道", community, f"死亡{i}", elder(50 + i), "独居", "死亡", "2026-09-20"],
                ["劝业场街道", community, f"健在{i}", elder(60 + i), "独居", "正常", ""]]
        files.append(write_csv(folder / f"{column}列.csv", [header, *rows]))
    return files


def test_a_death_date_is_the_change_date_and_the_elder_left_on_it(one_load):
    # without it, the death would count on the load date (the file has no report date): still on the roster in October
    warehouse, results = one_load
    for i, result in enumerate(results["a death date column"]):
        balanced(result, 2)
        assert warehouse.rows("select status, change_date from roster_rows where load_id = ? order by row_number",
                              [result.load_id]) == [("死亡", dt.date(2026, 9, 20)), ("在册", None)]
        assert warehouse.rows("select message from load_warnings where load_id = ?", [result.load_id]) == []
        # October counts the living elder only: the other left on 20 September
        assert dict(warehouse.rows("select elder_id, is_active_at_as_of from elder_months where month = '2026-10'"
                                   " and elder_id in (?, ?)", [elder(50 + i), elder(60 + i)])) == {elder(60 + i): True}


@loads.file("registration columns")
def _registration(folder: Path) -> list[Path]:
    files = []
    for i, (community, column) in enumerate([("宁夏路", "纳入时间"), ("福明", "认定日期"), ("百货大楼", "认定时间")]):
        header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别", column]
        rows = [["劝业场街道", community, f"纳入{i}", elder(70 + i), "独居", "2024-01-01"]]
        files.append(write_csv(folder / f"{column}列.csv", [["底册"], ["填报日期：2026年11月20日"], header, *rows]))
    return files


def test_the_date_an_elder_was_admitted_or_recognised_is_the_registration_date(one_load):
    warehouse, results = one_load
    for result in results["registration columns"]:
        balanced(result, 1)
        assert warehouse.rows("select reg_date from roster_rows where load_id = ?", [result.load_id]) == [
            (dt.date(2024, 1, 1),)]
        assert warehouse.rows("select message from load_warnings where load_id = ?", [result.load_id]) == []


# --- 8, 10, 15. outcome and method words -------------------------------------------------------------

OUTCOMES = [("未发现安全隐患", "正常"), ("无安全隐患", "正常"), ("未发现明显异常", "正常"), ("已探访", "正常"),
            ("已走访", "正常"), ("已完成", "正常"), ("完成", "正常"), ("√", "正常"), ("已联系", "正常"),
            ("见到本人", "正常"), ("本人在家", "正常"), ("无特殊情况", "正常"), ("无", "正常"),
            # a word of the task's state beside what happened: what happened wins
            ("已联系，未接通", "未遇"), ("已探访，老人不在家", "未遇"), ("已走访，拒绝探访", "拒访"),
            # each had been 未知, no visit (review 2026-12-04)
            ("已慰问", "正常"), ("安全", "正常"), ("OK", "正常"), ("好的", "正常"),
            ("见到本人，发现安全隐患", "发现问题")]


@loads.file("outcome words")
def _outcome_words(folder: Path) -> Path:
    rows = [[elder(100 + i), f"结果{i}", "花园路", "2026-10-06", "入户", outcome, "社工"]
            for i, (outcome, _) in enumerate(OUTCOMES)]
    return write_csv(folder / "探访结果用语3.csv", [VISITS, *rows])


def test_outcomes_written_as_the_tasks_state_or_a_negated_finding_are_a_normal_visit(one_load):
    balanced(one_load[1]["outcome words"], len(OUTCOMES))
    assert loaded(one_load, "outcome words", "outcome") == [(value,) for _, value in OUTCOMES]
    assert warnings(one_load, "outcome words") == []
    # 未发现安全隐患 opens no problem; the one that found a hazard does
    warehouse, results = one_load
    found = warehouse.rows("select elder_id from problems where elder_id in (select id_number from visit_rows"
                           " where load_id = ?)", [results["outcome words"].load_id])
    assert found == [(elder(100 + len(OUTCOMES) - 1),)]


# probe26b: other templates' visit headers. 老人状况 and 探视结果 had been dropped as unknown columns, and their
# 未遇 and 拒访 counted as visits; 关爱日期, 关爱方式 and 探视时间 refused the file; a 联系方式 column holding the
# elder's phone had been taken for the method, beside a 关爱方式 that says it, and every row rejected
TEMPLATES = {"关爱": ["身份证号", "老人姓名", "社区", "联系方式", "关爱日期", "关爱方式", "老人状况", "志愿者"],
             "探视": ["身份证号", "老人姓名", "社区", "探视时间", "探视方式", "探视结果", "工作人员"]}
SAID = [("正常", "正常"), ("未遇", "未遇"), ("拒访", "拒访"), ("情况良好", "正常")]


def _template(name: str, first: int):
    def write(folder: Path) -> Path:
        rows = [[elder(first + i), f"{name}{i}", "花园路", OWN, f"2026-10-0{i + 5}", "上门走访", said, "社工"]
                for i, (said, _) in enumerate(SAID)]
        if "联系方式" not in TEMPLATES[name]:
            rows = [row[:3] + row[4:] for row in rows]
        return write_csv(folder / f"{name}记录.csv", [TEMPLATES[name], *rows])
    return write


loads.file("关爱 template")(_template("关爱", 220))
loads.file("探视 template")(_template("探视", 230))


@pytest.mark.parametrize(("key", "warned"), [("关爱 template",
                                              [(None, "重复的列, 未导入: 联系方式 (写的是电话号码)")]),
                                             ("探视 template", [])])
def test_other_templates_visit_headers_are_read_and_a_failed_visit_they_record_is_no_visit(one_load, key, warned):
    balanced(one_load[1][key], len(SAID))
    assert loaded(one_load, key, "visit_date, method, outcome") == [
        (dt.date(2026, 10, 5 + i), "上门", outcome) for i, (_, outcome) in enumerate(SAID)]
    assert warnings(one_load, key) == warned


# probe26d: the outcome ticked in a column each (正常 | 未遇 | 拒访 √), as the method may be: the columns had been
# dropped as unknown and every visit stored 正常, the failed ones counted
@loads.file("outcome ticks")
def _outcome_ticks(folder: Path) -> Path:
    header = ["身份证号", "老人姓名", "社区", "探访日期", "探访方式", "正常", "未遇", "拒访", "发现问题", "探访人"]
    ticks = [("√", "", "", ""), ("", "√", "", ""), ("", "", "√", ""), ("√", "", "", "门锁损坏")]
    rows = [[elder(240 + i), f"勾选{i}", "花园路", f"2026-10-1{i}", "入户", *tick, "社工"]
            for i, tick in enumerate(ticks)]
    return write_csv(folder / "探访结果打勾.csv", [header, *rows])


def test_an_outcome_ticked_in_a_column_each_is_that_outcome(one_load):
    balanced(one_load[1]["outcome ticks"], 4)
    # 发现问题 beside them is the problem column its name says, not a tick: read, and checked against the outcome
    assert loaded(one_load, "outcome ticks", "outcome, problem") == [
        ("正常", None), ("未遇", None), ("拒访", None), ("发现问题", "门锁损坏")]
    assert warnings(one_load, "outcome ticks") == [
        (5, "探访结果为正常, 但发现问题一栏写有问题: 按发现问题计, 请核实")]


METHODS = {"家访": "上门", "敲门": "上门", "见面": "上门", "面谈": "上门", "入户家访": "上门",
           "来电": "电话", "老人来电": "电话"}  # the elder called: a contact (the two had rejected the row)


@loads.file("method words")
def _method_words(folder: Path) -> Path:
    rows = [[elder(130 + i), f"方式{i}", "花园路", "2026-10-05", method, "正常", "社工"]
            for i, method in enumerate(METHODS)]
    return write_csv(folder / "探访方式用语3.csv", [VISITS, *rows])


def test_a_visit_method_in_other_words_is_read_as_that_method(one_load):
    balanced(one_load[1]["method words"], len(METHODS))
    assert loaded(one_load, "method words", "method") == [(method,) for method in METHODS.values()]


# --- 11. privacy: a visitor's ID number or phone is never stored --------------------------------------

VISITOR_ID = make_id("19800101", 7)
VISITOR_PHONE = "13912345678"


@loads.file("the visitor's ID number and phone")
def _visitor_id(folder: Path) -> Path:
    header = ["老人身份证号", "老人姓名", "社区", "探访日期", "探访方式", "探访结果", "探访人", "探访人身份证号",
              "探访人联系电话", "网格员身份证", "工作人员电话", "走访人手机号"]
    rows = [[elder(140 + n), f"访员{n}", "花园路", "2026-10-09", "入户", "正常", "网格员乙", VISITOR_ID, VISITOR_PHONE,
             VISITOR_ID, VISITOR_PHONE, VISITOR_PHONE] for n in (1, 2)]
    return write_csv(folder / "探访人证件号.csv", [header, *rows])


def test_a_visitors_id_number_and_phone_are_warned_about_and_never_stored(one_load):
    warehouse, results = one_load
    result = results["the visitor's ID number and phone"]
    balanced(result, 2)
    assert loaded(one_load, "the visitor's ID number and phone", "id_number, visitor_name, visitor_role") == [
        (elder(141), "网格员乙", None), (elder(142), "网格员乙", None)]
    assert warnings(one_load, "the visitor's ID number and phone") == [
        (None, "未识别的列, 未导入: 探访人身份证号、探访人联系电话、网格员身份证、工作人员电话、走访人手机号")]
    texts = [column for (column,) in warehouse.rows(
        "select column_name from information_schema.columns where table_name = 'visit_rows'"
        " and data_type = 'VARCHAR'")]
    stored = warehouse.rows(f"select concat_ws('|', {', '.join(texts)}) from visit_rows where load_id = ?",  # noqa: S608
                            [result.load_id])
    assert len(stored) == 2
    assert not [row for (row,) in stored if VISITOR_ID in row or VISITOR_PHONE in row]
    assert not warehouse.rows("select * from load_warnings where load_id = ? and (value like ? or message like ?)",
                              [result.load_id, f"%{VISITOR_ID[:6]}%{VISITOR_ID[-4:]}%", f"%{VISITOR_ID}%"])


# --- 12. place names with the suffixes clerks shorten -------------------------------------------------


@loads.file("shortened place suffixes")
def _place_suffixes(folder: Path) -> Path:
    places = [("劝业场街办", "蒙古路"), ("劝业场办事处", "蒙古路"), ("劝业场街道", "蒙古路社居委"),
              ("劝业场街道", "蒙古路居委")]
    rows = [[street, community, f"地名{i}", elder(150 + i), "独居"] for i, (street, community) in enumerate(places)]
    return write_csv(folder / "街办居委写法.csv", [["街道", "社区", "姓名", "身份证号", "特殊困难类别"], *rows])


def test_streets_and_communities_written_as_jieban_banshichu_or_juwei_are_found(one_load):
    balanced(one_load[1]["shortened place suffixes"], 4)
    assert loaded(one_load, "shortened place suffixes", "street_code, community_code") == [
        ("120101001000", "120101001013")] * 4


# --- 20. category, status, consent and tick words with a clear meaning ---------------------------------

ROSTER_WORDS = [("一级肢体残疾", "迁往外省", "婉拒", ["重残"], "迁出", "不同意"),
                ("二级智力残疾", "迁走", "不需要探访", ["重残"], "迁出", "不同意"),
                ("残疾人一级", "在册", "拒绝探访", ["重残"], "在册", "不同意")]


@loads.file("roster words")
def _roster_words(folder: Path) -> Path:
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别", "状态", "变动日期", "是否同意探访"]
    rows = [["劝业场街道", "静园", f"用词{i}", elder(160 + i), category, status,
             "2026-10-03" if status != "在册" else "", consent]
            for i, (category, status, consent, *_) in enumerate(ROSTER_WORDS)]
    return write_csv(folder / "底册用词3.csv", [header, *rows])


def test_disability_grades_moving_away_and_refusals_in_other_words_are_understood(one_load):
    balanced(one_load[1]["roster words"], len(ROSTER_WORDS))
    assert loaded(one_load, "roster words", "categories, status, consent") == [
        (categories, status, consent) for *_, categories, status, consent in ROSTER_WORDS]
    assert warnings(one_load, "roster words") == []


@loads.file("ticks as letters")
def _ticks(folder: Path) -> Path:
    rows = [["劝业场街道", "新津", f"勾选{i}", elder(170 + i), alone, disabled]
            for i, (alone, disabled) in enumerate([("Y", "N"), ("y", "n"), ("N", "Y")])]
    return write_csv(folder / "字母勾选.csv", [["街道", "社区", "姓名", "身份证号", "独居", "失能"], *rows])


def test_category_columns_ticked_y_or_n_are_read(one_load):
    balanced(one_load[1]["ticks as letters"], 3)
    assert loaded(one_load, "ticks as letters", "categories") == [(["独居"],), (["独居"],), (["失能"],)]
    assert warnings(one_load, "ticks as letters") == []
