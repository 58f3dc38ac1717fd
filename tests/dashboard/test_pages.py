"""Queries, page layouts and callbacks on a real warehouse file, called directly (no browser)."""

import csv
import datetime as dt
import io
import os
import sys
from contextvars import copy_context

import dash
import openpyxl
import pandas as pd
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from dashboard import queries, tables
from dashboard.accounts import User
from dashboard.app import create_app
from etl.ingest import ingest
from etl.settings import Settings, default_config_text, parse_config
from tests.conftest import make_id
from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, roster_row, visit_row, write_csv

QUANYECHANG, NANSHI = "120101001000", "120101006000"
HUAYUANLU, BINXI, QINGYOU = "120101001001", "120101001002", "120101006001"


ADMIN = User("test", "admin", "all")


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("dashboard")
    people = [
        (make_id("19400101", 1), "花园路", "劝业场街道", "独居、失能"),  # 高 risk, visited
        (make_id("19560101", 2), "花园路", "劝业场街道", "空巢"),  # not visited
        (make_id("19560101", 3), "滨西", "劝业场街道", "失能"),  # visited by phone only
        (make_id("19560101", 4), "庆有西里", "南市街道", "孤寡"),  # visited
    ]
    visitors = {2: "李建国"}  # the cadre assigned to 王2号 (包联人); the others' cell left blank
    roster = write_csv(folder / "roster.csv", [[*ROSTER_HEADER, "包联人"]] + [
        [*roster_row(n, pid, name=f"王{n}号", community=c, street=s, categories=cat), visitors.get(n, "")]
        for n, (pid, c, s, cat) in enumerate(people, 1)])
    visits = write_csv(folder / "visits.csv", [
        VISIT_HEADER, visit_row(people[0][0], "2026-10-05", community="花园路"),
        visit_row(people[2][0], "2026-10-06", method="电话问候", community="滨西"),
        visit_row(people[3][0], "2026-10-07", community="庆有西里"),
        visit_row(people[3][0], "2026-09-07", community="庆有西里"),
    ])
    result = Settings(db_path=folder / "w.duckdb", config=parse_config(default_config_text()))
    ingest([roster, visits], result)
    return result


@pytest.fixture(scope="module")
def wh(settings) -> queries.Warehouse:
    return queries.Warehouse(settings.db_path)


def render(app, layout, **query):
    with app.server.test_request_context("/"):
        return layout(**query)


def texts(component) -> list[str]:
    """Every string shown in a component tree."""
    found = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(node.children)
            for attribute in ("label", "value"):
                if isinstance(getattr(node, attribute, None), str):
                    found.append(getattr(node, attribute))
    walk(component)
    return found


def find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        if (hit := find(child, component_id)) is not None:
            return hit
    return None


# --- queries -------------------------------------------------------------------------------------


def test_the_only_district_is_the_root(wh):
    assert queries.root_place(wh).name == "和平区"


def test_a_street_no_roster_lists_says_so_on_the_overview_as_in_the_summary_table(app, pages):
    # review 2026-12-04: the 汇总表 and 通报 said 未报送底册 where the overview's ranking and map said 本月无应统计对象
    page = render(app, pages["/"].layout, month="2026-10")
    ranked = dict(zip(find(page, "overview-bars").figure["data"][0]["y"],
                      find(page, "overview-bars").figure["data"][0]["text"], strict=True))
    assert ranked["五大道"] == "未报送底册" and "未报送底册" not in (ranked["劝业场"], ranked["南市"])
    labels = find(page, "overview-map").figure["data"][-1]["text"]
    assert "<b>五大道</b><br>未报送底册" in labels


def test_place_months_recount_rates_from_people(wh):
    street = queries.place(wh, QUANYECHANG)
    october = queries.place_months(wh, street, until="2026-10").iloc[-1]
    assert (october["visited_home"], october["eligible_home"], october["visit_rate_home"]) == (1, 3, 1 / 3)
    assert (october["visited_any"], october["eligible_any"]) == (2, 3)


def test_people_are_masked_and_work_list_keeps_the_unvisited(wh):
    street = queries.place(wh, QUANYECHANG)
    work = queries.people(wh, street, "2026-10", work_list=True)
    assert sorted(work["community"]) == ["滨西", "花园路"]
    assert all(name.endswith("**") for name in work["name"])
    assert all("*" * 10 in id_number for id_number in work["id_number"])


def test_someone_never_visited_at_home_shows_no_home_visit_on_record(wh, settings):
    street = queries.place(wh, QUANYECHANG)
    shown = tables.people_table(queries.people(wh, street, "2026-10"), "zh",
                                settings.config.unshown_categories).set_index("community")
    assert shown.loc["滨西", "last_home_visit_date"] == "记录期内未上门"  # phoned only
    assert sorted(shown.loc["花园路", "last_home_visit_date"]) == ["2026-10-05", "记录期内未上门"]


def test_someone_never_visited_in_a_street_that_sent_no_visits_is_said_so(tmp_path):
    # review 13 L2: a street that had sent its roster only listed its elders 记录期内未上门, 逾期 from the district's
    # first record, as though its visit records had been read
    sent, unsent = make_id("19560101", 11), make_id("19560101", 12)
    roster = write_csv(tmp_path / "roster.csv", [
        ROSTER_HEADER, roster_row(1, sent, name="王甲", community="花园路", street="劝业场街道", categories="独居"),
        roster_row(2, unsent, name="王乙", community="新兴南里", street="新兴街道", categories="独居")])
    visits = write_csv(tmp_path / "visits.csv", [VISIT_HEADER, visit_row(sent, "2026-10-05", method="电话问候",
                                                                         community="花园路")])
    settings = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(default_config_text()))
    ingest([roster, visits], settings)
    wh = queries.Warehouse(settings.db_path)
    shown = tables.people_table(queries.people(wh, queries.place(wh, "120101000000"), "2026-10"), "zh",
                                settings.config.unshown_categories).set_index("street")
    assert shown.loc["劝业场", "last_home_visit_date"] == "记录期内未上门"
    assert shown.loc["新兴", "last_home_visit_date"] == "本街道未报送探访记录"


def test_a_page_says_the_rules_its_figures_were_counted_by_not_the_servers_own(tmp_path):
    # review 14 M1, M3: a warehouse counted with 高龄 from 75 and 高 risk every 14 days, served by a process with the
    # built-in configuration (started before a rebuild, or without CAREVISIT_CONFIG), said 满80岁 and 高 7
    text = default_config_text().replace("aged_from = 80", "aged_from = 75").replace('"高" = 7', '"高" = 14')
    built = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(text))
    pid = make_id("19500101", 1)
    roster = write_csv(tmp_path / "roster.csv", [ROSTER_HEADER, roster_row(1, pid, name="王甲", community="花园路",
                                                                           street="劝业场街道", categories="独居")])
    ingest([roster, write_csv(tmp_path / "v.csv", [VISIT_HEADER, visit_row(pid, "2026-10-05", community="花园路")])],
           built)
    served = Settings(db_path=built.db_path, config=parse_config(default_config_text()))
    app = create_app(served, ADMIN)
    pages = {page["path"]: sys.modules[page["module"]] for page in dash.page_registry.values()}
    shown = " ".join(texts(render(app, pages["/community"].layout, place="120101001001", month="2026-10")))
    assert "含本月满75岁" in shown and "满80岁" not in shown
    assert "天: 高 14、中 30、低 30" in shown and "如年满 75 岁" in shown


def test_a_small_count_of_a_sensitive_category_is_not_shown(wh):
    district = queries.place(wh, "120101000000")
    counts = queries.categories(wh, district, "2026-10", sensitive=("孤寡",), threshold=5).set_index("category")
    assert counts.loc["孤寡", "suppressed"] and pd.isna(counts.loc["孤寡", "people_count"])
    assert counts.loc["孤寡", "count_text"] == "<5"
    assert counts.loc["独居", "people_count"] == 1 and not counts.loc["独居", "suppressed"]
    assert not queries.categories(wh, district, "2026-10", sensitive=("孤寡",), threshold=1)["suppressed"].any()


def test_a_scope_hides_every_other_place(wh):
    with pytest.raises(queries.OutOfScope):
        queries.place(wh, NANSHI, scope=QUANYECHANG)
    assert [p.code for p in queries.children(wh, queries.place(wh, "120101000000"), scope=QUANYECHANG)] == [QUANYECHANG]
    people = queries.people(wh, queries.root_place(wh, QUANYECHANG), "2026-10", scope=QUANYECHANG)
    assert set(people["street"]) == {"劝业场"}


def test_exports_are_scoped_on_the_server_whatever_the_browser_asks(wh):
    with pytest.raises(queries.OutOfScope):
        tables.build({"table": "people", "place": NANSHI, "month": "2026-10"}, wh, QUANYECHANG)


def test_export_rows_equal_the_screen_rows(app, wh, settings):
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "work_list": True, "lang": "zh"}
    with app.server.app_context():
        built = tables.build(spec, wh, queries.ALL)
    on_screen = tables.people_table(queries.people(wh, queries.place(wh, QUANYECHANG), "2026-10", work_list=True), "zh",
                                    settings.config.unshown_categories)
    pd.testing.assert_frame_equal(built.frame, on_screen)
    csv_text = tables.to_file(built, tables.PEOPLE_COLUMNS, "zh", "csv").decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("姓名,街道,社区,包联人,风险,状态,逾期天数") and len(lines) == 3
    assert built.name == "劝业场_2026-10_逾期名单"


def test_a_work_list_names_each_persons_assigned_visitor_masked(app, wh):
    """Review 16 M2: staff planning the week's visits could not tell from the list who goes to whom (three 王** of
    one risk, told apart only by their IDs' last digits): the roster's 包联人, masked as names are (DESIGN §6)."""
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "work_list": True, "lang": "zh"}
    with app.server.app_context():
        built = tables.build(spec, wh, queries.ALL)
    assert sorted(zip(built.frame["community"], built.frame["visitor"].fillna(""), strict=True)) == [
        ("滨西", ""), ("花园路", "李**")]
    assert "李建国" not in tables.to_file(built, tables.PEOPLE_COLUMNS, "zh", "csv").decode("utf-8-sig")


def test_an_exported_work_list_says_what_it_is_and_prints_with_its_header_on_every_page(app, wh):
    """A street's staff print the work list to visit from (review 4 L10: a bare table, nothing said what list of
    which place for which month): its title and the day it was made above the header, which stays in view and
    on every printed page; the rows are those of the CSV."""
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "work_list": True, "lang": "zh"}
    with app.server.app_context():
        built = tables.build(spec, wh, queries.ALL)
    raw = tables.to_file(built, tables.PEOPLE_COLUMNS, "zh", "xlsx", personal=True, made_on=dt.date(2026, 11, 3))
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "劝业场街道 逾期和本月未访名单 (2026年10月, 数据截至10月7日, 未满整月)"
    assert rows[1][0].startswith("导出日期: 2026年11月3日。含个人信息 (已打码), 请妥善保管")
    csv_rows = list(csv.reader(io.StringIO(tables.to_file(built, tables.PEOPLE_COLUMNS, "zh", "csv")
                                           .decode("utf-8-sig"))))
    assert [[("" if v is None else str(v)) for v in row] for row in rows[2:]] == csv_rows
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    last = openpyxl.utils.get_column_letter(len(csv_rows[0]))
    assert {str(r) for r in sheet.merged_cells.ranges} == {f"A1:{last}1", f"A2:{last}2"}


def test_a_filtered_work_list_says_its_filters_in_its_title_and_file_name(app, wh):
    # a printed week's list of 37 had read as the whole list of 70 (review 7b M3)
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "work_list": True, "week": True,
            "risk": ["高"], "lang": "zh"}
    with app.server.app_context():
        built = tables.build(spec, wh, queries.ALL)
        whole = tables.build(spec | {"week": False, "risk": []}, wh, queries.ALL)
    assert built.title == ("劝业场街道 逾期和本月未访名单 (2026年10月, 数据截至10月7日, 未满整月)"
                           " (筛选: 只看 7 天内到期 (含逾期); 风险等级 高)")
    assert built.name == "劝业场_2026-10_逾期名单_本周" and whole.name == "劝业场_2026-10_逾期名单"
    assert len(built.frame) < len(whole.frame)


def test_a_list_of_people_masks_disability_as_it_masks_names_and_the_unmasked_details_show_it(app, wh):
    """DESIGN §6 (review 6b M6): health and disability status masked by default on every screen and export. 类别 had
    shown 失能 beside a masked name on the work list, the community page and their exports, for every role."""
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "lang": "zh"}
    with app.server.app_context():
        built = tables.build(spec, wh, queries.ALL)
        # 失能 masked, 独居 and 高龄 as they are
        assert sorted(built.frame["categories"]) == ["*", "独居、高龄、*", "空巢"]
        exported = tables.to_file(built, tables.PEOPLE_COLUMNS, "zh", "csv").decode("utf-8-sig")
        assert "失能" not in exported
        people = queries.people(wh, queries.place(wh, QUANYECHANG), "2026-10")
        row = [i for i, categories in enumerate(people["categories"]) if "独居" in categories][0]
        person = tables.person_at(spec, row, wh, queries.ALL)
    assert set(person["categories"]) == {"独居", "失能", "高龄"} and person["name"] == "王1号"


def test_a_work_lists_days_overdue_are_blank_for_those_not_yet_due(app, wh):
    """Review 16 L3: 逾期天数 0 beside people not yet due read as 0 days late."""
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "lang": "zh"}
    with app.server.app_context():
        shown = tables.build(spec, wh, queries.ALL).frame
    not_visited = shown["status"].str.startswith("本月未访")  # on the roll, not visited yet, not overdue
    assert not_visited.any() and not shown["status"].str.contains("逾期").any(), shown[["status", "overdue_days"]]
    assert shown["overdue_days"].isna().all(), shown[["status", "overdue_days"]]


def test_the_dashboard_follows_the_file_a_load_swaps_in(settings, tmp_path):
    path = tmp_path / "live.duckdb"
    path.write_bytes(settings.db_path.read_bytes())
    wh = queries.Warehouse(path)
    assert wh.rows("select count(*) from loads")[0][0] == 2
    newer = Settings(db_path=tmp_path / "newer.duckdb", config=settings.config)
    ingest([write_csv(tmp_path / "r.csv", [ROSTER_HEADER, roster_row(1, make_id("19500101", 9))])], newer)
    os.replace(newer.db_path, path)  # what a load does
    assert wh.rows("select count(*) from loads")[0][0] == 1


def test_remembered_answers_follow_the_file_a_load_swaps_in(settings, tmp_path):
    path = tmp_path / "live.duckdb"
    path.write_bytes(settings.db_path.read_bytes())
    wh = queries.Warehouse(path)
    assert len(queries.loads(wh)) == 2 and len(queries.loads(wh)) == 2  # the second from memory
    assert queries.place_months(wh, queries.place(wh, QUANYECHANG), until="2026-10")["special_count"].iloc[-1] == 3
    newer = Settings(db_path=tmp_path / "newer.duckdb", config=settings.config)
    ingest([write_csv(tmp_path / "r.csv", [ROSTER_HEADER, roster_row(1, make_id("19500101", 9))])], newer)
    os.replace(newer.db_path, path)  # what a load does
    assert len(queries.loads(wh)) == 1
    assert "2026-10" not in set(queries.months(wh)["month"])  # the new file has no visits: no October


def test_remembered_answers_are_bounded_in_rows_the_least_recently_used_going_first(settings):
    wh = queries.Warehouse(settings.db_path)
    wh.MAX_REMEMBERED_ROWS = 3
    computed = []

    def answer(name: str) -> pd.DataFrame:
        return wh.remember((name,), lambda: computed.append(name) or pd.DataFrame({"x": [1, 2]}))

    for name in ("a", "a", "b", "b", "a"):
        answer(name)
    assert computed == ["a", "b", "a"]  # b's two rows pushed a's out


def test_a_caller_that_changes_a_remembered_answer_changes_only_its_copy(wh):
    months = queries.months(wh)
    months["month"] = "changed"
    months.loc[0, "as_of"] = None
    assert "changed" not in set(queries.months(wh)["month"]) and queries.months(wh)["as_of"].notna().all()


# --- pages ---------------------------------------------------------------------------------------


def test_overview_shows_the_rates_with_counts_and_the_data_date(app, pages):
    page = render(app, pages["/"].layout, month="2026-10")
    shown = texts(page)
    assert "50.0%" in shown and "2 / 4 · 目标 100%" in shown  # home visits: 2 of 4 elders
    assert "与上月同期相比 +25.0 个百分点" in shown  # October is counted to the 7th; by 7 September 1 of 4
    assert "数据截至 2026-10-07" in shown  # the latest visit loaded


def test_overview_of_a_street_maps_its_communities(app, pages):
    page = render(app, pages["/"].layout, place=QUANYECHANG, month="2026-10")
    figure = find(page, "overview-map").figure
    locations = {code for trace in figure["data"] for code in trace["customdata"]}  # a plain dict figure
    assert {HUAYUANLU, BINXI} <= locations and QINGYOU not in locations


def test_zero_denominators_say_so_instead_of_a_percentage(app, pages):
    page = render(app, pages["/"].layout, place=NANSHI, month="2026-10")
    help_card = find(page, "kpi-help_rate")
    assert "本月无应统计对象" in " ".join(texts(help_card)) and "—" in texts(help_card)


def test_community_page_lists_its_masked_people(app, pages):
    page = render(app, pages["/community"].layout, place=HUAYUANLU, month="2026-10")
    rows = find(page, "community-people").rowData
    assert sorted(r["name"] for r in rows) == ["王**", "王**"]
    # its own street and community, the same on every row, are not columns of its page (review 7b L7)
    assert "community" not in rows[0] and "street" not in rows[0] and "age" in rows[0]
    assert {r["status"] for r in rows} == {"本月已上门", "本月未访 (上门)"}
    assert find(page, "data-date").children == "数据截至 2026-10-07"  # as the overview says it
    # where a due date comes from, the configuration's intervals in it (review 7b L1)
    assert any(text.startswith("应访日期 = 最近一次上门 + 探访间隔 (按风险等级, 天: 高 7、中 30、低 30)")
               for text in texts(page))


@pytest.mark.parametrize("month", ["2025-06", "abc"])
def test_a_month_the_data_has_none_of_is_said_beside_the_latest_shown(app, pages, month):
    # review 11b L1: a shared link's month with no data showed the latest month without a word
    page = render(app, pages["/"].layout, month=month)
    assert find(page, "overview-month-not-found").children == f"没有「{month}」的数据, 显示的是最近的 2026-10"
    assert find(render(app, pages["/"].layout, month="2026-10"), "overview-month-not-found") is None


def test_overdue_filters_come_from_the_url(app, pages):
    page = render(app, pages["/overdue"].layout, place=QUANYECHANG, month="2026-10", category="失能", risk="中")
    rows = find(page, "overdue-people").rowData
    assert [(r["community"], r["risk_level"]) for r in rows] == [("滨西", "中")]
    assert find(page, "overdue-category").value == "失能" and find(page, "overdue-risk").value == ["中"]


@pytest.mark.parametrize("shown", [1000, 1])
def test_the_work_list_counts_everyone_though_it_shows_its_first_rows(app, pages, wh, monkeypatch, shown):
    """A province's list holds tens of thousands: it fetches the rows it shows, and counts all of them."""
    everyone = queries.people(wh, queries.root_place(wh), "2026-10", work_list=True)
    monkeypatch.setattr(tables, "DISPLAY_LIMIT", shown)
    page = render(app, pages["/overdue"].layout, month="2026-10")
    assert len(find(page, "overdue-people").rowData) == min(shown, len(everyone)) and len(everyone) > 1
    assert texts(find(page, "overdue-summary")) == [
        f"共 {len(everyone)} 人: 逾期 {int(everyone['is_overdue'].sum())} 人, "
        f"本月未访 (上门) {int(everyone['is_not_visited_this_month'].sum())} 人"]


def test_a_user_without_the_exports_or_the_servers_files_is_not_sent_to_them(settings, pages, monkeypatch):
    # review 11b M6: a leader was told 导出 Excel 或 CSV 可得全部名单 without an export button, a street's staff to
    # add a line to values.csv beside the server's configuration, and to download corrections workbooks they cannot
    monkeypatch.setattr(tables, "DISPLAY_LIMIT", 1)
    leader, admin = (create_app(settings, User("u", role, "all")) for role in ("leader", "admin"))
    notes = {role: texts(render(app, pages["/overdue"].layout, month="2026-10"))
             for role, app in (("leader", leader), ("admin", admin))}
    assert any(note.endswith("导出 Excel 或 CSV 可得全部名单") for note in notes["admin"])
    assert not any("导出" in note for note in notes["leader"]) and any(
        note.startswith("仅显示最紧急的前 1 人") for note in notes["leader"])
    data = {role: " ".join(texts(render(app, pages["/data"].layout)))
            for role, app in (("leader", leader), ("admin", admin))}
    assert "values.csv" in data["admin"] and "values.csv" not in data["leader"]
    assert "请把要添加的写法告诉区里的系统管理员" in data["leader"]
    assert "由报送文件的街道下载退回修改表" in data["leader"] and "由报送文件的街道" not in data["admin"]


def test_english_labels(app, pages):
    shown = texts(render(app, pages["/"].layout, month="2026-10", lang="en"))
    assert "Monthly home-visit rate" in shown and "月探访率 (上门)" not in shown


def test_a_place_outside_the_scope_is_refused(settings, pages):
    scoped = create_app(settings, User("street", "admin", QUANYECHANG))
    page = render(scoped, pages["/"].layout, place=NANSHI)
    assert texts(page) == ["没有找到这个地区, 或您无权查看"]


def run_callback(callback, triggered: str, *args):
    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": triggered, "value": None}]))
        return callback(*args)
    return copy_context().run(call)


def test_clicking_a_street_on_the_map_navigates_to_that_street(app, pages):
    click = {"points": [{"customdata": QUANYECHANG}]}
    with app.server.test_request_context("/"):
        target = run_callback(pages["/"].navigate, "overview-map.clickData", click, None, "2026-10", None, None,
                              "visit_rate_home", "?month=2026-10&lang=zh")
    assert target == f"/?month=2026-10&lang=zh&place={QUANYECHANG}"


def test_a_click_on_a_place_s_fill_navigates_by_the_code_its_trace_carries(app, pages):
    # Dash passes a fill's click (no point of its own) with its trace's whole customdata: [code]
    click = {"points": [{"curveNumber": 2, "customdata": [QUANYECHANG]}]}
    with app.server.test_request_context("/"):
        target = run_callback(pages["/"].navigate, "overview-map.clickData", click, None, "2026-10", None, None,
                              "visit_rate_home", "?month=2026-10&lang=zh")
    assert target == f"/?month=2026-10&lang=zh&place={QUANYECHANG}"


def test_clicking_a_community_opens_its_page(app, pages):
    click = {"points": [{"customdata": HUAYUANLU}]}
    with app.server.test_request_context("/"):
        target = run_callback(pages["/"].navigate, "overview-bars.clickData", None, click, "2026-10", None, None,
                              "visit_rate_home", f"?place={QUANYECHANG}&month=2026-10")
    assert target == f"/community?month=2026-10&place={HUAYUANLU}"


def test_choosing_a_risk_level_puts_it_in_the_url(app, pages):
    with app.server.test_request_context("/"):
        target = run_callback(pages["/overdue"].filter_list, "overdue-risk.value", None, None, None, None,
                              None, ["低", "高"], [], "?month=2026-10")
    assert target == "/overdue?month=2026-10&risk=%E9%AB%98%2C%E4%BD%8E"


def test_the_work_list_of_this_week_is_a_filter_in_the_url(app, pages):
    # (what it keeps: tests/dashboard/test_queries.py, on the demo)
    with app.server.test_request_context("/"):
        target = run_callback(pages["/overdue"].filter_list, "overdue-week.value", None, None, None, None,
                              None, [], ["1"], "?month=2026-10")
    assert target == "/overdue?month=2026-10&week=1"
    assert find(render(app, pages["/overdue"].layout, month="2026-10", week="1"), "overdue-week").value == ["1"]


def test_an_as_of_date_recomputes_the_month_at_that_date(app, pages):
    page = render(app, pages["/"].layout, month="2026-10", as_of="2026-10-05")
    shown = texts(page)
    assert "数据截至 2026-10-05" in shown
    assert "25.0%" in shown and "1 / 4 · 目标 100%" in shown  # only the 5 October visit counts by then
    assert find(page, "overview-month-as-of").value == "2026-10-05"


@pytest.mark.parametrize("as_of", ["2026-09-30", "2027-01-01", "not-a-date"])
def test_an_as_of_date_outside_the_month_or_the_data_is_ignored(app, pages, as_of):
    shown = texts(render(app, pages["/"].layout, month="2026-10", as_of=as_of))
    assert "数据截至 2026-10-07" in shown and "50.0%" in shown


def test_changing_the_month_drops_the_as_of_date(app, pages):
    shown = {"month": "2026-10", "as_of": "2026-10-05"}  # the select's store: what the page shows
    with app.server.test_request_context("/"):
        target = run_callback(pages["/"].navigate, "overview-month.value", None, None, "2026-09", "2026-10-05",
                              shown, "visit_rate_home", "?month=2026-10&as_of=2026-10-05")
        # the month the page shows, reported by the select as it mounts, on a first visit's URL without one
        again = run_callback(pages["/"].navigate, "overview-month.value", None, None, "2026-10", "2026-10-31",
                             shown | {"as_of": "2026-10-31"}, "visit_rate_home", "")
    assert (target, again) == ("/?month=2026-09", dash.no_update)


def test_exports_use_the_as_of_date_of_the_screen(app, wh):
    spec = {"table": "people", "place": QUANYECHANG, "month": "2026-10", "work_list": True}
    with app.server.app_context():
        assert len(tables.build(spec, wh, queries.ALL).frame) == 2  # by 7 October one of three was visited
        frame = tables.build(spec | {"as_of": "2026-10-04"}, wh, queries.ALL).frame
    assert len(frame) == 3  # on 4 October nobody had been


def test_every_app_in_a_process_gets_every_callback(settings):
    def outputs(app) -> set[str]:
        client = app.server.test_client()
        client.get("/")
        return {dependency["output"] for dependency in client.get("/_dash-dependencies").get_json()}

    first, second = create_app(settings, ADMIN), create_app(settings, ADMIN)
    assert outputs(first) == outputs(second)
    assert {"table-file.data", "navbar.children"} <= outputs(second)
    # overview, community, overdue, risk, reports, changes, supervision (its month and its check-list choice)
    assert sum("url.href" in output for output in outputs(second)) == 8


def test_the_risk_page_loads_its_person_list_in_a_second_callback(app, pages):
    page = render(app, pages["/risk"].layout, month="2026-10")
    spec = find(page, "risk-open-problems-spec").data
    assert (spec["place"], spec["month"], spec["count"]) == ("120101000000", "2026-10", 0)
    with app.server.test_request_context("/"):
        shown = texts(pages["/risk"].show_open_problems(spec))
    assert shown == ["没有符合条件的记录"]  # nobody's last visit found a problem in this data


def test_a_communitys_staff_see_their_risk_levels_and_are_told_where_their_summary_is(settings, pages):
    # review 2026-12-04: a community's staff had no risk-level chart (and the browser an error of a callback listening
    # to it), and the 报表 link said 是社区: …请给出区或街道的代码, a code they cannot give
    community = create_app(settings, User("clerk", "staff", HUAYUANLU))
    risk = render(community, pages["/risk"].layout, month="2026-10")
    [bars] = [trace["y"] for trace in find(risk, "risk-bars").figure["data"]][:1]
    assert bars == ["花园路"] and find(risk, "risk-bars").figure["layout"]["title"]["text"].startswith("花园路风险等级")
    shown = " ".join(texts(render(community, pages["/reports"].layout, month="2026-10")))
    assert "花园路没有单独的汇总表" in shown and "代码" not in shown


def test_the_reports_page_shows_the_summary_of_the_users_place(settings, pages):
    street = create_app(settings, User("street", "staff", QUANYECHANG))
    shown = " ".join(texts(render(street, pages["/reports"].layout, month="2026-10")))
    assert "劝业场街道特殊困难老年人探访关爱情况汇总表 (2026年10月, 数据截至10月7日, 未满整月)" in shown
    assert "花园路" in shown and "滨西" in shown and "庆有西里" not in shown and "合计" in shown
    refused = " ".join(texts(render(street, pages["/reports"].layout, month="2026-10", place=NANSHI)))
    assert "无权查看" in refused and "庆有西里" not in refused


def test_a_long_place_list_offers_the_places_along_the_way_to_the_chosen_one(pages):
    places = pd.DataFrame({"code": ["d1", "d2", "s11", "s12", "s21", "c111", "c112", "c121", "c211"],
                           "parent_code": [None, None, "d1", "d1", "d2", "s11", "s11", "s12", "s21"]})
    along = pages["/overdue"].places_along
    assert list(along(places, "all")["code"]) == ["d1", "d2"]
    assert list(along(places, "s11")["code"]) == ["d1", "d2", "s11", "s12", "c111", "c112"]
    assert list(along(places, "c121")["code"]) == ["d1", "d2", "s11", "s12", "c121"]


def test_the_place_filter_of_a_district_lists_every_place(app, pages):
    options = find(render(app, pages["/overdue"].layout, month="2026-10"), "overdue-place").options
    assert {QUANYECHANG, NANSHI, HUAYUANLU, BINXI, QINGYOU} <= {o["value"] for o in options}


def test_one_who_declined_visits_is_said_to_have_on_the_work_list_in_either_language():
    # probe P: five of fourteen overdue had declined (不同意), and nothing on the list said so
    assert tables._status(True, False, False, None, "不同意", "zh") == "不同意探访、逾期"
    assert tables._status(True, True, False, None, "同意", "en") == "Overdue, Not visited at home this month"
    assert tables._status(False, False, False, None, None, "zh") == "本月已上门"
    # neither due nor visited at home: not counted in this month's rate, not said visited (review 7b M1)
    assert tables._status(False, False, False, None, None, "zh", visited_home=False) == "本月不计入月探访率"


def test_a_rate_card_is_green_only_at_the_target():
    # probe P: 99.6 % (277/278) was green, where the 通报 and the 督查 screen colour only 100 % so
    import json

    from dashboard.components import make_kpis
    from dashboard.measures import RATES

    current = {"as_of": pd.Timestamp("2026-10-31"), "special_count": 1, "declined_count": 0, "overdue_count": 0,
               "not_visited_count": 0}
    for rate, (numerator, denominator) in RATES.items():
        current |= {rate: 1.0, numerator: 278, denominator: 278}
    current |= {"visit_rate_any": 277 / 278, "visited_any": 277}
    shown = json.dumps(make_kpis(pd.Series(current), pd.DataFrame(), "zh", aged_from=80).to_plotly_json(), default=str,
                       ensure_ascii=False)
    assert shown.count("kpi-value text-success") == 3 and shown.count("kpi-value text-warning") == 1


def test_a_small_count_cannot_be_worked_out_from_the_other_places_pages(tmp_path):
    """The overview's category chart, place by place (security review 2026-12-04: the district 20, 五大道 9, 南营门 7
    and 小白楼 <5 on their pages: 20 - 9 - 7 = 4). As the 汇总表 hides it (test_reports), the next smallest street's
    count is not shown either."""
    import duckdb

    from etl.build import build_marts
    from tests.conftest import HUAYUANLU, new_mart_warehouse

    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    mart = new_mart_warehouse(con)
    for serial, (community, count) in enumerate([(HUAYUANLU, 9), ("120101002002", 7), ("120101006001", 4)]):
        for n in range(count):
            mart.elder(make_id("19500101", serial * 10 + n), "计生特殊家庭", community=community)
    mart.visit(make_id("19500101", 0), "2026-10-05 09:00")
    build_marts(con)
    con.close()
    wh = queries.Warehouse(path)
    month = queries.months(wh)["month"].iloc[0]

    def shown(code: str) -> str:
        counts = queries.categories(wh, queries.place(wh, code), month, sensitive=("计生特殊家庭",), threshold=5)
        return counts.set_index("category").loc["计生特殊家庭", "count_text"]

    assert [shown(code) for code in ("120101000000", QUANYECHANG, "120101002000", NANSHI)] == ["20", "9", "*", "<5"]
    assert shown(HUAYUANLU) == "9"  # the only community of its street with any: nothing to work out below it


def test_the_work_list_puts_those_who_declined_visits_after_those_staff_can_visit(tmp_path):
    # (review 2026-12-04: decliners, never visited, headed every street's list, above those staff can go to)
    import duckdb

    from etl.build import build_marts
    from tests.conftest import new_mart_warehouse

    w = new_mart_warehouse(duckdb.connect(str(tmp_path / "w.duckdb")))
    w.elder(make_id("19400101", 1), "独居", "失能", consent="不同意", name="拒访")  # 高 risk, never visited
    w.elder(make_id("19560101", 2), "空巢", name="可访")  # low risk, visited long ago
    w.visit(make_id("19560101", 2), "2026-06-01 09:00")
    w.elder(make_id("19560101", 3), "空巢", community=BINXI)
    w.visit(make_id("19560101", 3), "2026-10-30 09:00", community=BINXI)  # (the data run to October's end)
    build_marts(w.con)
    w.con.close()
    wh = queries.Warehouse(tmp_path / "w.duckdb")
    people = queries.people(wh, queries.place(wh, HUAYUANLU), "2026-10", work_list=True)
    assert list(people["risk_level"]) == ["低", "高"] and list(people["consent"].fillna("")) == ["", "不同意"]


def test_the_local_modes_user_is_named_in_the_pages_language(settings):
    # review 6b L1: the English navbar read 「本机 · Admin」
    from dashboard.app import make_navbar

    local = create_app(settings, User("本机", "admin", "all"))
    with local.server.test_request_context("/"):
        assert texts(find(make_navbar("/", {"lang": "en"}), "navbar-user"))[:3] == ["This computer", " · ", "Admin"]
        assert texts(find(make_navbar("/", {}), "navbar-user"))[0] == "本机"


def test_an_elder_whose_roster_row_gave_no_name_is_listed_as_such_not_as_a_blank_cell(tmp_path):
    # a roster row without a name loads by its ID number (DESIGN §3): on the work list, a blank cell to click on
    # had been all staff saw of them
    import duckdb

    from etl.build import build_marts
    from tests.conftest import new_mart_warehouse

    w = new_mart_warehouse(duckdb.connect(str(tmp_path / "w.duckdb")))
    w.elder(make_id("19400101", 4), "独居", name=None)
    w.elder(make_id("19560101", 5), "空巢", name="有名")
    w.visit(make_id("19560101", 5), "2026-10-30 09:00")  # (the data run to October's end)
    build_marts(w.con)
    w.con.close()
    wh = queries.Warehouse(tmp_path / "w.duckdb")
    people = queries.people(wh, queries.place(wh, HUAYUANLU), "2026-10")
    for lang, said in (("zh", "(未填姓名)"), ("en", "(no name given)")):
        assert sorted(tables.people_table(people, lang, ())["name"]) == sorted([said, "有*"])


def test_streets_with_no_visit_record_of_the_month_yet_are_said_so_above_the_overviews_figures(app, wh):
    # review 23 H2: a street that had not sent its month's visits showed red at 0.0 %, nothing said why
    # (the page's module as Dash registered it: imported under another name, it would register its path twice)
    make_visits_unsent = sys.modules[next(p["module"] for p in dash.page_registry.values()
                                          if p["path"] == "/")].make_visits_unsent

    district = queries.root_place(wh)
    kids = queries.children_month(wh, district, "2026-10")
    assert make_visits_unsent(queries.visits_unsent(wh, "2026-10"), district, kids, "zh") == []  # both sent October's
    [alert] = make_visits_unsent(queries.visits_unsent(wh, "2026-11"), district, kids, "zh")
    assert alert.children == ("本月尚未报送探访记录: 劝业场街道 (最近一条为 10月6日)、南市街道 (最近一条为 10月7日); "
                              "其月探访率按已报送的记录计")
    street = queries.place(wh, QUANYECHANG)
    [alert] = make_visits_unsent(queries.visits_unsent(wh, "2026-11"), street,
                                 queries.children_month(wh, street, "2026-10"), "en")
    assert alert.children == ("This street has sent no visit records of this month yet (latest 6 Oct); its visit "
                              "rates count the records sent")


def test_an_overview_with_no_roster_loaded_yet_says_where_to_start(tmp_path, pages):
    # review 23: "…未报送底册, 以下各项只计其余 0 个街道 (共 2 个)" and cards of 0 人, nothing pointing to 导入
    import duckdb

    from etl.build import build_marts
    from tests.conftest import new_mart_warehouse

    w = new_mart_warehouse(duckdb.connect(str(tmp_path / "w.duckdb")))
    build_marts(w.con)
    w.con.close()
    settings = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(default_config_text()))
    for role, may_load in (("admin", True), ("leader", False)):
        page = render(create_app(settings, User("u", role, "all")), pages["/"].layout)
        assert texts(find(page, "overview-coverage"))[0] == "还没有导入任何街道的底册, 以下各项都没有可计的人。"
        link = find(page, "overview-coverage-upload")
        assert (link is not None and link.href == "/upload") == may_load, role


def test_the_upload_page_asks_staff_for_their_own_places_files(settings, pages):
    # probe 29 L4: a street's clerk, sending their own street's files, was asked for 各街道报来的 files
    for role, place, said in (("admin", "all", "把各街道报来的底册"), ("staff", "120101001000", "把劝业场街道的底册"),
                              ("staff", "120101001001", "把花园路社区居委会的底册")):
        page = render(create_app(settings, User("u", role, place)), pages["/upload"].layout)
        assert any(text.startswith(said) for text in texts(page)), (role, place)


def test_a_month_before_a_streets_visit_records_begin_is_no_month_to_compare_with(settings, pages):
    # probe 29 M4: a street whose first records were of December was compared with a November at 0 % (+75 个百分点,
    # 原有对象中 30 人上月未上门、本月已上门); 劝业场's records begin in October, 南市's in September
    app = create_app(settings, ADMIN)
    for path, place, compared in (("/", QUANYECHANG, False), ("/community", HUAYUANLU, False), ("/", NANSHI, True)):
        card = texts(find(render(app, pages[path].layout, place=place, month="2026-10"), "kpi-visit_rate_home"))
        assert ("上月无可比数据" in card) == (not compared), place


def test_the_supervision_ranking_compares_no_street_whose_records_begin_this_month(settings):
    # probe 33 M1: 南市 (its records beginning in December) ranked beside a 上月同期 of 0.0 %, far ahead of last month;
    # here 劝业场's begin in October, 南市's in September, and October is counted to the 7th
    from dashboard import supervision_queries

    wh = queries.Warehouse(settings.db_path)
    places = supervision_queries.lagging(wh, queries.place(wh, "120101000000"), "2026-10", queries.ALL, "street",
                                         dt.date(2026, 10, 7)).set_index("code")
    assert pd.isna(places.loc[QUANYECHANG, "rate_same_day"]) and not pd.isna(places.loc[NANSHI, "rate_same_day"])
