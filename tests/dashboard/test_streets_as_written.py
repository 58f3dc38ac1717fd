"""Issue 9 on screen: a month in progress compared like for like, who left, and what the Data page finds."""


import duckdb
import pytest

from dashboard import queries, tables
from dashboard.measures import same_day_last_month
from etl.settings import Settings, default_config_text, parse_config
from etl.warehouse import build_marts
from tests.conftest import BINXI, HEPING, HUAYUANLU, QUANYECHANG, make_id, new_mart_warehouse
from tests.dashboard.test_pages import find, render, texts

QINGYOU = "120101006001"  # 庆有西里社区, 南市街道
SEVENTY = "19560101"
A, B, C, D, E = (make_id(SEVENTY, n) for n in range(1, 6))


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    """Five elders in 花园路; visits to 10 November, so November is in progress; E died on 3 November.

    Home-visit rate: September 1/5, October 4/5 (1/5 by the 10th), November to the 10th 2/4 (E left unvisited).
    """
    path = tmp_path_factory.mktemp("issue9") / "w.duckdb"
    con = duckdb.connect(str(path))
    mart = new_mart_warehouse(con)
    for id_number, name in zip((A, B, C, D), ("王甲", "李乙", "张丙", "赵丁"), strict=True):
        mart.elder(id_number, "空巢", name=name)
    mart.elder(E, "空巢", name="钱戊", status="死亡", change_date="2026-11-03")
    for id_number, day in ((A, "2026-09-15"), (A, "2026-10-03"), (B, "2026-10-25"), (C, "2026-10-26"),
                           (D, "2026-10-27"), (A, "2026-11-02"), (B, "2026-11-10")):
        mart.visit(id_number, f"{day} 09:00")
    # 底数不清 in two streets; unknown values: 五保 three times, 愿意 twice, 独自居住 once
    f = mart.elder(make_id(SEVENTY, 6), name="孙己", community=BINXI)
    g = mart.elder(make_id(SEVENTY, 7), name="周庚", community=QINGYOU)
    mart.warning("contradiction", "居住情况为独居, 但未标注独居", id_number=f, community=BINXI)
    mart.warning("contradiction", "失能程度为完全失能, 但未标注失能", id_number=g, community=QINGYOU)
    mart.warning("invalid_phone", "电话号码无效", id_number=f, community=BINXI)
    for field, value, community in (("category", "五保", HUAYUANLU), ("category", "五保", BINXI),
                                    ("category", "五保", QINGYOU), ("consent", "愿意", HUAYUANLU),
                                    ("consent", "愿意", BINXI), ("living", "独自居住", QINGYOU)):
        mart.warning("unknown_value", f"未识别的值: {value}", field=field, value=value, community=community)
    mart.warning(None, "未识别的列, 未导入: 备注", community=None)  # about the whole file
    # visits that belong to no elder: a name two elders of 庆有西里 share, a name and an ID number no roster lists
    for n in (8, 9):
        mart.elder(make_id(SEVENTY, n), "空巢", name="吴辛", community=QINGYOU)
    mart.visit(None, "2026-10-05 09:00", name="吴辛", community=QINGYOU)
    mart.visit(None, "2026-10-06 09:00", name="郑壬", community=BINXI)
    mart.visit(make_id(SEVENTY, 10), "2026-10-07 09:00", community=HUAYUANLU)
    mart.contact(make_id(SEVENTY, 11), community=HUAYUANLU)  # a contact list's row of an ID number no roster lists
    build_marts(con)
    con.close()
    return Settings(db_path=path, config=parse_config(default_config_text()))


# --- a month in progress -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "rate", "change"),
    [
        # November to the 10th, 2/4, against October to the 10th, 1/5 (not all October's 4/5: -30.0)
        ("/", {"place": QUANYECHANG, "month": "2026-11"}, "50.0%", "与上月同期相比 +30.0 个百分点"),
        ("/community", {"place": HUAYUANLU, "month": "2026-11"}, "50.0%", "与上月同期相比 +30.0 个百分点"),
        # a finished month asked for as of a day: September to the 10th had no visit yet
        ("/", {"place": QUANYECHANG, "month": "2026-10", "as_of": "2026-10-10"}, "20.0%",
         "与上月同期相比 +20.0 个百分点"),
        # a complete month against the whole month before
        ("/", {"place": QUANYECHANG, "month": "2026-10"}, "80.0%", "较上月 +60.0 个百分点"),
        ("/community", {"place": HUAYUANLU, "month": "2026-10"}, "80.0%", "较上月 +60.0 个百分点"),
    ],
)
def test_kpis_compare_a_month_in_progress_with_the_same_day_last_month(app, pages, path, query, rate, change):
    page = render(app, pages[path].layout, **query)
    card = texts(find(page, "kpi-visit_rate_home"))
    assert rate in card and change in card
    note = find(page, "kpi-like-for-like")
    if "同期" in change:
        assert note is not None and "各项变化均与上月同期" in note.children
    else:
        assert note is None


def test_the_note_names_both_days(app, pages):
    page = render(app, pages["/"].layout, place=QUANYECHANG, month="2026-11")
    assert find(page, "kpi-like-for-like").children == (
        "本月数据截至 11月10日, 未满整月: 各项变化均与上月同期 (截至 10月10日) 相比")


def test_counts_change_like_for_like_too(app, pages):
    page = render(app, pages["/"].layout, place=QUANYECHANG, month="2026-11")
    # not visited: C and D by 10 November; A's four neighbours (B, C, D, E) by 10 October
    assert texts(find(page, "count-not_visited_count")) == ["本月未访 (上门)", "2 人", "较上月同期 -2"]


def test_the_like_for_like_wording_in_english(app, pages):
    page = render(app, pages["/"].layout, place=QUANYECHANG, month="2026-11", lang="en")
    assert "+30.0 pp vs the same day last month" in texts(find(page, "kpi-visit_rate_home"))


def test_the_trend_marks_the_month_in_progress(app, pages):
    page = render(app, pages["/"].layout, place=QUANYECHANG, month="2026-11")
    figure = find(page, "overview-trend").figure
    assert figure["layout"]["annotations"][-1]["text"] == "截至 10 日"
    open_point = [trace for trace in figure["data"] if trace.get("marker", {}).get("color") == "white"][0]
    assert "上月同期 20.0%" in open_point["hovertemplate"]  # October to the 10th: 1 of 5
    assert "2026-11 截至 10 日, 未满整月 (空心点、虚线)" in " ".join(texts(page))


def test_the_previous_month_is_recomputed_only_for_a_month_in_progress(settings):
    wh = queries.Warehouse(settings.db_path)
    street = queries.place(wh, QUANYECHANG)
    import datetime as dt

    same_day = queries.previous_month(wh, street, queries.ALL, "2026-11", dt.date(2026, 11, 10)).iloc[-1]
    whole = queries.previous_month(wh, street, queries.ALL, "2026-10", dt.date(2026, 10, 31)).iloc[-1]
    assert (same_day["month"], str(same_day["as_of"].date()), same_day["visited_home"]) == ("2026-10", "2026-10-10", 1)
    assert (whole["month"], str(whole["as_of"].date()), whole["visited_home"]) == ("2026-09", "2026-09-30", 1)
    assert queries.previous_month(wh, street, queries.ALL, "2026-09", dt.date(2026, 9, 30)).empty  # records begin


@pytest.mark.parametrize(("as_of", "expected"), [("2026-11-10", "2026-10-10"), ("2026-03-31", "2026-02-28"),
                                                 ("2028-03-30", "2028-02-29"), ("2026-01-31", "2025-12-31")])
def test_the_same_day_last_month_is_clamped_to_its_length(as_of, expected):
    import datetime as dt

    assert same_day_last_month(dt.date.fromisoformat(as_of)).isoformat() == expected


# --- who left --------------------------------------------------------------------------------------


def test_an_elder_who_left_is_shown_as_left_with_the_date_and_no_overdue_days(app, pages):
    page = render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-11")
    rows = {r["name"]: r for r in find(page, "community-people").rowData}
    assert rows["钱*"]["status"] == "已退出 (2026-11-03)"
    assert rows["钱*"]["overdue_days"] is None and rows["钱*"]["due_date"] == ""
    assert list(rows)[-1] == "钱*"  # nothing left to do for them: listed last
    assert rows["张*"]["status"] == "本月未访 (上门)"


def test_an_elder_who_left_is_not_on_the_work_list(app, pages):
    page = render(app, pages["/overdue"].layout, place=HUAYUANLU, month="2026-11")
    assert sorted(r["name"] for r in find(page, "overdue-people").rowData) == ["张*", "赵*"]


def test_an_elder_who_left_is_shown_in_english(settings):
    wh = queries.Warehouse(settings.db_path)
    frame = tables.people_table(queries.people(wh, queries.place(wh, HUAYUANLU), "2026-11"), "en",
                                settings.config.unshown_categories)
    assert frame.loc[frame["name"] == "钱*", "status"].tolist() == ["Left (2026-11-03)"]


# --- the Data page -------------------------------------------------------------------------------


def rows_of(page, table: str) -> list[dict]:
    return find(page, f"data-{table}").rowData


def test_warnings_are_counted_per_street_and_kind(app, pages):
    rows = rows_of(render(app, pages["/data"].layout), "warnings")
    assert [(r["street_name"], r["code"], r["warning_count"]) for r in rows] == [
        ("劝业场街道", "未识别的值", 4), ("劝业场街道", "属性与标注矛盾", 1), ("劝业场街道", "电话号码无效", 1),
        ("南市街道", "未识别的值", 2), ("南市街道", "属性与标注矛盾", 1),
        ("(未定位到街道)", "其他", 1),
    ]


def test_unknown_values_come_most_frequent_first_with_their_streets(app, pages):
    rows = rows_of(render(app, pages["/data"].layout), "unknown_values")
    assert [(r["field"], r["value"], r["occurrence_count"], r["streets"]) for r in rows] == [
        ("类别 (category)", "五保", 3, "劝业场街道、南市街道"),
        ("是否同意探访 (consent)", "愿意", 2, "劝业场街道"),
        ("居住情况 (living)", "独自居住", 1, "南市街道"),
    ]


@pytest.mark.parametrize(("lang", "where"), [("zh", "配置文件 (CAREVISIT_CONFIG 所指的文件) 旁边的 values.csv"),
                                           ("en", "values.csv beside the configuration file")])
def test_the_unknown_values_hint_names_the_bureaus_own_values_csv(app, pages, lang, where):
    """DESIGN §3: a bureau adds its words in a values.csv of its own, beside its configuration file (words_dir);
    the package's etl/mappings/values.csv is not the clerk's to edit, and an upgrade replaces it."""
    [hint] = [text for text in texts(render(app, pages["/data"].layout, lang=lang)) if "values.csv" in text]
    assert where in hint and "CAREVISIT_CONFIG" in hint and "etl/mappings" not in hint


def test_roster_findings_are_masked_and_list_both_streets(app, pages):
    rows = rows_of(render(app, pages["/data"].layout), "findings")
    assert [(r["street_name"], r["community"], r["name"], r["finding"]) for r in rows] == [
        ("劝业场街道", "滨西", "孙*", "居住情况为独居, 但未标注独居"),
        ("南市街道", "庆有西里", "周*", "失能程度为完全失能, 但未标注失能"),
    ]
    assert all("*" * 10 in r["id_number"] for r in rows)


def test_visits_linked_to_no_elder_are_counted_per_street_with_the_reason(app, pages):
    """DESIGN §3: the Data screen counts unlinked visits per street with the reason, so the street can add the ID;
    and a contact list's rows of no elder on a roster, whose contact people help no one's 帮扶率."""
    rows = rows_of(render(app, pages["/data"].layout), "unlinked")
    assert [(r["street_name"], r["kind"], r["reason"], r["record_count"]) for r in rows] == [
        ("劝业场街道", "探访记录", "底册中无此人", 2), ("劝业场街道", "联系人情况表", "底册中无此人", 1),
        ("南市街道", "探访记录", "同名无法区分", 1)]
    assert rows[0]["latest_record_date"] == "2026-10-07"


def test_a_street_user_sees_only_its_own_findings_warnings_and_values(street_app, pages):
    page = render(street_app, pages["/data"].layout)
    assert [r["street_name"] for r in rows_of(page, "unlinked")] == ["劝业场街道", "劝业场街道"]  # visits, contacts
    assert [r["community"] for r in rows_of(page, "findings")] == ["滨西"]
    assert {r["street_name"] for r in rows_of(page, "warnings")} == {"劝业场街道"}
    assert [(r["value"], r["occurrence_count"], r["streets"]) for r in rows_of(page, "unknown_values")] == [
        ("五保", 2, "劝业场街道"), ("愿意", 2, "劝业场街道")]


@pytest.mark.parametrize(("table", "name", "header"), [
    ("warnings", "导入警告", "街道,警告类型,警告,文件数"),
    ("unknown_values", "未识别的值", "字段,未识别的值,出现次数,涉及街道,文件数"),
    ("findings", "底数不清", "街道,社区,姓名,身份证号,问题,文件,行号"),
    ("unlinked", "未关联到底册的记录", "街道,类型,原因,记录数,文件数,最新日期"),
])
def test_data_tables_export_what_the_screen_shows_within_the_scope(settings, table, name, header):
    wh = queries.Warehouse(settings.db_path)
    built = tables.build({"table": table, "lang": "zh"}, wh, QUANYECHANG)
    text = tables.to_file(built, tables.COLUMNS[table], "zh", "csv").decode("utf-8-sig")
    assert built.name == name and text.splitlines()[0] == header
    assert built.title == f"劝业场街道 {name}"
    assert "南市" not in text and "周" not in text


def test_the_problems_table_says_which_streets_sent_no_roster_rather_than_zero(app, pages):
    # review 23 M5: the 风险 page gave the streets no roster lists rows of 0, where the overview says 未报送底册
    page = render(app, pages["/risk"].layout, place=HEPING, month="2026-10")
    rows = {row.children[0].children: [cell.children for cell in row.children[1:]]
            for row in find(page, "risk-problems").children[1].children}
    assert rows["小白楼 (未报送底册)"] == ["—"] * 6
    assert rows["劝业场"][:4] == ["0", "0", "0", "0"]  # sent its roster: its own figures, none found here
    assert not any(name.startswith(("劝业场 (", "南市 (")) for name in rows)


def test_the_map_and_the_ranking_say_which_streets_sent_no_visit_record_of_the_month_by_their_rate(app, pages):
    # review 23: 南市 (its latest record of October) showed red at 0.0 % on the map and the ranking, nothing beside it
    page = render(app, pages["/"].layout, place=HEPING, month="2026-11")
    [dots] = find(page, "overview-bars").figure["data"]
    labels = dict(zip(dots["y"], dots["text"], strict=True))
    assert labels["南市"].endswith(" · 本月未报送探访记录") and labels["南市"].startswith("0.0%")
    assert "未报送探访记录" not in labels["劝业场"]
    names = {text.split("<br>")[0]: text for trace in find(page, "overview-map").figure["data"]
             if trace.get("mode") == "markers+text" for text in trace["text"]}
    assert names["<b>南市</b>"].endswith("<br>本月未报送探访记录") and "未报送" not in names["<b>劝业场</b>"]
    # a rate that counts no visit record says nothing of them
    page = render(app, pages["/"].layout, place=HEPING, month="2026-11", rate="help_rate")
    assert not any("探访记录" in text for text in find(page, "overview-bars").figure["data"][0]["text"])


def test_a_community_whose_roster_lists_nobody_special_difficulty_shows_its_page_with_no_one(app, pages):
    # 滨西 lists one elder of 70 with no category: the page had failed (400, a blank screen) on its empty list, as it
    # did for a community whose roster says it has nobody to list (本社区暂无特殊困难老年人)
    page = render(app, pages["/community"].layout, place=BINXI, month="2026-10")
    assert find(page, "community-people").rowData == []
