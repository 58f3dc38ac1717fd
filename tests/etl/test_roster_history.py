"""Roster history (DESIGN §4): every snapshot kept, each month computed from the rosters as they stood."""

import datetime as dt

import pytest

from tests.conftest import BINXI, HEPING, HUAYUANLU, QUANYECHANG, make_id

XIAOBAILOU = "120101002000"
XIAOBAILOU_COMMUNITY = "120101002002"
SEVENTY = "19560101"  # 70 in 2026: special only through a category
SEVENTY_NINE = "19461115"  # turns 80 on 15 November 2026
PLACES = (HEPING, QUANYECHANG, HUAYUANLU, BINXI, XIAOBAILOU, XIAOBAILOU_COMMUNITY)


def figures(mart_warehouse, month: str, as_of: str) -> dict:
    """Every place's full row of place_months for the month, at every level."""
    mart_warehouse.build(month, as_of)
    cursor = mart_warehouse.con.execute("select * from place_months where month = ? order by code", [month])
    columns = [d[0] for d in cursor.description]
    return {row[columns.index("code")]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def changes(mart_warehouse, month: str, as_of: str, code: str = HEPING) -> dict:
    mart_warehouse.build(month, as_of)
    cursor = mart_warehouse.con.execute("select * from place_changes where month = ? and code = ?", [month, code])
    columns = [d[0] for d in cursor.description]
    return dict(zip(columns, cursor.fetchall()[0], strict=True))


def joined(row: dict) -> dict:
    return {key.removeprefix("joined_"): value for key, value in row.items()
            if key.startswith("joined_") and key not in ("joined_count", "joined_eligible", "joined_visited") and value}


def left(row: dict) -> dict:
    return {key.removeprefix("left_"): value for key, value in row.items()
            if key.startswith("left_") and key not in ("left_count", "left_eligible", "left_visited_before") and value}


def test_a_newer_roster_changes_no_figure_of_a_month_that_ended_before_it(mart_warehouse):
    w = mart_warehouse
    stays, vanishes, moves, unmarked, dies = (make_id(SEVENTY, i) for i in range(1, 6))
    for person in (stays, vanishes, unmarked, dies):
        w.elder(person, "独居")
    w.elder(moves, "空巢", community=BINXI)
    w.visit(stays, "2026-09-03 10:00")
    w.visit(vanishes, "2026-10-03 10:00")
    before = {month: figures(w, month, end) for month, end in (("2026-09", "2026-09-30"), ("2026-10", "2026-10-31"))}

    november = w.load("roster", "2026-11-10")
    w.elder(stays, "独居", load_id=november)
    w.elder(moves, "空巢", community=XIAOBAILOU_COMMUNITY, load_id=november)
    w.elder(unmarked, load_id=november)  # category removed
    w.elder(dies, "独居", status="死亡", change_date="2026-09-20", load_id=november)  # reported late
    w.elder(make_id(SEVENTY, 6), "孤寡", load_id=november)  # newly listed
    w.elder(make_id(SEVENTY, 7), "独居", community=BINXI, load_id=november)  # Binxi's list, newer: replaces it

    after = {month: figures(w, month, end) for month, end in (("2026-09", "2026-09-30"), ("2026-10", "2026-10-31"))}
    for month in before:
        for code in PLACES:
            assert after[month][code] == before[month][code], (month, code)


def test_someone_missing_from_a_newer_roster_leaves_on_its_date_unexplained(mart_warehouse):
    w = mart_warehouse
    stays, vanishes = make_id(SEVENTY, 1), make_id(SEVENTY, 2)
    w.elder(stays, "独居")
    w.elder(vanishes, "独居")
    november = w.load("roster", "2026-11-10")
    w.elder(stays, "独居", load_id=november)
    row = changes(w, "2026-11", "2026-11-30")
    assert (row["special_before"], row["special_now"], left(row)) == (2, 1, {"unexplained": 1})
    assert w.elder_month(vanishes)["exit_date"].isoformat() == "2026-11-10"
    assert w.elder_month(vanishes)["exit_reason"] == "去向未说明"


def test_a_community_file_replaces_that_community_only(mart_warehouse):
    w = mart_warehouse
    huayuanlu, binxi = make_id(SEVENTY, 1), make_id(SEVENTY, 2)
    w.elder(huayuanlu, "独居")
    w.elder(binxi, "独居", community=BINXI)  # the street's file listed both communities
    binxi_file = w.load("roster", "2026-11-10")
    w.elder(binxi, "独居", community=BINXI, load_id=binxi_file)
    w.elder(make_id(SEVENTY, 3), "空巢", community=BINXI, load_id=binxi_file)
    november = figures(w, "2026-11", "2026-11-30")
    assert november[HUAYUANLU]["special_end_count"] == 1  # not emptied by Binxi's file
    assert november[BINXI]["special_end_count"] == 2


def test_the_same_id_on_two_streets_counts_once_in_the_newer_snapshots_street(mart_warehouse):
    w = mart_warehouse
    twice = make_id(SEVENTY, 1)
    w.elder(twice, "独居")
    newer = w.load("roster", "2026-06-30")
    w.elder(twice, "独居", community=XIAOBAILOU_COMMUNITY, load_id=newer)
    october = figures(w, "2026-10", "2026-10-31")
    assert october[HEPING]["special_count"] == 1
    assert (october[QUANYECHANG]["special_count"], october[XIAOBAILOU]["special_count"]) == (0, 1)
    # and is listed as 跨街道重复 on both streets' rosters, each saying where the elder is counted
    findings = w.con.execute("select community_code, finding from roster_findings order by community_code")
    assert findings.fetchall() == [
        (HUAYUANLU, "跨街道重复: 同一身份证号也在小白楼街道泰安道社区居委会的底册中, 只计一次, "
                    "计在小白楼街道泰安道社区居委会"),
        (XIAOBAILOU_COMMUNITY, "跨街道重复: 同一身份证号也在劝业场街道花园路社区居委会的底册中, 只计一次, "
                               "计在本社区 (底册较新)")]


def test_the_same_id_on_two_communities_of_a_street_is_a_finding_too(mart_warehouse):
    """花园路's list and 滨西's both list one elder 在册 (one who moved, still on the list left): counted once, in the
    newer list's community, and, unlike 跨街道重复, said nowhere (review 2026-12-04). Now a 跨社区重复 finding."""
    w = mart_warehouse
    twice = make_id(SEVENTY, 1)
    w.elder(twice, "独居")
    newer = w.load("roster", "2026-06-30")
    w.elder(twice, "独居", community=BINXI, load_id=newer)
    october = figures(w, "2026-10", "2026-10-31")
    assert (october[QUANYECHANG]["special_count"], october[HUAYUANLU]["special_count"],
            october[BINXI]["special_count"]) == (1, 0, 1)
    assert w.con.execute("select community_code, finding from roster_findings order by community_code").fetchall() == [
        (HUAYUANLU, "跨社区重复: 同一身份证号也在劝业场街道滨西社区居委会的底册中, 只计一次, "
                    "计在劝业场街道滨西社区居委会"),
        (BINXI, "跨社区重复: 同一身份证号也在劝业场街道花园路社区居委会的底册中, 只计一次, 计在本社区 (底册较新)")]


def test_a_cross_street_duplicate_names_the_other_communities_in_the_order_of_their_names(mart_warehouse):
    """The finding's text is the same whatever order the rows were read in, in every build."""
    w = mart_warehouse
    thrice = make_id(SEVENTY, 1)
    w.elder(thrice, "独居", community=BINXI)
    w.elder(thrice, "独居", community=HUAYUANLU)
    newer = w.load("roster", "2026-06-30")
    w.elder(thrice, "独居", community=XIAOBAILOU_COMMUNITY, load_id=newer)
    for _ in range(3):
        figures(w, "2026-10", "2026-10-31")
        [(finding,)] = w.con.execute("select finding from roster_findings where community_code = ?",
                                     [XIAOBAILOU_COMMUNITY]).fetchall()
        assert finding == ("跨街道重复: 同一身份证号也在劝业场街道滨西社区居委会、劝业场街道花园路社区居委会的底册中, "
                           "只计一次, 计在本社区 (底册较新)")


def test_a_person_new_on_a_later_roster_counts_from_its_date(mart_warehouse):
    w = mart_warehouse
    w.elder(make_id(SEVENTY, 1), "独居")
    november = w.load("roster", "2026-11-10")
    w.elder(make_id(SEVENTY, 1), "独居", load_id=november)
    newcomer = w.elder(make_id(SEVENTY, 2), "独居", load_id=november)
    assert figures(w, "2026-11", "2026-11-30")[HEPING]["special_count"] == 1  # not yet in November's rate
    assert figures(w, "2026-12", "2026-12-31")[HEPING]["special_count"] == 2
    w.build("2026-11", "2026-11-30")
    assert w.elder_month(newcomer)["joined_on"].isoformat() == "2026-11-10"


def contacts_by_name(w, day: str, *names: str) -> None:
    """A contact list of 滨西 dated `day` naming its elders without an ID number, one contact person each."""
    load = w.load("contacts", day)
    for i, name in enumerate(names):
        w.con.execute("""insert into contact_rows (load_id, row_number, elder_name, street_code, community_code,
                             contact_name, contact_phone, dedup_key) values (?, ?, ?, ?, ?, '张三', ?, ?)""",
                      [load, i + 1, name, QUANYECHANG, BINXI, "13800000000", f"{load}-{i}"])


def test_a_newer_roster_that_lists_a_second_elder_of_a_name_leaves_the_visits_before_it_linked(mart_warehouse):
    """A visit without an ID number of 10 October names 刘洋 of 滨西, the one 刘洋 滨西 then lists: it is his. A
    roster of 10 November lists a second 刘洋 there. October stays as it was (DESIGN §4: a newer roster changes no
    figure of a month that ended before its date); a visit of 刘洋 from 10 November on is nobody's (同名无法区分)."""
    w = mart_warehouse
    first, other = make_id(SEVENTY, 1), make_id(SEVENTY, 2)
    w.elder(first, "独居", name="刘洋", community=BINXI)
    w.elder(other, "独居", name="王芳", community=BINXI)
    w.visit(None, "2026-10-10 09:00", name="刘·洋", community=BINXI)
    w.visit(None, "2026-11-12 09:00", name="刘洋", community=BINXI)
    october = figures(w, "2026-10", "2026-10-31")[BINXI]
    assert (october["visited_home"], october["eligible_home"]) == (1, 2)

    contacts_by_name(w, "2026-11-01", "刘洋")

    november = w.load("roster", "2026-11-10")
    for person, name in ((first, "刘洋"), (other, "王芳"), (make_id(SEVENTY, 3), "刘洋")):
        w.elder(person, "独居", name=name, community=BINXI, load_id=november)
    assert figures(w, "2026-10", "2026-10-31")[BINXI] == october
    assert w.con.execute("select elder_id from designated_contacts").fetchall() == [(first,)]  # listed before
    assert w.con.execute("select elder_id, visit_date from visits order by visit_date").fetchall() == [
        (first, dt.date(2026, 10, 10)), (None, dt.date(2026, 11, 12))]
    assert w.con.execute("select visit_date, reason from unlinked_visits").fetchall() == [
        (dt.date(2026, 11, 12), "same_name")]


def test_two_elders_of_one_name_on_a_communitys_first_roster_share_it_from_always(mart_warehouse):
    """Two 刘洋 on 滨西's first roster: no visit of that name is either's, whatever its date, and a contact list
    naming 刘洋 gives neither a contact person; 王芳's, by name, is hers."""
    w = mart_warehouse
    w.elder(make_id(SEVENTY, 1), "失能", name="刘洋", community=BINXI)
    w.elder(make_id(SEVENTY, 2), "失能", name="刘洋", community=BINXI)
    wang = w.elder(make_id(SEVENTY, 3), "失能", name="王芳", community=BINXI)
    w.visit(None, "2026-10-10 09:00", name="刘洋", community=BINXI)
    contacts_by_name(w, "2026-10-01", "刘洋", "王芳")
    w.build("2026-10", "2026-10-31")
    assert w.con.execute("select elder_id from visits").fetchall() == [(None,)]
    assert w.con.execute("select elder_id from designated_contacts order by elder_id").fetchall() == [
        (wang,), (None,)]
    assert w.con.execute("select reason from unlinked_visits").fetchall() == [("same_name",)]


def test_a_removed_category_stops_counting_from_the_newer_rosters_date(mart_warehouse):
    w = mart_warehouse
    person = w.elder(make_id(SEVENTY, 1), "独居")
    november = w.load("roster", "2026-11-10")
    w.elder(person, load_id=november)
    assert figures(w, "2026-10", "2026-10-31")[HEPING]["special_end_count"] == 1
    november_figures = figures(w, "2026-11", "2026-11-30")[HEPING]
    # counted at the start of November, gone without a visit: out of the denominator, like an exit
    assert (november_figures["special_count"], november_figures["eligible_home"],
            november_figures["special_end_count"]) == (1, 0, 0)
    assert left(changes(w, "2026-11", "2026-11-30")) == {"unmarked": 1}


def test_a_marking_removed_mid_month_still_counts_under_its_category_in_that_month(mart_warehouse):
    # counted in October (visited before the roster of the 20th removed his 空巢), so counted as 空巢 there: the
    # 汇总表's category columns had left him out while its 合计 and 应上门 counted him (review 10b)
    w = mart_warehouse
    person = w.elder(make_id(SEVENTY, 1), "空巢")
    w.visit(person, "2026-10-05 09:00")
    w.elder(person, load_id=w.load("roster", "2026-10-20"))
    w.build("2026-11", "2026-11-30")
    by_month = dict(w.con.execute("""select month, list(category) from category_months c
                                     join month_frame f using (month_start)
                                     where code = ? group by month""", [HEPING]).fetchall())
    assert (by_month.get("2026-10"), by_month.get("2026-11")) == (["空巢"], None)
    assert figures(w, "2026-10", "2026-10-31")[HEPING]["special_count"] == 1


def test_an_exit_status_without_a_date_counts_from_the_snapshots_date(mart_warehouse):
    w = mart_warehouse
    person = w.elder(make_id(SEVENTY, 1), "独居")
    november = w.load("roster", "2026-11-10")
    w.elder(person, "独居", status="死亡", load_id=november)
    w.build("2026-11", "2026-11-30")
    assert w.elder_month(person)["exit_date"].isoformat() == "2026-11-10"
    assert left(changes(w, "2026-11", "2026-11-30")) == {"died": 1}


def test_a_roster_sent_again_the_same_day_holds_in_place_of_the_first(mart_warehouse):
    """A street's roster of 10 November says the elder died; a corrected roster of the same date, loaded after it,
    lists them 在册. The corrected one holds from that day: the first was in force for no day, and its 死亡 is
    no reason for anything."""
    w = mart_warehouse
    person = w.elder(make_id(SEVENTY, 1), "独居")
    w.elder(person, "独居", status="死亡", load_id=w.load("roster", "2026-11-10"))
    w.elder(person, "独居", load_id=w.load("roster", "2026-11-10"))
    row = changes(w, "2026-11", "2026-11-30")
    assert (row["special_before"], row["special_now"], left(row)) == (1, 1, {})
    assert w.con.execute("select end_reason from elder_periods where elder_id = ? order by period_id",
                         [person]).fetchall() == [("续列",), (None,)]


@pytest.mark.parametrize(("status", "reason"), [
    ("死亡", "died"), ("迁出", "moved_out"), ("入住机构", "institution"), ("外出", "away"),
])
def test_each_exit_status_is_its_own_reason_for_leaving(mart_warehouse, status, reason):
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居", status=status, change_date="2026-11-05")
    row = changes(mart_warehouse, "2026-11", "2026-11-30")
    assert (row["special_before"], row["special_now"], left(row)) == (1, 0, {reason: 1})


def test_reasons_for_joining(mart_warehouse):
    w = mart_warehouse
    marked, moved, turning = make_id(SEVENTY, 1), make_id(SEVENTY, 2), make_id(SEVENTY_NINE, 3)
    w.elder(marked)  # on the roster, no category
    w.elder(moved, "独居", community=XIAOBAILOU_COMMUNITY)
    w.elder(turning)
    w.elder(make_id(SEVENTY, 4), "独居", reg_date="2026-11-03")  # registered during November
    november = w.load("roster", "2026-11-10")
    w.elder(marked, "空巢", load_id=november)
    w.elder(moved, "独居", load_id=november)  # now in Huayuanlu (Quanyechang street)
    w.elder(turning, load_id=november)
    w.elder(make_id(SEVENTY, 4), "独居", reg_date="2026-11-03", load_id=november)
    w.elder(make_id(SEVENTY, 5), "独居", load_id=november)  # first listed
    street = changes(w, "2026-11", "2026-11-30", QUANYECHANG)
    assert joined(street) == {"registered": 2, "marked": 1, "turned_80": 1, "moved_in": 1}
    assert joined(changes(w, "2026-11", "2026-11-30", HEPING)) == {"registered": 2, "marked": 1, "turned_80": 1}
    assert left(changes(w, "2026-11", "2026-11-30", XIAOBAILOU)) == {"moved_to": 1}


def test_a_move_inside_a_place_is_no_change_at_its_level(mart_warehouse):
    w = mart_warehouse
    person = w.elder(make_id(SEVENTY, 1), "独居")
    november = w.load("roster", "2026-11-10")
    w.elder(person, "独居", community=BINXI, load_id=november)
    w.elder(make_id(SEVENTY, 2), "独居", community=HUAYUANLU, load_id=november)
    street = changes(w, "2026-11", "2026-11-30", QUANYECHANG)
    assert (joined(street), left(street)) == ({"registered": 1}, {})
    assert joined(changes(w, "2026-11", "2026-11-30", BINXI)) == {"moved_in": 1}
    assert left(changes(w, "2026-11", "2026-11-30", HUAYUANLU)) == {"moved_to": 1}


def test_counts_balance_at_every_level_and_month_to_month(mart_warehouse):
    w = mart_warehouse
    for i in range(1, 7):
        w.elder(make_id(SEVENTY, i), "独居", community=(HUAYUANLU, BINXI, XIAOBAILOU_COMMUNITY)[i % 3])
    w.elder(make_id(SEVENTY, 7), "空巢", status="死亡", change_date="2026-10-20")
    november = w.load("roster", "2026-11-10")
    for i in (1, 2, 4):
        community = (BINXI, XIAOBAILOU_COMMUNITY, HUAYUANLU)[i % 3]
        w.elder(make_id(SEVENTY, i), "独居", community=community, load_id=november)
    w.elder(make_id(SEVENTY, 8), "孤寡", load_id=november)
    for month, end in (("2026-10", "2026-10-31"), ("2026-11", "2026-11-30")):
        w.build(month, end)
        rows = w.con.execute(
            """select c.code, c.special_before, c.special_now, c.joined_count, c.left_count, p.special_end_count
            from place_changes c join place_months p using (code, month_start) where c.month = ?""",
            [month]).fetchall()
        for code, before, now, joined_count, left_count, end_count in rows:
            assert now == before + joined_count - left_count, (month, code)
            assert end_count == now, (month, code)
    w.build("2026-11", "2026-11-30")
    pairs = w.con.execute(
        """select n.code, n.special_before, p.special_now from place_changes n
        join place_changes p on p.code = n.code and p.month = '2026-10' where n.month = '2026-11'""").fetchall()
    assert all(before == previous_now for _, before, previous_now in pairs)


def test_why_the_visit_rate_moved(mart_warehouse):
    w = mart_warehouse
    stayed_visited_both, stayed_visited_before, leaves_visited = (make_id(SEVENTY, i) for i in (1, 2, 3))
    for person in (stayed_visited_both, stayed_visited_before, leaves_visited):
        w.elder(person, "独居")
    w.elder(make_id(SEVENTY, 4), "独居", reg_date="2026-10-10")  # joins November's denominator
    for person in (stayed_visited_both, stayed_visited_before, leaves_visited):
        w.visit(person, "2026-10-05 10:00")
    w.visit(stayed_visited_both, "2026-11-05 10:00")
    w.visit(make_id(SEVENTY, 4), "2026-11-06 10:00")
    november = w.load("roster", "2026-10-31")
    for person in (stayed_visited_both, stayed_visited_before, make_id(SEVENTY, 4)):
        w.elder(person, "独居", reg_date="2026-10-10" if person == make_id(SEVENTY, 4) else None, load_id=november)
    row = changes(w, "2026-11", "2026-11-30")
    assert {key: row[key] for key in ("stayed_count", "stayed_visited_before", "stayed_visited_now", "joined_eligible",
                                      "joined_visited", "left_eligible", "left_visited_before")} == {
        "stayed_count": 2, "stayed_visited_before": 2, "stayed_visited_now": 1, "joined_eligible": 1,
        "joined_visited": 1, "left_eligible": 1, "left_visited_before": 1}


def test_stayers_who_gained_or_lost_their_visit_are_counted_apart(mart_warehouse):
    w = mart_warehouse
    lost, gained, both = (w.elder(make_id(SEVENTY, i), "独居") for i in (1, 2, 3))
    for person, day in ((lost, "2026-10-05"), (both, "2026-10-06"), (gained, "2026-11-05"), (both, "2026-11-06")):
        w.visit(person, f"{day} 10:00")
    row = changes(w, "2026-11", "2026-11-30")
    assert (row["stayed_visited_before"], row["stayed_visited_now"]) == (2, 2)  # nets out to no move
    assert (row["stayed_visited_before_only"], row["stayed_visited_now_only"]) == (1, 1)


def test_never_visited_elder_is_due_from_when_the_streets_records_begin(mart_warehouse):
    w = mart_warehouse
    never = w.elder(make_id(SEVENTY, 1), "独居", reg_date="2016-03-01")
    other = w.elder(make_id(SEVENTY, 2), "独居")
    w.visit(other, "2026-10-02 10:00")  # the street's records begin on 2 October
    w.build("2026-10", "2026-10-31")
    row = w.elder_month(never)
    assert (row["is_never_home_visited"], row["due_date"].isoformat(), row["overdue_days"]) == (True, "2026-11-01", 0)
    w.build("2026-11", "2026-11-20")
    assert w.elder_month(never)["overdue_days"] == 19


def test_a_streets_records_begin_with_its_own_visits_not_another_streets_of_an_elder_who_moved_in(mart_warehouse):
    # review 9 M2: the old street's visit of 9-10 to an elder who moved in had begun the new street's records, and
    # its never-visited elder was overdue from 10-10; its records begin 11-02, with the first visit it sent
    w = mart_warehouse
    mover, never, visited = make_id(SEVENTY, 1), make_id(SEVENTY, 2), make_id(SEVENTY, 3)
    w.elder(mover, "空巢")
    w.elder(never, "空巢", community=XIAOBAILOU_COMMUNITY, reg_date="2016-03-01")
    w.elder(visited, "空巢", community=XIAOBAILOU_COMMUNITY)
    w.visit(mover, "2026-09-10 10:00", community=HUAYUANLU)
    november = w.load("roster", "2026-11-01")
    w.elder(mover, "空巢", community=XIAOBAILOU_COMMUNITY, load_id=november)
    w.elder(never, "空巢", community=XIAOBAILOU_COMMUNITY, reg_date="2016-03-01", load_id=november)
    w.elder(visited, "空巢", community=XIAOBAILOU_COMMUNITY, load_id=november)
    w.visit(visited, "2026-11-02 10:00", community=XIAOBAILOU_COMMUNITY)
    w.build("2026-11", "2026-11-30")
    assert (w.elder_month(never)["due_date"].isoformat(), w.elder_month(never)["overdue_days"]) == ("2026-12-02", 0)
    assert (w.elder_month(mover)["due_date"].isoformat(), w.elder_month(mover)["overdue_days"]) == ("2026-10-10", 51)
    begin = dict(w.con.execute("select street_code, first_visit_date::varchar from street_records").fetchall())
    assert (begin[QUANYECHANG], begin[XIAOBAILOU]) == ("2026-09-10", "2026-11-02")


def alerts(mart_warehouse) -> list[tuple]:
    mart_warehouse.build("2026-11", "2026-11-30")
    return mart_warehouse.con.execute("select load_id, community_code, code from roster_alerts").fetchall()


def test_a_roster_that_drops_many_people_without_a_status_is_flagged(mart_warehouse):
    w = mart_warehouse
    people = [w.elder(make_id(SEVENTY, i), "独居") for i in range(1, 11)]
    w.elder(make_id(SEVENTY, 11), "独居", status="死亡", change_date="2026-05-01")  # gone already: not counted
    november = w.load("roster", "2026-11-10")
    for person in people[:7]:
        w.elder(person, "独居", load_id=november)
    assert alerts(w) == [(november, HUAYUANLU, "mass_removal")]


def test_a_roster_that_keeps_many_people_but_marks_them_with_nothing_is_flagged(mart_warehouse):
    # review 13 M2: a newer list with its category column blank (or in codes without their legend) took a whole
    # community's marking away, its rate to 100 %, without a word; one person's marking removed is no alert, nor is a
    # category changed, nor 高龄 alone (the ID number keeps it)
    w = mart_warehouse
    people = [w.elder(make_id(SEVENTY, i), "独居") for i in range(1, 11)]
    aged = w.elder(make_id("19400101", 12), "高龄")
    # … nor one whose age keeps them counted (高龄), marked or not (review 15 L1)
    alone_and_old = [w.elder(make_id("19400101", i), "独居") for i in range(13, 23)]
    november = w.load("roster", "2026-11-10")
    for n, person in enumerate(people):
        w.elder(person, *(["空巢"] if n < 5 else []), load_id=november)
    for person in [aged, *alone_and_old]:
        w.elder(person, load_id=november)
    assert alerts(w) == [(november, HUAYUANLU, "mass_unmarking")]
    [message] = w.con.execute("select message from roster_alerts").fetchone()
    assert "有 5 人上一份 (roster.csv) 标有特殊困难类别 (占 50%)" in message and "按取消标注计" in message
    w.con.execute("update roster_rows set categories = ['独居'] where load_id = ? and id_number <> ?",
                  [november, people[9]])
    assert alerts(w) == []


def test_an_id_number_corrected_between_two_lists_is_pointed_out(mart_warehouse):
    # review 6 finding 11: an ID fixed in October's list read as one gone (去向未说明) and one new, without a word
    w = mart_warehouse
    people = [w.elder(make_id(SEVENTY, i), "独居", name=f"王{'一二三四五六七八九十'[i - 1]}") for i in range(1, 11)]
    november = w.load("roster", "2026-11-10")
    for n, person in enumerate(people):
        corrected = make_id(SEVENTY, 20) if n == 0 else person
        w.elder(corrected, "独居", name=f"王{'一二三四五六七八九十'[n]}", load_id=november)
    assert alerts(w) == [(november, HUAYUANLU, "id_changed")]
    [message] = w.con.execute("select message from roster_alerts").fetchone()
    assert "花园路社区有 1 人 (如 王*) 与上一份名单" in message and "王一" not in message


def test_people_a_roster_moves_to_another_of_its_communities_are_not_flagged_as_gone(mart_warehouse):
    # probe L: the file moved three people from 花园路 to 滨西, and the alert said they had gone 去向未说明
    w = mart_warehouse
    people = [w.elder(make_id(SEVENTY, i), "独居") for i in range(1, 11)]
    november = w.load("roster", "2026-11-10")
    for n, person in enumerate(people):
        w.elder(person, "独居", load_id=november, community=HUAYUANLU if n < 7 else BINXI)
    assert alerts(w) == []


def test_people_another_communitys_own_list_takes_over_are_not_flagged_as_gone(mart_warehouse):
    # review 9 L1: 花园路's newer list leaves out three people 滨西's own list (a file of its own) now has: moved
    # within the street, not gone 去向未说明; the three 滨西 does not list are
    w = mart_warehouse
    people = [w.elder(make_id(SEVENTY, i), "独居") for i in range(1, 11)]
    binxi = w.load("roster", "2026-11-08")
    for person in people[7:]:
        w.elder(person, "独居", load_id=binxi, community=BINXI)
    huayuanlu = w.load("roster", "2026-11-10")
    for person in people[:7]:
        w.elder(person, "独居", load_id=huayuanlu)
    assert alerts(w) == []
    w.con.execute("delete from roster_rows where load_id = ?", [binxi])
    w.con.execute("delete from loads where load_id = ?", [binxi])
    assert alerts(w) == [(huayuanlu, HUAYUANLU, "mass_removal")]


def test_two_lists_of_a_community_dated_the_same_day_are_flagged(mart_warehouse):
    # probe L: a list and its correction both dated 10-31: the one loaded later wins, which was said nowhere
    w = mart_warehouse
    person = w.elder(make_id(SEVENTY, 1), "独居")
    original = w.load("roster", "2026-10-31", file_name="花园路_10月.xlsx")
    corrected = w.load("roster", "2026-10-31", file_name="花园路_10月_更正.xlsx")
    for load_id in (original, corrected):
        w.elder(person, "独居", load_id=load_id)
    w.build("2026-11", "2026-11-30")
    assert w.con.execute("select load_id, code, message from roster_alerts").fetchall() == [
        (corrected, "same_date",
         "花园路_10月_更正.xlsx 与 花园路_10月.xlsx 都是花园路社区 2026-10-31 的名单, "
         "按后导入的 花园路_10月_更正.xlsx 计: 如应以另一份为准, 请把那份的填报日期改为更晚的日期后重新导入")]


def test_a_few_people_dropped_is_ordinary_churn(mart_warehouse):
    w = mart_warehouse
    people = [w.elder(make_id(SEVENTY, i), "独居") for i in range(1, 11)]
    november = w.load("roster", "2026-11-10")
    for person in people[:9]:
        w.elder(person, "独居", load_id=november)
    w.elder(people[9], "独居", status="死亡", change_date="2026-11-02", load_id=november)
    assert alerts(w) == []


def test_a_community_left_out_of_a_newer_street_file_is_flagged_and_kept(mart_warehouse):
    w = mart_warehouse
    w.elder(make_id(SEVENTY, 1), "独居", community=HUAYUANLU)
    kept = w.elder(make_id(SEVENTY, 2), "独居", community=BINXI)
    street_file = w.load("roster", "2026-11-10")
    w.elder(make_id(SEVENTY, 1), "独居", community=HUAYUANLU, load_id=street_file)
    w.elder(make_id(SEVENTY, 3), "独居", community="120101001004", load_id=street_file)
    assert alerts(w) == [(street_file, BINXI, "community_missing")]
    assert w.con.execute("select is_listed_now from elders where elder_id = ?", [kept]).fetchall() == [(True,)]


def test_a_move_reported_by_the_old_street_after_the_new_one_lists_the_elder_is_no_gap(mart_warehouse):
    w = mart_warehouse
    mover = w.elder(make_id(SEVENTY, 1), "独居")
    new_street = w.load("roster", "2026-10-15")
    w.elder(mover, "独居", community=XIAOBAILOU_COMMUNITY, load_id=new_street)
    old_street = w.load("roster", "2026-10-31")
    w.elder(mover, "独居", status="迁出", change_date="2026-10-10", load_id=old_street)
    november = figures(w, "2026-11", "2026-11-30")
    assert (november[HEPING]["special_count"], november[XIAOBAILOU]["special_count"]) == (1, 1)
    assert left(changes(w, "2026-11", "2026-11-30")) == {}


def daily(w, elder_id: str, month: str) -> tuple:
    return w.con.execute("select contact_days_eligible, contact_days_covered, longest_gap_days, is_fully_covered"
                         " from elder_contact_months where elder_id = ? and month = ?", [elder_id, month]).fetchone()


def test_a_newer_roster_of_the_same_elder_loses_no_day_of_their_daily_contacts(mart_warehouse):
    # monthly snapshots are the rule: the day a newer one takes effect is still a day the elder is on the roster
    w = mart_warehouse
    alone = make_id(SEVENTY, 1)
    w.elder(alone, "独居")
    october = w.load("roster", "2026-10-16")
    w.elder(alone, "独居", load_id=october)
    for day in range(1, 32):
        if day != 16:  # the one day nobody reached them is the new roster's
            w.visit(alone, f"2026-10-{day:02d} 09:00", method="电话")
    w.build("2026-10", "2026-10-31")
    assert daily(w, alone, "2026-10") == (31, 30, 1, False)


def test_a_newcomer_registered_before_the_roster_that_first_lists_them_counts_from_its_date(mart_warehouse):
    # DESIGN §4: one who first appears in a later snapshot counts from its report date (10-20) at the earliest; they
    # were counted from the day after, where a marking added by the same roster counted from its date
    w = mart_warehouse
    w.elder(make_id(SEVENTY, 1), "独居")
    october = w.load("roster", "2026-10-20")
    newcomer = w.elder(make_id(SEVENTY, 2), "独居", reg_date="2026-10-12", load_id=october)
    for day in range(1, 32):
        w.visit(newcomer, f"2026-10-{day:02d} 09:00", method="电话")
    w.build("2026-10", "2026-10-31")
    assert daily(w, newcomer, "2026-10") == (12, 12, 0, True)


def test_an_elder_newly_marked_or_just_80_is_due_a_visit_from_then_not_from_the_records_start(mart_warehouse):
    # DESIGN §4: one newly marked counts from that date; both had been listed overdue (记录期内未上门) from the day the
    # street's records begin, weeks before they were special-difficulty
    w = mart_warehouse
    visited, marked, turns_80 = make_id(SEVENTY, 1), make_id(SEVENTY, 2), make_id(SEVENTY_NINE, 3)
    w.elder(visited, "独居")
    w.elder(marked)
    w.elder(turns_80)
    w.visit(visited, "2026-09-01 09:00")
    october = w.load("roster", "2026-10-20")
    for elder in (visited, marked):
        w.elder(elder, "独居", load_id=october)
    w.elder(turns_80, load_id=october)
    w.build("2026-10", "2026-10-31")
    assert (w.elder_month(marked)["due_date"].isoformat(), w.elder_month(marked)["is_overdue"]) == ("2026-11-19", False)
    assert w.elder_month(visited)["is_overdue"]  # a month since its last home visit, as before
    w.build("2026-11", "2026-11-30")
    assert (w.elder_month(turns_80)["due_date"].isoformat(), w.elder_month(turns_80)["is_overdue"]) == (
        "2026-12-15", False)


def test_a_gap_in_the_listing_of_one_registered_since_before_it_restarts_no_overdue_clock(mart_warehouse):
    # review 9 M1: an elder moving street (迁出 11-01 on the old street's roster, registered 11-01 on the new one's of
    # 11-06), and one a roster left off and a corrected one restored, had been due a visit from the day the new roster
    # listed them, as if newly special-difficulty: the mover last visited 9-10 was not overdue at 11-30
    w = mart_warehouse
    mover, restored, newcomer = make_id(SEVENTY, 1), make_id(SEVENTY, 2), make_id(SEVENTY, 3)
    w.elder(mover, "空巢")
    w.elder(restored, "独居", reg_date="2015-03-01")
    w.elder(make_id(SEVENTY, 4), "独居")
    w.elder(make_id(SEVENTY, 5), "独居", community=XIAOBAILOU_COMMUNITY)  # the new street's first roster
    w.visit(mover, "2026-09-10 10:00")
    w.visit(restored, "2026-09-02 10:00", method="电话")  # the street's records begin 9-02; no home visit
    omitted = w.load("roster", "2026-10-08")
    w.elder(mover, "空巢", load_id=omitted)
    w.elder(make_id(SEVENTY, 4), "独居", load_id=omitted)
    corrected = w.load("roster", "2026-10-09")
    for elder in (mover, restored, make_id(SEVENTY, 4)):
        w.elder(elder, "空巢" if elder == mover else "独居", reg_date="2015-03-01" if elder == restored else None,
                load_id=corrected)
    old_street = w.load("roster", "2026-11-05")
    w.elder(mover, "空巢", status="迁出", change_date="2026-11-01", load_id=old_street)
    w.elder(restored, "独居", reg_date="2015-03-01", load_id=old_street)
    w.elder(make_id(SEVENTY, 4), "独居", load_id=old_street)
    new_street = w.load("roster", "2026-11-06")
    w.elder(mover, "空巢", community=XIAOBAILOU_COMMUNITY, reg_date="2026-11-01", load_id=new_street)
    w.elder(newcomer, "空巢", community=XIAOBAILOU_COMMUNITY, reg_date="2026-11-06", load_id=new_street)
    w.elder(make_id(SEVENTY, 5), "独居", community=XIAOBAILOU_COMMUNITY, load_id=new_street)
    w.build("2026-11", "2026-11-30")
    due = {elder: (w.elder_month(elder)["due_date"].isoformat(), w.elder_month(elder)["overdue_days"])
           for elder in (mover, restored, newcomer)}
    assert due[mover] == ("2026-10-10", 51)  # the last home visit + 30 days
    assert due[restored] == ("2026-10-02", 59)  # the street's records begin + 30 days
    assert due[newcomer][0] == "2026-12-06"  # newly registered: due from then


def test_a_marking_added_or_removed_mid_month_counts_the_daily_contacts_from_its_date(mart_warehouse):
    w = mart_warehouse
    marked, unmarked = make_id(SEVENTY, 1), make_id(SEVENTY, 2)
    w.elder(marked, "失能")
    w.elder(unmarked, "独居", "失能")
    october = w.load("roster", "2026-10-16")
    w.elder(marked, "独居", "失能", load_id=october)
    w.elder(unmarked, "失能", load_id=october)
    for day in range(1, 32):
        for elder in (marked, unmarked):
            w.visit(elder, f"2026-10-{day:02d} 09:00", method="电话")
    figures = w.place("2026-10", "2026-10-31")
    assert [daily(w, elder, "2026-10") for elder in (marked, unmarked)] == [(16, 16, 0, True), (15, 15, 0, True)]
    assert (figures["contact_days_eligible"], figures["daily_contact_rate"]) == (31, 1.0)


def test_an_exit_a_newer_roster_dates_earlier_in_its_own_month_ends_the_stretch_on_that_date(mart_warehouse):
    w = mart_warehouse
    dies_in_october, died_in_september = make_id(SEVENTY, 1), make_id(SEVENTY, 2)
    for elder in (dies_in_october, died_in_september):
        w.elder(elder, "独居")
        for day in range(1, 31):
            w.visit(elder, f"2026-09-{day:02d} 09:00", method="电话")
    september = {elder: (w.build("2026-09", "2026-09-30"), daily(w, elder, "2026-09"))[1]
                 for elder in (dies_in_october, died_in_september)}
    late = w.load("roster", "2026-10-20")
    w.elder(dies_in_october, "独居", status="死亡", change_date="2026-10-10", load_id=late)
    w.elder(died_in_september, "独居", status="死亡", change_date="2026-09-20", load_id=late)
    w.build("2026-10", "2026-10-31")
    assert w.elder_month(dies_in_october)["exit_date"].isoformat() == "2026-10-10"
    assert daily(w, dies_in_october, "2026-10")[:2] == (9, 0)  # 1-9 October: on the roster, not reached
    # September ended before the roster that reports the death: it stays as it was; October counts no day
    assert daily(w, died_in_september, "2026-10") is None
    w.build("2026-09", "2026-09-30")
    assert {elder: daily(w, elder, "2026-09") for elder in september} == september == {
        dies_in_october: (30, 30, 0, True), died_in_september: (30, 30, 0, True)}


def test_a_communitys_first_roster_that_lists_an_elder_of_another_changes_no_month_before_it(mart_warehouse):
    # 花园路's first roster (1 September) lists the elder; 泰安道's first (20 October) lists them as registered there on
    # 18 October, the day 花园路's next roster says they moved out: each roster is its community's baseline, but the
    # newer one rewrites no time before it (DESIGN §4)
    w = mart_warehouse
    moves, stays = make_id(SEVENTY, 1), make_id(SEVENTY, 2)
    september = w.load("roster", "2026-09-01")
    for elder in (moves, stays):
        w.elder(elder, "空巢", load_id=september)
    before = figures(w, "2026-09", "2026-09-30")
    assert before[HUAYUANLU]["eligible_home"] == 2
    taian = w.load("roster", "2026-10-20")
    w.elder(moves, "空巢", community=XIAOBAILOU_COMMUNITY, reg_date="2026-10-18", load_id=taian)
    october = w.load("roster", "2026-10-22")
    w.elder(moves, "空巢", status="迁出", change_date="2026-10-18", load_id=october)
    w.elder(stays, "空巢", load_id=october)
    after = figures(w, "2026-09", "2026-09-30")
    for code in PLACES:
        assert after[code] == before[code], code


def test_a_death_reported_two_rosters_later_ends_the_stretch_on_its_date_and_for_its_reason(mart_warehouse):
    # the roster of 29 November had not heard of the death of the 25th; the one of the 30th reports it
    w = mart_warehouse
    dies = make_id(SEVENTY, 1)
    w.elder(dies, "独居", load_id=w.load("roster", "2026-10-31"))
    w.elder(dies, "独居", load_id=w.load("roster", "2026-11-29"))
    w.elder(dies, "独居", status="死亡", change_date="2026-11-25", load_id=w.load("roster", "2026-11-30"))
    w.visit(dies, "2026-11-27 09:00")  # after the death: not a day counted
    w.build("2026-11", "2026-11-30")
    month = w.elder_month(dies)
    assert (month["exit_date"].isoformat(), month["exit_reason"], month["left_reason"]) == (
        "2026-11-25", "死亡", "died")
    assert daily(w, dies, "2026-11")[:2] == (24, 0)  # 1-24 November


def test_a_move_the_first_rosters_of_both_communities_tell_places_the_elder_by_its_dates(mart_warehouse):
    # 花园路's first roster reports 迁出 on 15 October, 滨西's lists the elder registered there that day, both dated
    # 1 November: the baselines say what was, so the elder is 花园路's until the 15th (their September counts there,
    # with its visit) and 滨西's from then on; before, 滨西's listing took every day and September counted nowhere
    w = mart_warehouse
    mover = make_id(SEVENTY, 1)
    huayuanlu, binxi = w.load("roster", "2026-11-01"), w.load("roster", "2026-11-01")
    w.elder(mover, "空巢", status="迁出", change_date="2026-10-15", load_id=huayuanlu)
    w.elder(mover, "空巢", community=BINXI, reg_date="2026-10-15", load_id=binxi)
    w.visit(mover, "2026-09-10 10:00")
    w.visit(mover, "2026-10-10 10:00")
    september, october = figures(w, "2026-09", "2026-09-30"), figures(w, "2026-10", "2026-10-31")
    assert (september[HUAYUANLU]["eligible_home"], september[HUAYUANLU]["visited_home"]) == (1, 1)
    assert september[BINXI]["eligible_home"] == 0
    assert (october[BINXI]["eligible_home"], october[BINXI]["visited_home"], october[HUAYUANLU]["eligible_home"]) == (
        1, 1, 0)
