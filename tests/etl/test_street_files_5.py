"""Files as streets really send them, round 5: what a probe of realistic exports (2026-12-06) found misread: a
roster's categories written over several columns read from the first only (a person whose one category stood in the
third left every denominator), a header merged over two columns read as two (联系人 over the name and the phone: no
one helped; 探访时间 over the day and the time: the file refused), and ID number columns under headers nobody had
listed (证件编号, sfzh, a blank header cell); and blocks merged down the side, then unmerged, whose rejected rows did
not say where their value was. Then what a second probe (2026-12-07) found: 现居住街道 read as 居住情况 (an elder
registered elsewhere rejected), a method no mapping knows listed nowhere, and 10.10 kept by Excel as the number 10.1
loaded as the 1st without a word. Each loads as DESIGN §3 and §4 say."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_id
from tests.etl.exports import TITLE, OneLoad, Warehouse, write_csv, write_xlsx
from tests.etl.test_street_files import balanced, loaded, warnings

loads = OneLoad()


@pytest.fixture(scope="module")
def one_load(tmp_path_factory) -> tuple[Warehouse, dict[str, object]]:
    return loads.load(tmp_path_factory.mktemp("street-files-5"))


def elder(n: int) -> str:
    """A distinct synthetic ID number for every n, of a person of 70 (高龄 never counts in for them)."""
    return make_id("19560315", n)


def latest(one_load, id_number: str, columns: str) -> tuple:
    """The person's row of the newest month the marts hold."""
    warehouse, _ = one_load
    return warehouse.rows(f"select {columns} from elder_months where elder_id = ?"  # noqa: S608
                          " order by month_start desc limit 1", [id_number])[0]


# --- a roster's categories over several columns ---------------------------------------------------------------------

CATEGORY_LAYOUTS = {
    # a header merged over a cell a category, as a template allowing three writes it
    "merged over three": (["特殊困难类别", None, None], ("F3:H3",)),
    "written again": (["特殊困难类别", "特殊困难类别", "特殊困难类别"], ()),
    "numbered": (["特殊困难类别1", "特殊困难类别2", "特殊困难类别3"], ()),
}
CATEGORY_ROWS = [("独居", "失能", ""), ("", "", "重残"), ("空巢", "", "空巢"), ("", "", "")]


def _categories_roster(key: str, community: str, first: int):
    def write(folder: Path) -> Path:
        headers, merges = CATEGORY_LAYOUTS[key]
        header = ["序号", "街道", "社区", "姓名", "身份证号", *headers, "状态"]
        rows = [[str(n + 1), "劝业场街道", community, f"类别{first + n}", elder(first + n), *cells, "在册"]
                for n, cells in enumerate(CATEGORY_ROWS)]
        return write_xlsx(folder / f"{community}底册_{key}.xlsx", [*TITLE, header, *rows], merges=merges)
    return write


for _key, _community, _first in (("merged over three", "花园路", 1), ("written again", "滨西", 11),
                                 ("numbered", "林泉", 21)):
    loads.file(f"categories {_key}")(_categories_roster(_key, _community, _first))


@pytest.mark.parametrize(("key", "first"), [("merged over three", 1), ("written again", 11), ("numbered", 21)])
def test_categories_written_over_several_columns_are_every_one_of_them(one_load, key, first):
    balanced(one_load[1][f"categories {key}"], 4)
    assert loaded(one_load, f"categories {key}", "id_number, categories") == [
        (elder(first), ["失能", "独居"]), (elder(first + 1), ["重残"]), (elder(first + 2), ["空巢"]),
        (elder(first + 3), [])]
    assert not [message for _, message in warnings(one_load, f"categories {key}") if "重复的列" in message]
    # DESIGN §4: special-difficulty by any category marked; the one in the third column alone counts, and
    # the 独居 and 失能 one is 高 risk by the default rules
    assert latest(one_load, elder(first + 1), "is_special") == (True,)
    assert latest(one_load, elder(first), "is_special, is_disabled, risk_level") == (True, True, "高")
    assert not one_load[0].rows("select 1 from elder_months where elder_id = ?", [elder(first + 3)])  # none marked


@loads.file("categories beside a column of another name")
def _categories_and_person_type(folder: Path) -> Path:
    # 人员类别 beside 特殊困难类别: two names of the field, not parts of one cell; the first is read, as before
    header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别", "人员类别", "状态"]
    rows = [["1", "劝业场街道", "新疆路", "类别三一", elder(31), "独居", "低保", "在册"]]
    return write_xlsx(folder / "新疆路底册.xlsx", [*TITLE, header, *rows])


def test_a_category_column_beside_one_of_another_name_is_not_joined_to_it(one_load):
    assert loaded(one_load, "categories beside a column of another name", "categories") == [(["独居"],)]
    assert [message for _, message in warnings(one_load, "categories beside a column of another name")
            if "重复的列" in message] == ["重复的列, 未导入: 人员类别 (已按「特殊困难类别」一列导入)"]


# --- a header merged over two columns it names together --------------------------------------------------------------

@loads.file("contact header over name and phone")
def _contact_over_name_and_phone(folder: Path) -> list[Path]:
    roster_header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    roster = write_xlsx(folder / "南京路底册.xlsx", [
        *TITLE, roster_header, *[[str(n), "劝业场街道", "南京路", f"失能{n}", elder(40 + n), "失能"] for n in (1, 2)]])
    header = ["序号", "社区", "老人姓名", "身份证号", "联系人", None, "关系", "是否留有钥匙"]
    rows = [[str(n), "南京路", f"失能{n}", elder(40 + n), f"联系人{n}", f"1390000300{n}", "儿子", "是"] for n in (1, 2)]
    contacts = write_xlsx(folder / "南京路联系人情况表.xlsx", [["失能老年人联系人情况表"], header, *rows],
                          merges=("E2:F2",))
    return [roster, contacts]


def test_a_contact_header_merged_over_the_name_and_the_phone_is_one_contact_person(one_load):
    _, contacts = one_load[1]["contact header over name and phone"]
    balanced(contacts, 2)
    warehouse, _ = one_load
    assert warehouse.rows("select id_number, contact_name, contact_phone, relation, has_key from contact_rows"
                          " where load_id = ? order by row_number", [contacts.load_id]) == [
        (elder(41), "联系人1", "13900003001", "儿子", "是"), (elder(42), "联系人2", "13900003002", "儿子", "是")]
    # DESIGN §4 失能帮扶率: a contact person with a name and a valid phone each (they had been two halves: 0 %)
    assert [latest(one_load, elder(40 + n), "is_help_eligible, is_helped") for n in (1, 2)] == [(True, True)] * 2


@loads.file("visit time header over day and time")
def _visit_time_over_day_and_time(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访时间", None, "探访方式", "探访结果", "探访人"]
    rows = [[f"时间{n}", elder(50 + n), "兆丰路", f"2026-10-0{n}", time, "入户", "正常", "网格员甲"]
            for n, time in enumerate(["9:30", "14:05:00", "下午3点"], start=1)]
    return write_xlsx(folder / "兆丰路探访记录.xlsx", [header, *rows], merges=("D1:E1",))


def test_a_visit_time_header_merged_over_the_day_and_the_time_of_day_is_one_visit_a_row(one_load):
    balanced(one_load[1]["visit time header over day and time"], 3)
    assert [str(at) for (at,) in loaded(one_load, "visit time header over day and time", "visit_at")] == [
        "2026-10-01 09:30:00", "2026-10-02 14:05:00", "2026-10-03 15:00:00"]


@loads.file("two visit dates under one header")
def _two_dates_under_one_header(folder: Path) -> Path:
    # two dates under one header is two visits on a row, refused as before (the second column holds no time of day)
    header = ["老人姓名", "身份证号", "社区", "探访日期", None, "探访方式", "探访结果", "探访人"]
    rows = [["两次", elder(60), "兆丰路", "2026-10-01", "2026-10-15", "入户", "正常", "网格员甲"]]
    return write_xlsx(folder / "兆丰路两次探访.xlsx", [header, *rows], merges=("D1:E1",))


def test_two_visit_dates_under_one_merged_header_are_still_refused_as_two_visits_on_a_row(one_load):
    result = one_load[1]["two visit dates under one header"]
    assert result.status == "failed" and "表头中有几列探访日期" in result.message


# --- ID numbers under headers no list names -------------------------------------------------------------------------

@loads.file("ID header 证件编号")
def _id_header_numbered(folder: Path) -> Path:
    header = ["序号", "街道", "社区", "姓名", "证件编号", "特殊困难类别"]
    row = ["1", "劝业场街道", "宁夏路", "编号一", elder(70), "独居"]
    return write_xlsx(folder / "宁夏路底册.xlsx", [*TITLE, header, row])


@loads.file("ID numbers under a blank header or sfzh")
def _id_under_blank_header(folder: Path) -> list[Path]:
    # the visitor's own ID beside the elder's, under a header that says whose it is: never taken for the elder's
    header = ["老人姓名", "", "社区", "探访日期", "探访方式", "探访结果", "探访人", "探访人身份证号"]
    rows = [[f"空头{n}", elder(80 + n), "福明", "2026-10-05", "入户", "正常", "网格员乙", make_id("19800101", 90 + n)]
            for n in (1, 2)]
    blank = write_csv(folder / "福明探访记录.csv", [header, *rows])
    sfzh_header = ["老人姓名", "sfzh", "社区", "探访日期", "探访方式", "探访结果"]
    sfzh = write_csv(folder / "福明探访记录_sfzh.csv",
                     [sfzh_header, ["拼音一", elder(83), "福明", "2026-10-06", "入户", "正常"]])
    return [blank, sfzh]


def test_id_numbers_under_headers_no_list_names_are_read_as_id_numbers(one_load):
    balanced(one_load[1]["ID header 证件编号"], 1)
    assert loaded(one_load, "ID header 证件编号", "id_number") == [(elder(70),)]
    blank, sfzh = one_load[1]["ID numbers under a blank header or sfzh"]
    balanced(blank, 2)
    warehouse, _ = one_load
    assert warehouse.rows("select id_number from visit_rows where load_id = ? order by row_number",
                          [blank.load_id]) == [(elder(81),), (elder(82),)]
    assert warehouse.rows("select id_number from visit_rows where load_id = ?", [sfzh.load_id]) == [(elder(83),)]


# --- blocks that were merged, then unmerged -------------------------------------------------------------------------

@loads.file("unmerged blocks")
def _unmerged_blocks(folder: Path) -> list[Path]:
    # the community and the day merged down the side of each block, then unmerged (to sort or filter): Excel keeps
    # the value in the block's first row only (review 22 L1)
    header = ["序号", "街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    rows = [[str(n), "劝业场街道", "", f"拆分{n}", elder(90 + n), "独居"] for n in range(1, 6)]
    rows[1][2] = rows[3][2] = "蒙古路"
    roster = write_xlsx(folder / "拆分合并底册.xlsx", [*TITLE, header, *rows])
    visit_header = ["探访日期", "社区", "老人姓名", "身份证号", "探访方式", "探访结果", "探访人"]
    visits = [["2026-10-05" if n == 2 else None, "蒙古路", f"拆分{n}", elder(90 + n), "入户", "正常", "网格员甲"]
              for n in (2, 3)]
    # (the visits as a CSV saved from the sheet: its reader's cells are of another type)
    return [roster, write_csv(folder / "拆分合并探访记录.csv", [visit_header, *visits])]


def test_rows_left_blank_below_an_unmerged_block_are_rejected_saying_the_row_above_has_the_value(one_load):
    roster, visits = one_load[1]["unmerged blocks"]
    balanced(roster, 5, rejected=3)
    balanced(visits, 2, rejected=1)
    warehouse, _ = one_load
    block = ", 上方第 {} 行的这一格有值: 原表若是合并单元格, 取消合并后只有第一行有值, 请在每一行填写后重新导入"
    # DESIGN §3: no community, no date rejects the row (nothing guessed); the reason says where the value may be. The
    # first row has none above it to point at
    assert warehouse.rows("select row_number, reason from rejects where load_id = ? order by row_number",
                          [roster.load_id]) == [(4, "社区为空"), (6, "社区为空" + block.format(5)),
                                                (8, "社区为空" + block.format(7))]
    assert warehouse.rows("select row_number, reason from rejects where load_id = ?", [visits.load_id]) == [
        (3, "探访日期为空" + block.format(2))]


# --- a method no mapping knows --------------------------------------------------------------------------------------

@loads.file("unknown method")
def _unknown_method(folder: Path) -> Path:
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果", "探访人"]
    rows = [[f"带话{n}", elder(96 + n), "静园", f"2026-10-0{n}", method, outcome, "网格员丙"]
            for n, (method, outcome) in enumerate([("托人带话", "正常"), ("托人带话", "正常"), ("入户", "见附页")],
                                                  start=1)]
    return write_csv(folder / "静园探访记录.csv", [header, *rows])


def test_a_method_no_mapping_knows_is_listed_among_the_unknown_values_as_a_warned_value_is(one_load):
    # review 23 M4: the Data page's 未识别的值 listed the outcome warned of, not the method whose rows were rejected
    # (DESIGN §3: a visit without a usable method is rejected), so the bureau never learned which line to add
    from dashboard import queries

    balanced(one_load[1]["unknown method"], 3, rejected=2)
    listed = queries.unknown_values(queries.Warehouse(one_load[0].settings.db_path))
    columns = ["field", "value", "occurrence_count", "streets"]
    assert [tuple(row) for row in listed[columns].itertuples(index=False) if row.value in ("托人带话", "见附页")] == [
        ("method", "托人带话", 2, "劝业场街道"), ("outcome", "见附页", 1, "劝业场街道")]


# --- where the elder lives, beside where they are registered (户籍) ------------------------------------------------

@loads.file("residence beside registration")
def _residence_beside_registration(folder: Path) -> Path:
    # probe 24 H1: 现居住街道 was read as 居住情况 (the keyword 居住), the street taken from 户籍所在街道: an elder
    # registered in 小白楼街道 and living in 新津 was rejected (社区 新津 不属于 小白楼街道), out of every denominator
    header = ["序号", "户籍所在街道", "户籍所在社区", "现居住街道", "居住社区", "姓名", "身份证号", "特殊困难类别",
              "居住情况"]
    rows = [[str(n), registered, "开封道" if registered == "小白楼街道" else "新津", "劝业场街道", "新津",
             f"居住{n}", elder(110 + n), "独居", "独居"]
            for n, registered in enumerate(["劝业场街道", "小白楼街道", "劝业场街道"], start=1)]
    return write_xlsx(folder / "新津底册.xlsx", [header, *rows])


def test_the_street_and_community_lived_in_are_read_before_those_of_registration(one_load):
    balanced(one_load[1]["residence beside registration"], 3)
    assert loaded(one_load, "residence beside registration", "street_code, community_code, living") == [
        ("120101001000", "120101001012", "独居")] * 3
    assert [message for _, message in warnings(one_load, "residence beside registration") if "重复的列" in message] == [
        "重复的列, 未导入: 户籍所在社区 (已按「居住社区」一列导入)、户籍所在街道 (已按「现居住街道」一列导入)"]


# --- dates Excel kept as numbers ------------------------------------------------------------------------------------

@loads.file("dates kept as numbers")
def _dates_kept_as_numbers(folder: Path) -> Path:
    # probe 24 M1: 10.10, 10.20 and 10.30 typed into cells of Excel's General format are kept as the numbers 10.1,
    # 10.2 and 10.3, and loaded as the 1st, 2nd and 3rd without a word (10.12 and a 10.1 kept as text say nothing)
    header = ["老人姓名", "身份证号", "社区", "探访日期", "探访方式", "探访结果", "探访人"]
    rows = [[f"数字{n}", elder(120 + n), "新津", day, "入户", "正常", "网格员丁"]
            for n, day in enumerate([10.1, 10.12, 10.2, "10.1"], start=1)]
    return write_xlsx(folder / "新津社区2026年10月探访记录.xlsx", [["新津社区2026年10月探访记录"], header, *rows])


def test_visit_dates_excel_kept_as_numbers_like_10_1_load_as_they_read_and_are_pointed_out(one_load):
    balanced(one_load[1]["dates kept as numbers"], 4)
    assert [str(day) for (day,) in loaded(one_load, "dates kept as numbers", "visit_date")] == [
        "2026-10-01", "2026-10-12", "2026-10-02", "2026-10-01"]
    assert [message for _, message in warnings(one_load, "dates kept as numbers") if "存的是数字" in message] == [
        "第 3、5 行的探访日期 (10.1、10.2) 在 Excel 中存的是数字, 按 1日、2日、3日 计: 在常规格式的单元格中输入 "
        "10.10、10.20、10.30, Excel 会存成 10.1、10.2、10.3; 如是这样, 请把探访日期一列设为文本格式、改正后重新导入"]


@loads.file("phone column named like the method")
def _phone_column_named_like_the_method(folder: Path) -> Path:
    # probe 24 L1: 联系方式 (the elder's phone) beside 探访方式 was warned of as "联系方式 (已按「探访方式」一列导入)"
    header = ["老人姓名", "身份证号", "社区", "联系方式", "探访日期", "探访方式", "探访结果"]
    rows = [[f"电话{n}", elder(130 + n), "新津", f"1390000{n:04d}", "2026-10-06", "入户", "正常"] for n in (1, 2)]
    return write_csv(folder / "新津探访记录_联系方式.csv", [header, *rows])


def test_a_phone_column_whose_header_names_the_method_too_is_said_to_hold_phone_numbers(one_load):
    balanced(one_load[1]["phone column named like the method"], 2)
    assert loaded(one_load, "phone column named like the method", "method") == [("上门",)] * 2
    assert [message for _, message in warnings(one_load, "phone column named like the method")
            if "重复的列" in message] == ["重复的列, 未导入: 联系方式 (写的是电话号码)"]
