"""底册变动 on screen: the 本月变动 panel, why 月探访率 (上门) moved, the people behind each count, roster alerts."""


import duckdb
import pytest

from dashboard import queries, tables
from dashboard.components.changes import explain_rate_move
from etl import metrics
from etl.settings import Settings, default_config_text, parse_config
from etl.warehouse import build_marts
from tests.conftest import BINXI, HUAYUANLU, QUANYECHANG, make_id, new_mart_warehouse
from tests.dashboard.test_pages import find, render, texts

QINGYOU, NANSHI = "120101006001", "120101006000"  # 庆有西里社区, 南市街道
ZHAOFENGLU = "120101001004"  # 兆丰路社区, 劝业场街道
SEVENTY = "19560101"
A, B, C, D, E, F, G, H, J, K = (make_id(SEVENTY, n) for n in range(1, 11))


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    """A baseline roster, then a newer one reported on 15 October: in 花园路 D died on 3 October, E is
    left off (去向未说明), F and G are new; in 滨西 H is newly marked; in 庆有西里 J is new. Two
    elders of no category raise alerts: L, left off in 庆有西里 (half of its list), and M in 兆丰路,
    which the newer street file leaves out.

    Home visits in 花园路: September A B C D (4 of 5), October A (1 of 3: A B C; D and E left unvisited,
    F and G count from November).
    """
    path = tmp_path_factory.mktemp("changes") / "w.duckdb"
    con = duckdb.connect(str(path))
    mart = new_mart_warehouse(con)
    names = dict(zip((A, B, C, D, E, F, G, H, J, K),
                     ("王甲", "李乙", "张丙", "赵丁", "钱戊", "孙己", "周庚", "吴辛", "冯癸", "郑壬"), strict=True))
    for person in (A, B, C, D, E):
        mart.elder(person, "空巢", name=names[person])
    mart.elder(H, community=BINXI, name=names[H])
    mart.elder(K, "空巢", community=QINGYOU, name=names[K])
    mart.elder(make_id(SEVENTY, 11), community=QINGYOU, name="卫子")  # L
    mart.elder(make_id(SEVENTY, 12), community=ZHAOFENGLU, name="蒋丑")  # M
    october = mart.load("roster", report_date="2026-10-15", file_name="和平区底册2026年10月.xlsx")
    for person in (A, B, C, F):
        mart.elder(person, "空巢", name=names[person], load_id=october)
    mart.elder(D, "空巢", name=names[D], status="死亡", change_date="2026-10-03", load_id=october)
    mart.elder(G, "独居", name=names[G], load_id=october)
    mart.elder(H, "空巢", community=BINXI, name=names[H], load_id=october)
    for person in (K, J):
        mart.elder(person, "空巢", community=QINGYOU, name=names[person], load_id=october)
    for person, day in ((A, "2026-09-05"), (B, "2026-09-06"), (C, "2026-09-07"), (D, "2026-09-08"),
                        (K, "2026-09-09"), (A, "2026-10-05"), (K, "2026-10-10"), (F, "2026-10-20"),
                        (J, "2026-10-25"), (A, "2026-10-31")):
        mart.visit(person, f"{day} 09:00")
    # and the October file's load was alerted of a rejected row naming an elder on the roster (a file warning that is
    # an alert, placed where the file is: the district, since it lists two streets)
    con.execute("insert into load_warnings (load_id, file_name, message, code) values (?, ?, ?, 'rejected_listed')",
                [october, "和平区底册2026年10月.xlsx",
                 "第 9 行被拒收, 而现行底册中有同名的人: 不改正的话, 此人将按去向未说明计为退出"])
    # (said while that row waits for a correction)
    con.execute("insert into rejects (load_id, file_name, row_number, reason, raw_values, origin_load_id, origin_row)"
                " values (?, ?, 9, '身份证号校验位错误', '{}', ?, 9)", [october, "和平区底册2026年10月.xlsx", october])
    build_marts(con)
    con.close()
    return Settings(db_path=path, config=parse_config(default_config_text()))


def stored_changes(settings, code: str, month: str = "2026-10") -> dict:
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        cursor = con.execute("select * from place_changes where code = ? and month = ?", [code, month])
        columns = [d[0] for d in cursor.description]
        return dict(zip(columns, cursor.fetchall()[0], strict=True))


# --- the sentence ---------------------------------------------------------------------------------


def move_row(stayed=10, before=8, now=8, lost=0, gained=0, joined=0, joined_visited=0, left=0, left_visited=0):
    return {"stayed_count": stayed, "stayed_visited_before": before, "stayed_visited_now": now,
            "stayed_visited_before_only": lost, "stayed_visited_now_only": gained, "joined_eligible": joined,
            "joined_visited": joined_visited, "left_eligible": left, "left_visited_before": left_visited}


@pytest.mark.parametrize(
    ("row", "lang", "whole_month_before", "points", "expected"),
    [
        # 9/10 -> 7/13: two stayers lost their visit, three joiners not yet visited (they weigh more)
        (move_row(10, 9, 7, lost=2, joined=3), "zh", False,
         -36.2, "本月起计入应探访的 3 人 (上月新增、本月满80岁等) 中 3 人尚未上门;"
         " 原有对象中 2 人上月已上门、本月未上门"),
        (move_row(10, 9, 7, lost=2, joined=3), "en", False,
         -36.2, "3 of the 3 counted from this month (last month's joiners, those turning 80)"
         " not yet visited;"
         " 2 visited last month are not visited this month"),
        # 5/10 -> 9/12: four stayers gained a visit; one joiner of three visited and a visited leaver pull
        # the other way, so they are not named
        (move_row(9, 4, 8, gained=4, joined=3, joined_visited=1, left=1, left_visited=1), "zh", False,
         25.0, "原有对象中 4 人上月未上门、本月已上门"),
        # 6/10 -> 7/9: an unvisited leaver and a visited joiner; stayers as they were
        (move_row(8, 6, 6, joined=1, joined_visited=1, left=2, left_visited=0), "zh", False,
         17.8, "移出的 2 人中 2 人上月未上门;"
         " 本月起计入应探访的 1 人 (上月新增、本月满80岁等) 中 1 人已上门"),
        # 4,800/5,000 -> 4,500/5,001: 300 stayers lost their visit; the joiner is not worth naming
        (move_row(5000, 4800, 4500, lost=300, joined=1), "zh", False,
         -6.0, "原有对象中 300 人上月已上门、本月未上门"),
        # 5/10 -> 7/10: three stayers gained their visit and one lost it: the net two moved it, both are said
        (move_row(10, 5, 7, lost=1, gained=3), "zh", False,
         20.0, "原有对象中 3 人上月未上门、本月已上门; 另有 1 人上月已上门、本月未上门"),
        (move_row(10, 9, 7, lost=3, gained=1), "en", False,
         -20.0, "3 visited last month are not visited this month;"
         " while 1 not visited last month are visited this month"),
        # a month in progress against all of last month
        (move_row(10, 9, 3, lost=6), "zh", True, -60.0, "原有对象中 6 人上月已上门、本月尚未上门"),
        (move_row(10, 9, 3, lost=6), "en", True,
         -60.0, "6 visited last month are not yet visited this month"),
    ],
)
def test_the_sentence_names_what_moved_the_rate_the_way_it_went(row, lang, whole_month_before, points, expected):
    move = explain_rate_move(row, lang, whole_month_before, aged_from=80)
    assert (round(move.change * 100, 1), move.text) == (points, expected)


def test_the_joiners_part_names_the_age_高龄_counted_from():
    # review 14 M1: a bureau counting 高龄 from 75 read 本月满80岁 under its figures
    move = explain_rate_move(move_row(10, 9, 7, lost=2, joined=3), "zh", aged_from=75)
    assert "本月满75岁" in move.text and "80" not in move.text


@pytest.mark.parametrize(
    "row",
    [
        move_row(10, 8, 8),  # flat
        move_row(10, 8, 8, lost=1, gained=1),  # flat: one lost, one gained
        move_row(None, None, None, joined=None, joined_visited=None, left=None, left_visited=None),  # first month
        move_row(0, 0, 0, joined=3, joined_visited=1),  # nobody to compare with last month
        None,  # no row
    ],
)
def test_nothing_to_explain(row):
    if row is not None and row["stayed_count"] is None:
        row = {key: float("nan") for key in row}
    assert explain_rate_move(row, aged_from=80) is None


@pytest.mark.parametrize(("stayed", "before", "now", "lost", "gained", "joined", "joined_visited", "left",
                          "left_visited"),
                         [(10, 9, 7, 2, 0, 3, 1, 2, 2), (40, 30, 35, 3, 8, 5, 0, 7, 1), (3, 0, 3, 0, 3, 1, 0, 0, 0)])
def test_the_move_explained_is_the_change_of_the_rate(stayed, before, now, lost, gained, joined, joined_visited,
                                                      left, left_visited):
    row = move_row(stayed, before, now, lost, gained, joined, joined_visited, left, left_visited)
    change = (now + joined_visited) / (stayed + joined) - (before + left_visited) / (stayed + left)
    assert explain_rate_move(row, aged_from=80).change == pytest.approx(change)


# --- the panel and the sentence on the pages ----------------------------------------------------


@pytest.mark.parametrize(("path", "code"), [("/community", HUAYUANLU), ("/", QUANYECHANG)])
def test_the_panel_shows_the_stored_changes_with_links_to_the_people(settings, app, pages, path, code):
    stored = stored_changes(settings, code)
    panel = find(render(app, pages[path].layout, place=code, month="2026-10"), "changes-panel")
    assert find(panel, "changes-balance").children == (
        f"特殊困难老人 上月末 {stored['special_before']} 人 → 本月末 {stored['special_now']} 人")
    assert find(panel, "changes-joined").children == f"新增 {stored['joined_count']} 人"
    assert find(panel, "changes-left").children == f"减少 {stored['left_count']} 人"
    registered = find(panel, "changes-joined-registered")
    assert registered.children == f"新登记或首次列入 {stored['joined_registered']}"
    assert registered.href == f"/changes?month=2026-10&lang=zh&place={code}&kind=joined&reason=registered"


def test_the_community_panel_in_numbers(app, pages):
    panel = find(render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-10"), "changes-panel")
    assert " ".join(texts(panel)) == (
        "本月变动 特殊困难老人 上月末 5 人 → 本月末 5 人 新增 2 人 :  新登记或首次列入 2"
        " 减少 2 人 :  死亡 1  ·  去向未说明 1")


def test_the_street_panel_counts_the_newly_marked(app, pages):
    panel = find(render(app, pages["/"].layout, place=QUANYECHANG, month="2026-10"), "changes-panel")
    assert find(panel, "changes-balance").children == "特殊困难老人 上月末 5 人 → 本月末 6 人"
    assert find(panel, "changes-joined-marked").children == "新标注 1"


def test_the_sentence_sits_under_the_visit_rate_change(app, pages):
    card = find(render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-10"), "kpi-visit_rate_home")
    shown = texts(card)
    assert "33.3%" in shown and "较上月 -46.7 个百分点" in shown  # September 4/5, October 1/3
    # B and C lost their visit; D (visited) and E (not) left: half visited, below 80 %, so their leaving
    # lifted the rate and is not named
    # the card says by how much already: the sentence says why
    assert "".join(texts(find(card, "rate-move"))) == "原因: 原有对象中 2 人上月已上门、本月未上门"
    assert find(card, "rate-move-stayed_lost").href == (
        f"/changes?month=2026-10&lang=zh&place={HUAYUANLU}&kind=stayed_lost")


def test_a_month_in_progress_says_to_which_day_and_against_all_of_last_month(app, pages):
    page = render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-10", as_of="2026-10-20")
    assert find(page, "changes-balance").children == "特殊困难老人 上月末 5 人 → 截至 20 日 5 人"
    # the card's figure is against the same day; the sentence says who, against all of last month, with no second
    # figure of points beside it (review 7b L3)
    assert "".join(texts(find(page, "rate-move"))) == "与上月全月相比: 原有对象中 2 人上月已上门、本月尚未上门"
    assert "as_of=2026-10-20" in find(page, "changes-joined").href


def test_the_first_month_has_no_sentence(app, pages):
    page = render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-09")
    assert find(page, "rate-move") is None
    assert find(page, "changes-panel") is not None


def test_the_panel_and_sentence_in_english(app, pages):
    page = render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-10", lang="en")
    assert find(page, "changes-joined-registered").children == "Newly registered 2"
    assert find(page, "changes-left-unexplained").children == "Left off, no reason given 1"
    assert "".join(texts(find(page, "rate-move"))) == "Why: 2 visited last month are not visited this month"


# --- the people behind a count -------------------------------------------------------------------


def listed(page) -> list[dict]:
    return find(page, "changes-people").rowData


@pytest.mark.parametrize(("place", "kind", "reason", "names"), [
    (HUAYUANLU, "joined", "registered", ["周*", "孙*"]),
    (HUAYUANLU, "left", None, ["赵*", "钱*"]),
    (HUAYUANLU, "stayed_lost", None, ["张*", "李*"]),
    (HUAYUANLU, "left_not_visited", None, ["钱*"]),
    (HUAYUANLU, "left_visited", None, ["赵*"]),
    (QUANYECHANG, "joined", None, ["周*", "孙*", "吴*"]),
])
def test_the_list_holds_the_people_behind_the_count(app, pages, place, kind, reason, names):
    page = render(app, pages["/changes"].layout, place=place, month="2026-10", kind=kind, reason=reason)
    assert sorted(r["name"] for r in listed(page)) == sorted(names)
    assert f"({len(names)} 人)" in find(page, "changes-title").children


def test_every_count_of_the_panel_matches_its_list(settings):
    for code in (HUAYUANLU, BINXI, QUANYECHANG, NANSHI):
        stored = stored_changes(settings, code)
        for key in (*(f"joined_{r}" for r in queries.JOINED_REASONS), *(f"left_{r}" for r in queries.LEFT_REASONS)):
            group, reason = key.split("_", 1)
            frame = queries.change_people(queries.Warehouse(settings.db_path), queries.place(
                queries.Warehouse(settings.db_path), code), "2026-10", queries.ALL, group, reason)
            assert len(frame) == stored[key], (code, key)


def test_the_list_moves_to_another_month_or_to_the_other_side_of_the_change(app, pages):
    # review 11b L2: the list's only link led back to the place's page
    page = render(app, pages["/changes"].layout, place=HUAYUANLU, month="2026-10", kind="left", reason="死亡")
    assert find(page, "changes-month").value == "2026-10"
    assert {o["value"] for o in find(page, "changes-month").options} >= {"2026-09", "2026-10"}
    assert find(page, "changes-joined").href == f"/changes?place={HUAYUANLU}&month=2026-10&lang=zh&kind=joined"
    assert find(page, "changes-left") is None


def test_the_list_shows_reason_date_and_visits_masked(app, pages):
    page = render(app, pages["/changes"].layout, place=HUAYUANLU, month="2026-10", kind="left")
    rows = {r["name"]: r for r in listed(page)}
    # the death (3 October) is reported by the roster of 15 October: it ends the stretch on its own date, in the
    # month the roster takes effect (DESIGN §4: a newer roster changes no month that ended before its date)
    assert (rows["赵*"]["change_reason"], rows["赵*"]["change_date"]) == ("死亡", "2026-10-03")
    assert (rows["钱*"]["change_reason"], rows["钱*"]["change_date"]) == ("去向未说明", "2026-10-15")
    assert (rows["赵*"]["visited_before"], rows["赵*"]["visited_now"]) == ("是", "不计入")
    assert (rows["钱*"]["visited_before"], rows["钱*"]["community"]) == ("否", "花园路")
    assert all("*" * 10 in r["id_number"] for r in rows.values())
    joined = {r["name"]: r for r in listed(render(app, pages["/changes"].layout, place=HUAYUANLU, month="2026-10",
                                                  kind="joined"))}
    # F joined on 15 October: counted in the visit rate from November, though visited on the 20th
    assert (joined["孙*"]["change_date"], joined["孙*"]["visited_before"], joined["孙*"]["visited_now"]) == (
        "2026-10-15", "不计入", "不计入")
    # H, on the roster without a category, was marked 空巢 by the roster of 15 October: its day is the change's
    marked = {r["name"]: r for r in listed(render(app, pages["/changes"].layout, place=BINXI, month="2026-10",
                                                  kind="joined"))}
    assert (marked["吴*"]["change_reason"], marked["吴*"]["change_date"]) == ("新标注", "2026-10-15")


def test_one_who_turned_80_joined_on_their_birthday(tmp_path):
    """高龄 from the 80th birthday (DESIGN §4): the 本月变动 list dates the joining by it, as the due date counts."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        mart = new_mart_warehouse(con)
        mart.elder(make_id("19461012", 1), name="陈八十")  # no category: special from 12 October 2026
        mart.elder(A, "空巢", name="王甲")
        mart.visit(A, "2026-09-05 09:00")
        mart.visit(A, "2026-10-31 09:00")  # the data reach the month's end
        build_marts(con)
    warehouse = queries.Warehouse(path)
    frame = queries.change_people(warehouse, queries.place(warehouse, HUAYUANLU), "2026-10", queries.ALL, "joined",
                                  None)
    assert [(row.name, row.joined_reason, f"{row.change_date:%Y-%m-%d}") for row in frame.itertuples()] == [
        ("陈**", "turned_80", "2026-10-12")]


def test_a_street_user_sees_only_its_own_people(street_app, pages):
    page = render(street_app, pages["/changes"].layout, place=NANSHI, month="2026-10", kind="joined")
    assert "无权查看" in " ".join(texts(page))
    district = render(street_app, pages["/changes"].layout, month="2026-10", kind="joined")  # their street
    assert sorted(r["name"] for r in listed(district)) == ["吴*", "周*", "孙*"]


def test_the_export_is_the_list_and_stays_in_scope(settings):
    wh = queries.Warehouse(settings.db_path)
    spec = {"table": "changes", "place": QUANYECHANG, "month": "2026-10", "group": "joined", "lang": "zh"}
    built = tables.build(spec, wh, QUANYECHANG)
    text = tables.to_file(built, tables.COLUMNS["changes"], "zh", "csv").decode("utf-8-sig")
    assert built.name == "劝业场_2026-10_底册变动_新增"
    assert built.title == "劝业场街道 底册变动: 新增 (2026年10月)"
    # the street too, as a district's list of several streets needs (probe P)
    assert text.splitlines()[0] == "姓名,身份证号,街道,社区,变动原因,变动日期,上月上门,本月上门"
    assert len(text.splitlines()) == 4 and "冯" not in text
    assert {line.split(",")[2] for line in text.splitlines()[1:]} == {"劝业场"}
    with pytest.raises(queries.OutOfScope):
        tables.build(spec | {"place": NANSHI}, wh, QUANYECHANG)


def test_an_unknown_kind_or_reason_falls_back_to_everyone_who_joined(app, pages):
    page = render(app, pages["/changes"].layout, place=HUAYUANLU, month="2026-10", kind="drop table", reason="x")
    assert len(listed(page)) == 2


# --- the Data page: roster alerts and rosters in force ----------------------------------------


def test_the_data_page_lists_rosters_in_force(app, pages):
    rows = find(render(app, pages["/data"].layout), "data-snapshots").rowData
    assert [(r["street_name"], r["file_name"], r["community_count"], r["elder_count"], r["communities"])
            for r in rows] == [
        ("劝业场街道", "和平区底册2026年10月.xlsx", 2, 7, "花园路、滨西"),
        ("劝业场街道", "roster.csv", 1, 1, "兆丰路"),  # left out of the newer file: its older list holds
        ("南市街道", "和平区底册2026年10月.xlsx", 1, 2, "庆有西里")]


def test_the_data_page_lists_the_alerts_the_loads_gave_with_file_and_message(app, pages, settings):
    # as the clerk was told after the load (metrics.roster_alerts): the roster's own and the file warnings that are
    rows = find(render(app, pages["/data"].layout), "data-alerts").rowData
    assert [(r["file_name"], r["street_name"], r["community"], r["alert_code"]) for r in rows] == [
        ("和平区底册2026年10月.xlsx", "劝业场街道", "兆丰路", "漏列社区"),
        ("和平区底册2026年10月.xlsx", "南市街道", "庆有西里", "大量人员未列入"),
        ("和平区底册2026年10月.xlsx", "", None, "拒收的行是现行底册中的人")]
    assert "没有列出兆丰路社区" in rows[0]["message"] and "少了 1 人 (占 50%)" in rows[1]["message"]
    assert rows[2]["message"] == "第 9 行被拒收, 而现行底册中有同名的人: 不改正的话, 此人将按去向未说明计为退出"
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        told = metrics.roster_alerts(con)
    assert len(told) == len(rows) and all(any(r["message"] in alert for alert in told) for r in rows)


def test_a_street_user_sees_only_its_own_alerts_and_rosters(street_app, pages):
    page = render(street_app, pages["/data"].layout)
    assert [r["community"] for r in find(page, "data-alerts").rowData] == ["兆丰路"]
    assert {r["street_name"] for r in find(page, "data-snapshots").rowData} == {"劝业场街道"}
