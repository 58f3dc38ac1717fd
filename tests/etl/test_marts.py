"""The numbers of DESIGN §4 on hand-made cases: each test a handful of elders and visits."""

import datetime as dt

import pytest

from etl.settings import default_config_text
from tests.conftest import BINXI, HEPING, HUAYUANLU, QUANYECHANG, make_id

OCT, END = "2026-10", "2026-10-31"
SEVENTY = "19560101"  # 70 at October 2026: special only through a category
EIGHTY_SIX = "19400101"  # 高龄 by birth date


def test_home_visit_counts_for_both_rates(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    mart_warehouse.visit(a, "2026-10-05 09:00")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["visited_home"], figures["eligible_home"], figures["visit_rate_home"]) == (1, 1, 1.0)
    assert (figures["visited_any"], figures["eligible_any"], figures["visit_rate_any"]) == (1, 1, 1.0)


@pytest.mark.parametrize("method", ["电话", "视频", "线上", "路遇"])
def test_other_methods_count_only_for_the_any_method_rate(mart_warehouse, method):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-05 09:00", method=method)
    figures = mart_warehouse.place(OCT, END)
    assert (figures["visited_home"], figures["eligible_home"]) == (0, 1)
    assert (figures["visited_any"], figures["eligible_any"]) == (1, 1)


@pytest.mark.parametrize("outcome", ["未遇", "拒访"])
def test_nobody_home_or_refused_is_not_a_visit(mart_warehouse, outcome):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-05 09:00", outcome=outcome)
    figures = mart_warehouse.place(OCT, END)
    assert (figures["visited_home"], figures["visited_any"], figures["not_visited_count"]) == (0, 0, 1)


@pytest.mark.parametrize("outcome", ["正常", "发现问题", "紧急"])
def test_visits_finding_problems_still_count(mart_warehouse, outcome):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-05 09:00", outcome=outcome)
    assert mart_warehouse.place(OCT, END)["visited_home"] == 1


def test_declined_consent_is_excluded_and_counted_apart(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居", consent="不同意")
    b = mart_warehouse.elder(make_id(SEVENTY, 2), "独居", consent="同意")
    mart_warehouse.visit(b, "2026-10-05 09:00")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["special_count"], figures["declined_count"]) == (2, 1)
    assert (figures["eligible_home"], figures["eligible_any"], figures["visit_rate_home"]) == (1, 1, 1.0)


@pytest.mark.parametrize(
    ("reg_date", "eligible"),
    [(None, 1), ("2026-09-30", 1), ("2026-10-01", 0), ("2026-10-15", 0)],
)
def test_registered_before_the_first_day_of_the_month_counts(mart_warehouse, reg_date, eligible):
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居", reg_date=reg_date)
    assert mart_warehouse.place(OCT, END)["eligible_home"] == eligible


def test_exit_during_the_month_without_a_visit_leaves_the_denominator(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "失能", status="死亡", change_date="2026-10-10")
    b = mart_warehouse.elder(make_id(SEVENTY, 2), "失能")
    mart_warehouse.visit(b, "2026-10-03 09:00")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["visited_home"], figures["eligible_home"]) == (1, 1)
    assert figures["special_count"] == 2  # still active in October: counted in the totals


def test_exit_during_the_month_after_a_visit_stays_counted(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能", status="迁出", change_date="2026-10-10")
    mart_warehouse.visit(a, "2026-10-03 09:00")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["visited_home"], figures["eligible_home"]) == (1, 1)


def test_exit_with_only_a_phone_call_leaves_home_rate_but_not_any_rate(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能", status="入住机构", change_date="2026-10-10")
    mart_warehouse.visit(a, "2026-10-03 09:00", method="电话")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["visited_home"], figures["eligible_home"]) == (0, 0)
    assert (figures["visited_any"], figures["eligible_any"]) == (1, 1)


def test_exit_before_the_month_is_not_counted_at_all(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "失能", status="死亡", change_date="2026-09-30")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["special_count"], figures["eligible_home"], figures["visit_rate_home"]) == (0, 0, None)


def test_zero_denominators_give_null_rates_not_zero_or_full(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", community=HUAYUANLU)
    figures = mart_warehouse.place(OCT, END, code="120101002000")  # 小白楼街道: nobody on the roster
    assert figures["special_count"] == 0
    assert [figures[k] for k in ("visit_rate_home", "visit_rate_any", "daily_contact_rate", "help_rate")] == [
        None, None, None, None]


def test_one_person_in_several_categories_is_counted_once(mart_warehouse):
    a = mart_warehouse.elder(make_id(EIGHTY_SIX, 1), "独居", "失能", "空巢")  # and 高龄 by age
    mart_warehouse.visit(a, "2026-10-05 09:00")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["special_count"], figures["eligible_home"], figures["visited_home"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("birth", "as_of", "special"),
    [
        ("19400101", END, 1),  # 86
        ("19560101", END, 0),  # 70, no category
        ("19461020", "2026-10-31", 1),  # turns 80 on 20 October
        ("19461020", "2026-10-15", 0),  # not yet 80 at the as-of date
    ],
)
def test_aged_80_is_special_by_the_id_birth_date_at_the_as_of_date(mart_warehouse, birth, as_of, special):
    mart_warehouse.elder(make_id(birth, 1))
    assert mart_warehouse.place(OCT, as_of)["special_count"] == special


def test_unconfigured_category_does_not_make_an_elder_special(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "特困")  # Heping's list has no 特困
    assert mart_warehouse.place(OCT, END)["special_count"] == 0


@pytest.mark.parametrize(
    "mart_warehouse",
    [default_config_text().replace('"孤寡", "高龄",', '"孤寡",')],
    indirect=True,
)
def test_without_aged_in_the_configuration_age_alone_does_not_count(mart_warehouse):
    mart_warehouse.elder(make_id(EIGHTY_SIX, 1))
    mart_warehouse.elder(make_id(EIGHTY_SIX, 2), "独居")
    assert mart_warehouse.place(OCT, END)["special_count"] == 1


def test_visits_after_the_as_of_date_do_not_count_yet(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-20 09:00")
    assert mart_warehouse.place(OCT, "2026-10-15")["visited_home"] == 0
    assert mart_warehouse.place(OCT, "2026-10-20")["visited_home"] == 1


def test_rates_are_counted_from_people_not_averaged_across_places(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", community=HUAYUANLU)
    mart_warehouse.visit(a, "2026-10-05 09:00")
    for serial in (2, 3, 4):
        mart_warehouse.elder(make_id(SEVENTY, serial), "空巢", community=BINXI)
    assert mart_warehouse.place(OCT, END, code=HUAYUANLU)["visit_rate_home"] == 1.0
    assert mart_warehouse.place(OCT, END, code=BINXI)["visit_rate_home"] == 0.0
    street = mart_warehouse.place(OCT, END, code=QUANYECHANG)
    assert (street["visited_home"], street["eligible_home"], street["visit_rate_home"]) == (1, 4, 0.25)


def test_visit_without_id_is_linked_by_name_and_community(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", name="王淑芬", community=BINXI)
    mart_warehouse.visit(None, "2026-10-05 09:00", name="王淑芬", community=BINXI)
    assert mart_warehouse.place(OCT, END)["visited_home"] == 1


def test_visit_without_id_is_not_linked_when_two_elders_share_the_name(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", name="王淑芬", community=BINXI)
    mart_warehouse.elder(make_id(SEVENTY, 2), "空巢", name="王淑芬", community=BINXI)
    mart_warehouse.visit(None, "2026-10-05 09:00", name="王淑芬", community=BINXI)
    assert mart_warehouse.place(OCT, END)["visited_home"] == 0


def test_a_visit_linked_to_no_elder_is_listed_with_why_and_where(mart_warehouse):
    """DESIGN §3: linked, never guessed; what is not linked says why (unlinked_visits), for the street to fix."""
    w = mart_warehouse
    w.elder(make_id(SEVENTY, 1), "空巢", name="王淑芬", community=BINXI)
    w.elder(make_id(SEVENTY, 2), "空巢", name="王淑芬", community=BINXI)
    w.elder(make_id(SEVENTY, 3), "独居", name="李桂兰")
    w.visit(make_id(SEVENTY, 3), "2026-10-03 09:00", community=HUAYUANLU)  # by ID
    w.visit(None, "2026-10-04 09:00", name="李桂兰", community=HUAYUANLU)  # by name
    w.visit(None, "2026-10-05 09:00", name="王淑芬", community=BINXI)  # a name two elders share
    w.visit(make_id(SEVENTY, 9), "2026-10-07 09:00", community=HUAYUANLU)  # an ID number on no roster
    w.visit(None, "2026-10-08 09:00", name="赵六", community=BINXI)  # a name on no roster
    w.build(OCT, END)
    assert w.con.execute("select visit_date, community_code, street_code, reason from unlinked_visits"
                         " order by visit_date").fetchall() == [
        (dt.date(2026, 10, 5), BINXI, QUANYECHANG, "same_name"),
        (dt.date(2026, 10, 7), HUAYUANLU, QUANYECHANG, "not_on_roster"),
        (dt.date(2026, 10, 8), BINXI, QUANYECHANG, "not_on_roster")]


def test_a_contact_lists_row_linked_to_no_elder_is_listed_with_why_and_where(mart_warehouse):
    """DESIGN §3 for contact lists too: a row whose elder no roster lists helps no one's 帮扶率, and the street is told
    why (unlinked_contacts; review 10a: such rows loaded without a word anywhere)."""
    w = mart_warehouse
    w.elder(make_id(SEVENTY, 1), "失能", name="王淑芬", community=BINXI)
    w.elder(make_id(SEVENTY, 2), "失能", name="王淑芬", community=BINXI)
    w.elder(make_id(SEVENTY, 3), "失能", name="李桂兰")
    w.contact(make_id(SEVENTY, 3))  # by ID
    w.contact(None, name="李桂兰", community=HUAYUANLU)  # by name
    w.contact(None, name="王淑芬", community=BINXI)  # a name two elders share
    w.contact(make_id(SEVENTY, 9), community=HUAYUANLU)  # an ID number on no roster
    w.contact(None, name="赵六", community=BINXI)  # a name on no roster
    w.contact(make_id(SEVENTY, 8), load_id=w.load("contacts", "2025-06-01"))  # of an older list, replaced: no more
    w.build(OCT, END)
    assert w.con.execute("select community_code, street_code, district_code, reason from unlinked_contacts"
                         " order by source_row_number").fetchall() == [
        (BINXI, QUANYECHANG, HEPING, "same_name"), (HUAYUANLU, QUANYECHANG, HEPING, "not_on_roster"),
        (BINXI, QUANYECHANG, HEPING, "not_on_roster")]


# --- 独居日联系率 ------------------------------------------------------------------------------


def test_daily_contact_counts_covered_elder_days_and_the_longest_gap(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    for day in (1, 2, 3, 4, 5, 8):  # gaps: 6-7 and 9-10
        mart_warehouse.visit(a, f"2026-10-{day:02d} 09:00", method="电话")
    figures = mart_warehouse.place(OCT, "2026-10-10")
    assert (figures["contact_days_covered"], figures["contact_days_eligible"]) == (6, 10)
    assert figures["daily_contact_rate"] == 0.6
    assert (figures["max_gap_days"], figures["fully_covered_count"], figures["alone_count"]) == (2, 0, 1)


def test_an_elder_contacted_every_day_is_fully_covered(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    for day in range(1, 6):
        mart_warehouse.visit(a, f"2026-10-{day:02d} 20:00", method="视频")
    figures = mart_warehouse.place(OCT, "2026-10-05")
    assert (figures["daily_contact_rate"], figures["fully_covered_count"], figures["max_gap_days"]) == (1.0, 1, 0)


def test_several_contacts_on_one_day_cover_that_day_once(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    mart_warehouse.visit(a, "2026-10-01 08:00", method="电话")
    mart_warehouse.visit(a, "2026-10-01 18:00", method="上门")
    figures = mart_warehouse.place(OCT, "2026-10-02")
    assert (figures["contact_days_covered"], figures["contact_days_eligible"]) == (1, 2)


def test_unanswered_calls_do_not_cover_a_day(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    mart_warehouse.visit(a, "2026-10-01 08:00", method="电话", outcome="未遇")
    assert mart_warehouse.place(OCT, "2026-10-01")["contact_days_covered"] == 0


def test_elder_days_start_after_registration_and_stop_at_exit(mart_warehouse):
    # registered 3 Oct: counted from 4 Oct; exited 8 Oct: counted to 7 Oct → 4 elder-days
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居", reg_date="2026-10-03", status="死亡", change_date="2026-10-08")
    assert mart_warehouse.place(OCT, END)["contact_days_eligible"] == 4


def test_an_elder_living_alone_with_no_day_counted_in_the_month_is_no_elder_living_alone_of_it(mart_warehouse):
    # review 13 L3: registered on 31 October, counted from 1 November: 独居老年人 had counted them in October, with no
    # elder-day beside them
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    mart_warehouse.elder(make_id(SEVENTY, 2), "独居", reg_date="2026-10-31")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["alone_count"], figures["contact_days_eligible"]) == (1, 31)


def test_declined_elders_living_alone_have_no_elder_days(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居", consent="不同意")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["contact_days_eligible"], figures["daily_contact_rate"]) == (0, None)


def test_living_alone_from_the_living_column_counts_like_the_category(mart_warehouse):
    # staging folds 居住情况=独居 into the categories; the mart sees one list
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    assert mart_warehouse.place(OCT, "2026-10-03")["contact_days_eligible"] == 3


# --- 失能帮扶率 --------------------------------------------------------------------------------


def test_disabled_elder_with_a_named_contact_and_valid_phone_is_helped(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    mart_warehouse.elder(make_id(SEVENTY, 2), "失能")
    mart_warehouse.contact(a)
    figures = mart_warehouse.place(OCT, END)
    assert (figures["disabled_with_contact"], figures["disabled_count"], figures["help_rate"]) == (1, 2, 0.5)


@pytest.mark.parametrize(("contact_name", "phone"), [(None, "13800000000"), ("张大伟", None)])
def test_a_contact_without_name_or_valid_phone_does_not_help(mart_warehouse, contact_name, phone):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    mart_warehouse.contact(a, contact_name=contact_name, phone=phone)
    assert mart_warehouse.place(OCT, END)["disabled_with_contact"] == 0


def test_a_contact_designated_after_the_as_of_date_does_not_help_yet(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    mart_warehouse.contact(a, set_date="2026-10-20")
    assert mart_warehouse.place(OCT, "2026-10-15")["disabled_with_contact"] == 0
    assert mart_warehouse.place(OCT, "2026-10-20")["disabled_with_contact"] == 1


@pytest.mark.parametrize(
    ("reg_date", "status", "change_date", "consent", "counted"),
    [
        ("2026-10-31", "在册", None, None, 1),  # registered on D counts
        ("2026-11-01", "在册", None, None, 0),
        (None, "死亡", "2026-10-31", None, 0),  # exited on D does not
        (None, "死亡", "2026-11-02", None, 1),
        (None, "在册", None, "不同意", 0),
    ],
)
def test_help_rate_counts_disabled_elders_active_at_the_as_of_date(
    mart_warehouse, reg_date, status, change_date, consent, counted
):
    mart_warehouse.elder(make_id(SEVENTY, 1), "失能", reg_date=reg_date, status=status, change_date=change_date,
                         consent=consent)
    assert mart_warehouse.place(OCT, END)["disabled_count"] == counted


def test_semi_disabled_elders_are_not_in_the_help_rate_by_default(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "半失能")
    assert mart_warehouse.place(OCT, END)["disabled_count"] == 0


@pytest.mark.parametrize(
    "mart_warehouse",
    [default_config_text().replace("semi_disabled_counts_as_disabled = false",
                                   "semi_disabled_counts_as_disabled = true")],
    indirect=True,
)
def test_semi_disabled_elders_count_when_configured(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "半失能")
    assert mart_warehouse.place(OCT, END)["disabled_count"] == 1


def test_a_newer_contact_list_for_a_street_replaces_the_older_one(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    mart_warehouse.contact(a)  # load 3, report date 2026-01-01
    mart_warehouse.con.execute(
        "insert into loads values"
        " (4, 'newer.csv', 'sha-4', 'contacts', null, 1, '2026-06-01', 'loaded', 0, 0, 0, 0, now(), 0)"
    )
    mart_warehouse.con.execute(
        "insert into contact_rows (load_id, row_number, id_number, street_code, contact_name, contact_phone, dedup_key)"
        " values (4, 1, ?, ?, '新联系人', null, 'x')",
        [make_id(SEVENTY, 2), QUANYECHANG],
    )
    assert mart_warehouse.place(OCT, END)["disabled_with_contact"] == 0


def test_a_newer_contact_list_changes_no_month_that_ended_before_its_date(mart_warehouse):
    # probe M: a list dated 11-05 without 花园路's contact people took October's help rate from 8/10 to 0/10
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    b = mart_warehouse.elder(make_id(SEVENTY, 2), "失能")
    mart_warehouse.contact(a, load_id=mart_warehouse.load("contacts", "2026-10-01"))
    newer = mart_warehouse.load("contacts", "2026-11-05")
    mart_warehouse.contact(b, load_id=newer)  # a's contact person is not on it
    assert mart_warehouse.place(OCT, END)["disabled_with_contact"] == 1
    assert mart_warehouse.elder_month(a)["is_helped"] and not mart_warehouse.elder_month(b)["is_helped"]
    # in force from its date: on 11-04 October's list, from 11-05 the newer one
    assert mart_warehouse.place("2026-11", "2026-11-04")["disabled_with_contact"] == 1
    assert mart_warehouse.elder_month(a)["is_helped"]
    assert mart_warehouse.place("2026-11", "2026-11-05")["disabled_with_contact"] == 1
    assert mart_warehouse.elder_month(b)["is_helped"] and not mart_warehouse.elder_month(a)["is_helped"]


def test_a_streets_first_contact_list_holds_before_its_date_too(mart_warehouse):
    # the first list is the baseline, as a community's first roster is: its people count from the day each was
    # designated (确定日期), or always
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    b = mart_warehouse.elder(make_id(SEVENTY, 2), "失能")
    first = mart_warehouse.load("contacts", "2026-11-05")
    mart_warehouse.contact(a, load_id=first)
    mart_warehouse.contact(b, set_date="2026-10-20", load_id=first)
    assert mart_warehouse.place(OCT, "2026-10-15")["disabled_with_contact"] == 1
    assert mart_warehouse.place(OCT, END)["disabled_with_contact"] == 2


def test_a_contact_list_without_a_report_date_is_in_force_from_the_day_it_was_loaded(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    mart_warehouse.contact(a)  # load 3, report date 2026-01-01
    undated = mart_warehouse.load("contacts")  # loaded today (loads.loaded_at)
    mart_warehouse.contact(make_id(SEVENTY, 2), load_id=undated)
    today = mart_warehouse.con.execute("select current_date::varchar").fetchall()[0][0]
    day_before = (dt.date.fromisoformat(today) - dt.timedelta(days=1)).isoformat()
    assert mart_warehouse.place(day_before[:7], day_before)["disabled_with_contact"] == 1
    assert mart_warehouse.place(today[:7], today)["disabled_with_contact"] == 0


# --- 逾期 and 本月未访 -------------------------------------------------------------------------


def test_high_risk_elder_is_overdue_seven_days_after_the_last_home_visit(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居", "失能")  # 独居 + 失能 → 高
    mart_warehouse.visit(a, "2026-10-01 09:00")
    figures = mart_warehouse.place(OCT, END)
    row = mart_warehouse.elder_month(a)
    assert (row["risk_level"], str(row["due_date"]), row["overdue_days"]) == ("高", "2026-10-08", 23)
    assert figures["overdue_count"] == 1


def test_low_risk_elder_visited_within_thirty_days_is_not_overdue(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-01 09:00")
    mart_warehouse.place(OCT, END)
    row = mart_warehouse.elder_month(a)
    assert (row["risk_level"], row["overdue_days"], row["is_overdue"]) == ("低", 0, False)


def test_phone_contacts_do_not_reset_the_home_visit_clock(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")  # 中: 30 days
    mart_warehouse.visit(a, "2026-09-01 09:00")
    mart_warehouse.visit(a, "2026-10-20 09:00", method="电话")
    mart_warehouse.place(OCT, END)
    assert mart_warehouse.elder_month(a)["overdue_days"] == 30  # due 1 Oct, as of 31 Oct


def test_never_visited_elder_is_due_one_interval_after_registration(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能", reg_date="2026-09-01")
    mart_warehouse.place(OCT, END)
    row = mart_warehouse.elder_month(a)
    assert (str(row["due_date"]), row["overdue_days"]) == ("2026-10-01", 30)


def test_never_visited_elder_without_registration_date_is_not_overdue(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "失能")
    assert mart_warehouse.place(OCT, END)["overdue_count"] == 0
    assert mart_warehouse.elder_month(a)["overdue_days"] == 0


def test_not_visited_this_month_lists_eligible_elders_without_a_home_visit(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.elder(make_id(SEVENTY, 2), "空巢")
    mart_warehouse.elder(make_id(SEVENTY, 3), "空巢", consent="不同意")
    mart_warehouse.visit(a, "2026-10-05 09:00")
    assert mart_warehouse.place(OCT, END)["not_visited_count"] == 1


# --- 风险等级 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "categories", "expected"),
    [
        (EIGHTY_SIX, ("独居",), "高"),
        (EIGHTY_SIX, ("空巢",), "高"),
        (SEVENTY, ("独居", "失能"), "高"),
        (SEVENTY, ("独居",), "低"),
        (SEVENTY, ("重残",), "中"),
        (SEVENTY, ("计生特殊家庭",), "中"),
        (EIGHTY_SIX, (), "低"),
    ],
)
def test_derived_risk_level(mart_warehouse, birth, categories, expected):
    a = mart_warehouse.elder(make_id(birth, 1), *categories)
    mart_warehouse.place(OCT, END)
    assert mart_warehouse.elder_month(a)["risk_level"] == expected


def test_roster_risk_level_wins_over_the_rules(mart_warehouse):
    a = mart_warehouse.elder(make_id(EIGHTY_SIX, 1), "独居", risk_level="低")
    mart_warehouse.place(OCT, END)
    assert (mart_warehouse.elder_month(a)["risk_level"], mart_warehouse.elder_month(a)["is_risk_derived"]) == (
        "低", False)


@pytest.mark.parametrize(("last_outcome", "expected"), [("紧急", "高"), ("发现问题", "高"), ("正常", "低")])
def test_a_problem_found_at_the_last_visit_makes_an_elder_high_risk(mart_warehouse, last_outcome, expected):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-02 09:00", outcome="发现问题")
    mart_warehouse.visit(a, "2026-10-09 09:00", outcome=last_outcome)
    mart_warehouse.place(OCT, END)
    assert mart_warehouse.elder_month(a)["risk_level"] == expected


@pytest.mark.parametrize(
    ("visits", "expected"),
    [
        # the day's latest visit is the last one, whatever order the rows were stored in
        # (a phone call finds nothing: the problem stays open until a home visit, marts/problems)
        ((("2026-10-09 15:00", "电话", "正常"), ("2026-10-09 09:00", "上门", "发现问题")), ("电话", "正常", "高")),
        ((("2026-10-09 09:00", "电话", "正常"), ("2026-10-09 15:00", "上门", "发现问题")), ("上门", "发现问题", "高")),
        # at the same time, the visit that found a problem: it stays open until a later visit
        ((("2026-10-09 00:00", "上门", "发现问题"), ("2026-10-09 00:00", "电话", "正常")), ("上门", "发现问题", "高")),
        ((("2026-10-09 00:00", "电话", "正常"), ("2026-10-09 00:00", "上门", "发现问题")), ("上门", "发现问题", "高")),
    ],
)
def test_the_last_visit_of_a_day_with_several_is_chosen_the_same_way_every_time(mart_warehouse, visits, expected):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    for when, method, outcome in visits:
        mart_warehouse.visit(a, when, method=method, outcome=outcome)
    mart_warehouse.place(OCT, END)
    month = mart_warehouse.elder_month(a)
    assert (month["last_visit_method"], month["last_visit_outcome"], month["risk_level"]) == expected


# --- breakdowns for the screens --------------------------------------------------------------------


def category_counts(mart_warehouse, code: str = HEPING) -> dict[str, int]:
    rows = mart_warehouse.con.execute(
        "select category, people_count from category_months where code = ? and month_start = '2026-10-01'"
        " order by category", [code]).fetchall()
    return dict(rows)


def test_category_breakdown_counts_each_person_once_per_category(mart_warehouse):
    mart_warehouse.elder(make_id(EIGHTY_SIX, 1), "独居", "失能")
    mart_warehouse.elder(make_id(SEVENTY, 2), "独居")
    mart_warehouse.elder(make_id(SEVENTY, 3), "特困")  # not configured: not special
    figures = mart_warehouse.place(OCT, END)
    assert category_counts(mart_warehouse) == {"失能": 1, "独居": 2, "高龄": 1}
    assert (figures["special_count"], figures["multi_category_count"]) == (2, 1)


def test_risk_mix_counts_special_people_active_at_the_as_of_date(mart_warehouse):
    mart_warehouse.elder(make_id(SEVENTY, 1), "独居", "失能")
    mart_warehouse.elder(make_id(SEVENTY, 2), "失能")
    mart_warehouse.elder(make_id(SEVENTY, 3), "空巢", status="死亡", change_date="2026-10-10")
    mart_warehouse.place(OCT, END)
    rows = mart_warehouse.con.execute(
        "select risk_level, people_count from risk_months where code = ? and month_start = '2026-10-01'"
        " order by risk_level", [HEPING]).fetchall()
    assert dict(rows) == {"中": 1, "高": 1}


def test_problems_and_emergencies_found_in_the_month_are_counted(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-02 09:00", outcome="发现问题")
    mart_warehouse.visit(a, "2026-10-03 09:00", outcome="紧急")
    mart_warehouse.visit(a, "2026-09-03 09:00", outcome="紧急")
    figures = mart_warehouse.place(OCT, END)
    assert (figures["problem_visit_count"], figures["emergency_visit_count"], figures["open_problem_count"]) == (
        1, 1, 1)


def test_problem_visits_are_counted_each_to_the_as_of_date_and_by_name_where_linked(mart_warehouse):
    """Two problem visits on one day count twice, a phone call's too; one linked by name counts for its elder;
    one after the as-of date, not yet."""
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", name="甲")
    mart_warehouse.visit(a, "2026-10-02 09:00", outcome="发现问题")
    mart_warehouse.visit(a, "2026-10-02 15:00", method="电话", outcome="发现问题")
    mart_warehouse.visit(None, "2026-10-05 09:00", outcome="紧急", name="甲", community=HUAYUANLU)
    mart_warehouse.visit(a, "2026-10-25 09:00", outcome="紧急")
    figures = mart_warehouse.place(OCT, "2026-10-20")
    assert (figures["problem_visit_count"], figures["emergency_visit_count"]) == (2, 1)


def test_street_freshness_shows_the_latest_visit_loaded(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢")
    mart_warehouse.visit(a, "2026-10-02 09:00")
    mart_warehouse.visit(a, "2026-10-09 09:00", method="电话")
    mart_warehouse.place(OCT, END)
    rows = mart_warehouse.con.execute(
        "select latest_visit_date::varchar, visit_count, roster_file from street_freshness where street_code = ?",
        [QUANYECHANG]).fetchall()
    assert rows == [("2026-10-09", 2, "roster.csv")]


def test_street_freshness_shows_the_oldest_roster_in_force_of_the_streets_communities(mart_warehouse):
    # the street's list of 1 September, then one community's own list of 20 October: the other community is
    # still on the September list, and the street's freshness says so
    w = mart_warehouse
    street = w.load("roster", "2026-09-01", file_name="劝业场街道底册.csv")
    for n, community in ((1, HUAYUANLU), (2, BINXI)):
        w.elder(make_id(SEVENTY, n), "空巢", community=community, load_id=street)
    w.elder(make_id(SEVENTY, 1), "空巢", load_id=w.load("roster", "2026-10-20", file_name="花园路社区底册.csv"))
    w.place(OCT, END)
    assert w.con.execute("select roster_file, roster_date::varchar from street_freshness where street_code = ?",
                         [QUANYECHANG]).fetchall() == [("劝业场街道底册.csv", "2026-09-01")]


def test_screens_get_masked_names_ids_and_phones(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", name="王淑芬")
    mart_warehouse.place(OCT, END)
    assert mart_warehouse.con.execute(
        "select elder_name_masked, id_number_masked from elders").fetchall() == [("王**", a[:4] + "*" * 10 + a[-4:])]


def test_an_elder_who_left_in_the_month_carries_the_exit_date(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", status="死亡", change_date="2026-10-12")
    mart_warehouse.place(OCT, END)
    row = mart_warehouse.elder_month(a)
    assert (str(row["exit_date"]), row["exited_in_month"]) == ("2026-10-12", True)


def test_roster_findings_list_contradictions_on_each_communitys_latest_roster(mart_warehouse):
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "空巢", name="王淑芬")
    b = mart_warehouse.elder(make_id(SEVENTY, 2), "空巢", community=BINXI)
    mart_warehouse.warning("contradiction", "居住情况为独居, 但未标注独居", id_number=a)
    mart_warehouse.warning("contradiction", "失能程度为完全失能, 但未标注失能", id_number=a)
    mart_warehouse.warning("invalid_phone", "电话号码无效", id_number=b, community=BINXI)
    mart_warehouse.warning("contradiction", "居住情况为独居, 但未标注独居", id_number=b, community=BINXI)
    newer = mart_warehouse.load("roster", report_date="2026-10-01")  # 滨西's newer roster, corrected
    mart_warehouse.elder(b, "空巢", "独居", community=BINXI, load_id=newer)
    mart_warehouse.place(OCT, END)
    rows = mart_warehouse.con.execute(
        "select community_code, elder_name_masked, id_number_masked, finding, file_name, row_number"
        " from roster_findings").fetchall()
    assert rows == [(HUAYUANLU, "王**", a[:4] + "*" * 10 + a[-4:],
                     "失能程度为完全失能, 但未标注失能; 居住情况为独居, 但未标注独居", "roster.csv",
                     mart_warehouse.roster_row_numbers[1, a])]


@pytest.mark.parametrize(("month", "as_of", "visited", "last_visit", "last_home_visit"), [
    # a month to its last day: what elder_visit_months holds for it
    (OCT, END, (True, True), ("2026-10-20", "电话"), "2026-10-10"),
    # the same month seen from the next: its own visits, the last visit up to that day
    (OCT, "2026-11-10", (True, True), ("2026-11-05", "视频"), "2026-10-10"),
    # a month in progress: only its visits by the as-of date, the last before them from earlier months
    ("2026-11", "2026-11-03", (False, False), ("2026-10-20", "电话"), "2026-10-10"),
    ("2026-11", "2026-11-30", (False, True), ("2026-11-05", "视频"), "2026-10-10"),
])
def test_a_months_visits_and_the_last_visit_by_any_as_of_date(mart_warehouse, month, as_of, visited, last_visit,
                                                              last_home_visit):
    """Whole months are read from elder_visit_months, a month counted to an earlier day from its visits:
    the two must tell the same story."""
    a = mart_warehouse.elder(make_id(SEVENTY, 1), "独居")
    mart_warehouse.visit(a, "2026-10-10 09:00")
    mart_warehouse.visit(a, "2026-10-20 09:00", method="电话")
    mart_warehouse.visit(a, "2026-11-05 09:00", method="视频")
    mart_warehouse.build(month, as_of)
    row = mart_warehouse.elder_month(a)
    assert (row["visited_home"], row["visited_any"]) == visited
    assert (str(row["last_visit_date"]), row["last_visit_method"]) == last_visit
    assert str(row["last_home_visit_date"]) == last_home_visit


@pytest.mark.parametrize(("data_until", "reused"), [("2026-11-03", True), ("2026-10-20", False)])
def test_a_month_at_another_as_of_date_takes_the_month_before_as_stored_only_when_stored_whole(
        mart_warehouse, data_until, reused):
    """build_as_of takes the month before's elder_months and elder_contact_months as stored when the store
    counts it to its last day (data until 3 November), and computes them when the store counts it to an
    earlier day (data until 20 October, so October as stored is not October whole): either way, the rows
    build_month computes (which reads every visit; build_as_of, only those dated in its months: a visit without
    an ID number, on the last day of data or 1 November, counts, linked by name). And build_same_day, the month
    alone (what a month in progress is compared with), the same rows of that month."""
    from etl.build import MONTH_MARTS, SAME_DAY_MARTS, build_as_of, build_marts, build_month, build_same_day
    from etl.sqlfiles import set_search_path

    con = mart_warehouse.con
    for serial, category in enumerate(["独居", "失能", "空巢"], start=1):
        elder = mart_warehouse.elder(make_id(SEVENTY, serial), category, name=f"老人{serial}")
        mart_warehouse.visit(elder, "2026-09-12 09:00")
        mart_warehouse.visit(elder, "2026-10-08 09:00", method="电话" if serial == 2 else "上门")
    mart_warehouse.visit(make_id(SEVENTY, 1), f"{data_until} 09:00")
    mart_warehouse.visit(None, f"{min(data_until, '2026-11-01')} 10:00", name="老人3", community=HUAYUANLU)
    build_marts(con)
    stored_october = con.execute("select as_of from month_frame where month_start = '2026-10-01'").fetchall()
    assert (str(stored_october[0][0]) == "2026-10-31") == reused
    for schema, build in (("taken", lambda: build_as_of(con, "2026-11-01", "2026-11-02", "taken", "main")),
                          ("computed", lambda: build_month(con, "2026-11-01", "2026-11-02", "computed")),
                          ("alone", lambda: build_same_day(con, "2026-11-01", "2026-11-02", "alone", "main"))):
        con.execute(f"create schema {schema}")
        set_search_path(con, f"{schema},main")  # as its callers do: the schema first
        build()
    set_search_path(con, "main")
    for mart in MONTH_MARTS:
        taken = sorted(con.execute(f"from taken.{mart} where month_start >= '2026-10-01'").fetchall(), key=repr)
        computed = sorted(con.execute(f"from computed.{mart}").fetchall(), key=repr)
        assert taken == computed and taken, mart
    for mart in ("month_frame", *SAME_DAY_MARTS):
        alone = sorted(con.execute(f"from alone.{mart}").fetchall(), key=repr)
        computed = sorted(con.execute(f"from computed.{mart} where month_start = '2026-11-01'").fetchall(), key=repr)
        assert alone == computed and alone, mart


def test_a_visits_file_that_names_no_community_belongs_where_its_elders_live(mart_warehouse):
    """load_places: a file is shown to a user whose place holds every row of it; a visit without a community
    (a file of ID numbers only) is where its elder lives. 花园路's two elders: 花园路's file; with 滨西's too:
    劝业场's."""
    w = mart_warehouse
    a, b = w.elder(make_id(SEVENTY, 1), "独居"), w.elder(make_id(SEVENTY, 2), "独居")
    c = w.elder(make_id(SEVENTY, 3), "独居", community=BINXI)
    one, two = w.load("visits"), w.load("visits")
    for elder, load in ((a, one), (b, one), (a, two), (c, two)):
        w.visit(elder, "2026-10-05 09:00", load_id=load)  # no community: the file names none
    w.build(OCT, END)
    places = dict(w.con.execute("select load_id, place_code from load_places where load_id in (?, ?)",
                                [one, two]).fetchall())
    assert places == {one: HUAYUANLU, two: QUANYECHANG}
