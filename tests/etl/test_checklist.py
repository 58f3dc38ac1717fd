"""The inspector's check list: a reproducible stratified, weighted draw; a printable list per community."""

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from etl import checklist
from etl.cli import main
from etl.settings import engine_config

DISTRICT = "120101000000"


@pytest.fixture(scope="module")
def db(demo_settings):
    return demo_settings.db_path


@pytest.fixture
def con(db):
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def drawn(con, seed: int, sample: int = 4) -> list[str]:
    return list(checklist.check_list(con, "2026-10", DISTRICT, sample=sample, seed=seed).communities["code"])


def test_the_same_seed_draws_the_same_communities_and_another_seed_others(con):
    assert drawn(con, 7) == drawn(con, 7)
    assert drawn(con, 7) != drawn(con, 8)


def test_the_same_seed_draws_the_same_people_to_confirm(con):
    first = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=3).people
    again = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=3).people
    pd.testing.assert_frame_equal(first, again)


def test_a_seed_draws_the_same_list_in_another_process(con, db):
    """The seed an inspector writes down draws the same communities and people next week, in another process: not
    only twice in one (review 20 M2: a draw keyed by Python's per-process hash() passed every other test)."""
    here = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=5)
    script = ("import sys, duckdb; from etl import checklist; "
              "c = checklist.check_list(duckdb.connect(sys.argv[1], read_only=True), '2026-10', sys.argv[2], sample=4,"
              " seed=5); [print(f.to_json(orient='split', date_format='iso')) for f in (c.communities, c.people)]")
    for hash_seed in ("1", "2"):
        there = subprocess.run([sys.executable, "-c", script, str(db), DISTRICT], capture_output=True, text=True,
                               cwd=Path(__file__).parents[2], env=os.environ | {"PYTHONHASHSEED": hash_seed},
                               check=True).stdout.splitlines()
        assert there == [f.to_json(orient="split", date_format="iso") for f in (here.communities, here.people)]
    assert len(here.people) > 0


def pool(weights: dict[str, list[int]]) -> pd.DataFrame:
    rows = [{"street_code": street, "code": f"{street}{i:03d}", "draw_weight": w}
            for street, ws in weights.items() for i, w in enumerate(ws)]
    return pd.DataFrame(rows)


def test_each_street_gets_its_share_of_the_sample():
    communities = pool({"A": [1] * 6, "B": [1] * 3, "C": [1] * 3})
    for seed in range(20):
        counts = checklist.draw(communities, 4, seed)["street_code"].value_counts().to_dict()
        assert counts == {"A": 2, "B": 1, "C": 1}


def test_lag_and_leads_make_a_community_likelier():
    communities = pool({"A": [1, 1, 1, 1, 1, 40]})
    hits = sum("A005" in set(checklist.draw(communities, 1, seed)["code"]) for seed in range(100))
    assert hits > 70  # 40 / 45 expected; an unweighted draw would give about 17


@pytest.mark.parametrize(("sample", "message"), [(0, "至少为 1"), (7, "只有 6 个")])
def test_a_sample_the_list_cannot_give_is_refused(sample, message):
    with pytest.raises(checklist.CheckListError, match=message):
        checklist.draw(pool({"A": [1] * 6}), sample, 1)


def test_a_sample_of_more_communities_than_there_are_lists_every_one_and_says_so(con):
    # review 23: the README's --sample 3 on a street of 2 communities had been refused
    everyone = checklist.check_list(con, "2026-10", "120101002000", seed=1)
    asked = checklist.check_list(con, "2026-10", "120101002000", sample=len(everyone.pool) + 1, seed=1)
    assert list(asked.communities["code"]) == list(everyone.communities["code"]) == list(everyone.pool["code"])
    assert asked.how_drawn.startswith(f"要求抽取 {len(everyone.pool) + 1} 个社区, 可抽的社区只有 "
                                      f"{len(everyone.pool)} 个: 全部列入")


def test_each_community_lists_its_unvisited_its_leads_and_a_few_visited_to_confirm(con):
    made = checklist.check_list(con, "2026-10", DISTRICT, visited_per_community=2)
    people = made.people
    unvisited = people[people["is_due"] & ~people["visited_home"]]
    assert len(unvisited) and unvisited["check"].str.contains("本月未上门").all()
    assert {lead["signal"] for leads in people["leads"] for lead in leads} >= {"daily_home_visits", "identical_notes",
                                                                              "phone_only"}
    # each lead says what it rests on, as the 督查 screen does: the day, the visitor (masked), how many (review 19 M3)
    busy = people.loc[people["check"].str.contains("探访人当日上门次数过多"), "check"]
    assert len(busy) and busy.str.contains(r"探访人当日上门次数过多 \(10月\d+日, 探访人 \S+ 当日上门 \d+ 次\)").all()
    # and one not yet visited, whether overdue or when due, as the 逾期 list says it (review 19 M4)
    assert unvisited["check"].str.contains(r"本月未上门 \((?:最近上门 \d+月\d+日|记录期内未上门)"
                                           r"(?:, 已逾期 \d+ 天|, \d+月\d+日到期)?\)").all()
    sampled = people[people["is_sampled"]]
    assert sampled.groupby("community_code").size().max() <= 2
    assert sampled["check"].str.startswith("随机抽查").all()
    # in each community the unvisited first, those drawn to confirm last (probe 30 L8: the one unvisited row 8 of 11)
    order = [0 if "本月未上门" in check else 2 if drawn else 1 for check, drawn in zip(
        people["check"], people["is_sampled"], strict=True)]
    for _, ranks in pd.Series(order).groupby(people["community_code"].to_numpy()):
        assert list(ranks) == sorted(ranks)
    # a phone or an address the roster does not give says so, not a blank cell (nor a NaN, which is truthy: probe 33
    # M3, a blank cell, and an empty number in the workbook)
    cells = [cell for code in made.communities["code"] for row in checklist.rows_of(made, code) for cell in row[3:5]]
    assert all(isinstance(cell, str) and cell for cell in cells) and checklist.NOT_WRITTEN in cells


def test_no_elder_who_has_left_the_roster_is_drawn_to_be_confirmed_at_home(con):
    # probe N: an elder visited on 10-08 who died on 10-12 was drawn, a 已见到老人 box beside them
    gone = con.execute("select count(*) from elder_months where month = '2026-10' and visited_home"
                       " and not is_active_at_as_of").fetchall()[0][0]
    assert gone > 0  # the demo has such elders: a draw of every visited elder would take them
    people = checklist.check_list(con, "2026-10", DISTRICT, visited_per_community=10_000).people
    sampled = people[people["is_sampled"]]
    assert len(sampled) and sampled["is_active_at_as_of"].all()


def run(capsys, db, *args: str) -> tuple[int, str, str]:
    code = main(["report", "checklist", "--db", str(db), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_workbook_has_a_sheet_per_community_with_tick_boxes_and_nothing_unmasked(db, tmp_path, capsys):
    out = tmp_path / "清单.xlsx"
    code, printed, _ = run(capsys, db, "--month", "2026-10", "--place", DISTRICT, "--sample", "3", "--seed", "5",
                           "--out", str(out))
    assert code == 0 and "3 个社区" in printed and "随机种子 5" in printed
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == "抽取说明" and len(workbook.sheetnames) == 4
    sheet = workbook.worksheets[1]
    assert [c.value for c in sheet[checklist.HEADER_ROW]] == list(checklist.HEADERS)
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$4:$4"
    rows = [list(r) for r in sheet.iter_rows(min_row=checklist.HEADER_ROW + 1, values_only=True)]
    assert rows and all(r[8] in ("□", "—") and r[9:11] == ["□", "□"] for r in rows)
    text = " ".join(str(v) for ws in workbook.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", text)  # no ID number or mobile in the clear
    assert all("*" in r[1] for r in rows)  # names masked
    # how the list was drawn wrapped across the table, not a line past it that shrinks the printed page (probe 30 L10)
    overview = workbook.worksheets[0]
    assert {"A1:I1", "A3:I3"} <= {str(r) for r in overview.merged_cells.ranges} and overview["A3"].alignment.wrap_text


def test_a_list_asked_for_a_day_of_the_month_counts_to_that_day(db, tmp_path, capsys):
    """`--as-of`: an inspector going out on the 15th checks who is still unvisited on the 15th, not at the month's
    end (who was visited on the 20th is no finding yet on the 15th)."""
    out = tmp_path / "清单.xlsx"
    code, printed, _ = run(capsys, db, "--month", "2026-10", "--as-of", "2026-10-15", "--place", DISTRICT,
                           "--out", str(out))
    assert code == 0 and "(2026年10月, 数据截至10月15日, 未满整月)" in printed
    overview = openpyxl.load_workbook(out).worksheets[0]
    assert any(c.value == "数据截至: 2026年10月15日" for row in overview.iter_rows() for c in row)
    unvisited = "本月未上门"
    with duckdb.connect(str(db), read_only=True) as con:  # one connection: the second list is the month's end again
        on_the_15th = checklist.check_list(con, "2026-10", DISTRICT, as_of=pd.Timestamp("2026-10-15").date()).people
        at_the_end = checklist.check_list(con, "2026-10", DISTRICT).people
    assert (on_the_15th["check"].str.contains(unvisited).sum()
            > at_the_end["check"].str.contains(unvisited).sum() > 0)


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2027-03", "--place", DISTRICT], "没有数据"),
    (["--month", "2026-13", "--place", DISTRICT], "YYYY-MM"),
    (["--month", "2026-10", "--place", "999999"], "不在本库的区划中"),
    (["--month", "2026-10", "--place", DISTRICT, "--sample", "0"], "应至少为 1"),
    # a street of the demo that sent no roster (review 19 M2: "没有需要探访的特殊困难老年人")
    (["--month", "2026-10", "--place", "120101001000"], "劝业场街道 未报送底册"),
])
def test_a_bad_request_gets_one_clear_line(db, tmp_path, capsys, args, message):
    code, _, err = run(capsys, db, *args, "--out", str(tmp_path / "x.xlsx"))
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1


def test_an_output_path_that_cannot_be_written(db, tmp_path, capsys):
    code, _, err = run(capsys, db, "--month", "2026-10", "--place", DISTRICT,
                       "--out", str(tmp_path / "no" / "such" / "folder.xlsx"))
    assert code == 1 and "无法写入" in err and len(err.strip().splitlines()) == 1


def test_the_people_to_verify_include_one_due_here_whom_a_newer_roster_lists_elsewhere():
    import datetime as dt

    import duckdb

    from etl.sqlfiles import sql

    con = duckdb.connect(config=engine_config())
    con.execute("""create table elders as select * from (values
        ('A', 'c1', '甲*', 'i', 'p', 'a', ['独居'], '在册', null::date),
        ('B', 'c2', '乙*', 'i', 'p', 'a', ['独居'], '在册', null::date),  -- due in c1 in October, since in c2
        ('C', 'c2', '丙*', 'i', 'p', 'a', ['独居'], '在册', null::date),  -- c2's own: not on c1's list
        ('D', 'c1', '丁*', 'i', 'p', 'a', ['独居'], '在册', null::date))  -- not due, but with a lead
        t(elder_id, community_code, elder_name_masked, id_number_masked, phone_masked, address_masked, categories,
          status, exit_date)""")
    con.execute("""create table elder_months as select * from (values
        ('A', date '2026-10-01', 'c1', ['独居'], '高', true, false, null::date, null::date, 0, true),
        ('B', date '2026-10-01', 'c1', ['独居'], '高', true, true, date '2026-10-09', date '2026-10-16', 0, true),
        ('C', date '2026-10-01', 'c2', ['独居'], '高', true, false, null::date, null::date, 0, true))
        t(elder_id, month_start, community_code, categories, risk_level, is_eligible_home, visited_home,
          last_home_visit_date, due_date, overdue_days, is_active_at_as_of)""")
    con.execute("create table visit_signals as select 'D' as elder_id, date '2026-10-01' as month_start, "
                "'late_entry' as signal, date '2026-10-03' as visit_date, timestamp '2026-10-03 09:00' as visit_at, "
                "'王*' as visitor_name_masked, 12.0 as measure, '在册' as elder_status")
    people = con.execute(sql("reports/checklist_people"), {"codes": ["c1"], "month_start": dt.date(2026, 10, 1)}).df()
    assert list(zip(people["elder_id"], people["community_code"], people["is_due"], strict=True)) == [
        ("A", "c1", True), ("B", "c1", True), ("D", "c1", False)]
    assert [lead["signal"] for lead in people["leads"].iloc[2]] == ["late_entry"]


def test_a_month_not_yet_over_says_so_on_every_sheet(con):
    """本月未上门 on the 7th of a month is no finding yet: the list says the month is not over, to which day."""
    import datetime as dt

    whole = checklist.check_list(con, "2026-10", DISTRICT, sample=2, seed=1)
    assert whole.title.endswith("(2026年10月)")
    in_progress = checklist.check_list(con, "2026-10", DISTRICT, sample=2, seed=1, as_of=dt.date(2026, 10, 7))
    said = "(2026年10月, 数据截至10月7日, 未满整月)"
    assert in_progress.title.endswith(said)
    assert in_progress.community_title(in_progress.communities.iloc[0]).endswith(said)


def test_a_month_in_progress_lists_only_the_unvisited_already_overdue_and_weighs_them(con):
    # probe 30 M5: on the 6th, 16 of 18 elders of a community were listed 本月未上门 (…12月28日到期): 核实…是否确未探访,
    # due weeks later, and the draw weighed every community by its whole list
    import datetime as dt

    made = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=1, as_of=dt.date(2026, 10, 7))
    unvisited = made.people[made.people["check"].str.contains("本月未上门")]
    assert len(unvisited) and unvisited["check"].str.contains("已逾期").all()
    assert not made.people["check"].str.contains("到期").any()
    pool = made.pool
    assert ((pool["to_visit_count"] > pool["overdue_unvisited_count"]).any()
            and (pool["draw_weight"] == 1 + pool["overdue_unvisited_count"]
                 + checklist.LEAD_WEIGHT * pool["lead_count"]).all())
    assert "权重 = 1 + 已逾期未上门人数" in made.how_drawn
    assert "其中已逾期" in made.community_summary(made.communities.iloc[0])
    whole = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=1)  # at the month's end: every one unvisited
    assert "其中已逾期" not in whole.community_summary(whole.communities.iloc[0])


def test_no_persons_row_shows_a_sensitive_category(db, con):
    """A masked name, the last digits of an ID number, a road and 计生特殊家庭 told who the family is (review
    2026-12-04): the configuration's sensitive categories are on no person's row of the list."""
    everyone = checklist.check_list(con, "2026-10", DISTRICT)
    marked = [categories for categories in everyone.people["categories"] if "计生特殊家庭" in categories]
    assert marked  # the demo's list holds such families
    unshown = checklist.check_list(con, "2026-10", DISTRICT, unshown=("计生特殊家庭",))
    assert len(unshown.people) == len(everyone.people)
    assert not any("计生特殊家庭" in categories for categories in unshown.people["categories"])


def test_one_no_longer_on_the_roster_is_not_asked_to_be_seen(con):
    # a dead elder's row had asked 已见到老人 (review 7b L5): the box is "—" for whoever left before the as-of date
    everyone = checklist.check_list(con, "2026-10", DISTRICT)
    gone = everyone.people[~everyone.people["is_active_at_as_of"].astype(bool)]
    assert len(gone)  # the demo's list holds leads of visits after an exit
    for code in set(gone["community_code"]):
        rows = checklist.rows_of(everyone, code)
        active = everyone.people[everyone.people["community_code"] == code]["is_active_at_as_of"].astype(bool)
        assert [r[8] for r in rows] == ["□" if a else "—" for a in active]
        assert all(r[9:11] == ["□", "□"] for r in rows)


def test_a_draw_says_which_streets_it_could_not_draw_from_for_want_of_a_roster(con):
    # review 19 M2: "从 31 个社区中…抽取 4 个", the 32 communities of the three streets without a roster unsaid
    drawn = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=1)
    assert drawn.how_drawn.endswith("; 劝业场街道、新兴街道、南市街道未报送底册, 不在抽取范围内")
    assert "未报送底册" not in checklist.check_list(con, "2026-10", "120101002000", sample=2, seed=1).how_drawn


def test_a_draw_says_how_it_weighs_a_community_and_each_weight_is_that(con):
    # review 19 L7: one lead weighed as five elders still to visit, which the list did not say
    drawn = checklist.check_list(con, "2026-10", DISTRICT, sample=4, seed=1)
    assert f"权重 = 1 + 还需上门人数 + {checklist.LEAD_WEIGHT} × 督查线索条数" in drawn.how_drawn
    assert (drawn.pool["draw_weight"]
            == 1 + drawn.pool["to_visit_count"] + checklist.LEAD_WEIGHT * drawn.pool["lead_count"]).all()


def test_one_listed_for_a_lead_alone_without_a_category_that_counts_says_so():
    # review 19 L8: a blank 类别 cell on a list whose header counts 应上门
    import datetime as dt

    people = pd.DataFrame([{"community_code": "c1", "name": "杜**", "id_number": "1201**********3055", "phone": None,
                            "address": None, "categories": [], "risk_level": "低", "check": "探访记录内容与他人雷同",
                            "is_active_at_as_of": True}])
    made = checklist.CheckList("x", "和平区", "2026-11", dt.date(2026, 11, 30), 1, None, pd.DataFrame(),
                               pd.DataFrame(), people)
    [row] = checklist.rows_of(made, "c1")
    assert row[5] == "(非特殊困难)"
