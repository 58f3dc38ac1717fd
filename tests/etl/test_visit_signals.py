"""Visit-quality signals (督查线索, DESIGN §4) on literal rows: each fires on its case and not on its near miss."""

import itertools

import duckdb
import pytest

from etl.build import build_marts
from etl.settings import engine_config
from tests.conftest import BINXI, HUAYUANLU, make_id, new_mart_warehouse

SEVENTY = "19560101"
TAIANDAO = "120101002002"  # 泰安道社区, 小白楼街道
COPIED = "老人身体状况良好，居家环境整洁，生活用品齐全，已宣传防范电信诈骗知识"


class Signals:
    """The literal warehouse of tests/conftest.py, with visits that carry a visitor, a note and a point."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config_text: str | None = None):
        self.con = con
        self.mart = new_mart_warehouse(con, config_text)
        self._serials = itertools.count(1)
        self._rows = itertools.count(10_000)

    def elder(self, *categories: str, community: str = HUAYUANLU, **attributes) -> str:
        return self.mart.elder(make_id(SEVENTY, next(self._serials)), *(categories or ("空巢",)),
                               community=community, **attributes)

    def visit(self, elder: str, when: str, method: str = "上门", outcome: str = "正常", visitor: str = "王芳",
              findings: str | None = None, point: tuple[float, float] | None = None,
              entered: str | None = None, community: str | None = None) -> None:
        """A visit of `elder` (an ID number); `community`: the one its file names (none by default)."""
        latitude, longitude = point or (None, None)
        self.con.execute(
            """insert into visit_rows (load_id, row_number, id_number, visit_at, visit_date, method, outcome,
                   visitor_name, findings, latitude, longitude, entered_at, community_code, dedup_key)
               values (2, ?, ?, ?::timestamp, ?::date, ?, ?, ?, ?, ?, ?, ?::timestamp, ?, ?)""",
            [next(self._rows), elder, when, when, method, outcome, visitor, findings, latitude, longitude, entered,
             community, next(self._rows)],
        )

    def leads(self, signal: str) -> list[tuple]:
        """(lead_key, evidence rows, measure) of one signal."""
        build_marts(self.con)
        return self.con.execute(
            """select lead_key, count(*), max(measure) from visit_signals where signal = ?
            group by lead_key order by lead_key""", [signal]).fetchall()


@pytest.fixture
def signals():
    con = duckdb.connect(config=engine_config())
    yield Signals(con)
    con.close()


def config_with(**values) -> str:
    from etl.settings import default_config_text
    text = default_config_text()
    for name, value in values.items():
        text = text.replace(f"\n{name} = ", f"\n{name} = {value}\n# was ", 1)
    return text


@pytest.mark.parametrize(("home_visits", "fires"), [(13, True), (12, False)])
def test_more_home_visits_in_a_day_than_the_limit(signals, home_visits, fires):
    for _ in range(home_visits):
        signals.visit(signals.elder(), "2026-10-09 10:00")
    leads = signals.leads("daily_home_visits")
    assert leads == ([(leads[0][0], home_visits, home_visits)] if fires else [])


def test_the_limit_is_a_setting():
    con = duckdb.connect(config=engine_config())
    signals = Signals(con, config_with(home_visits_per_day_limit=3))
    for _ in range(4):
        signals.visit(signals.elder(), "2026-10-09 10:00")
    assert [rows for _, rows, _ in signals.leads("daily_home_visits")] == [4]


def test_busy_days_are_per_visitor_and_day_and_count_home_visits_only(signals):
    for hour in range(12):
        signals.visit(signals.elder(), f"2026-10-09 {8 + hour % 10:02d}:00")
    signals.visit(signals.elder(), "2026-10-09 18:00", visitor="李强")  # someone else
    signals.visit(signals.elder(), "2026-10-10 09:00")  # another day
    signals.visit(signals.elder(), "2026-10-09 19:00", method="电话")  # a call
    assert signals.leads("daily_home_visits") == []


@pytest.mark.parametrize(("status", "method", "visit_day", "fires"), [
    ("死亡", "上门", "2026-10-12", True),
    ("死亡", "电话", "2026-10-12", True),  # nobody answers a call after death
    ("死亡", "上门", "2026-10-10", False),  # on the day itself
    ("迁出", "上门", "2026-10-12", True),
    ("迁出", "电话", "2026-10-12", False),  # a call to someone who moved away is no lead
    ("在册", "上门", "2026-10-12", False),
])
def test_successful_visits_after_death_or_exit(signals, status, method, visit_day, fires):
    change = None if status == "在册" else "2026-10-10"
    elder = signals.elder("失能", status=status, change_date=change)
    signals.visit(elder, "2026-09-20 09:00")
    signals.visit(elder, f"{visit_day} 09:00", method=method)
    leads = signals.leads("after_exit")
    assert [(rows, measure) for _, rows, measure in leads] == ([(1, 2.0 if visit_day == "2026-10-12" else 0.0)]
                                                               if fires else [])


def test_a_visit_after_death_where_nobody_answered_is_no_lead(signals):
    elder = signals.elder("失能", status="死亡", change_date="2026-10-10")
    signals.visit(elder, "2026-10-12 09:00", outcome="未遇")
    assert signals.leads("after_exit") == []


@pytest.mark.parametrize(("elders", "fires"), [(5, True), (4, False)])
def test_one_note_pasted_into_many_elders_visits(signals, elders, fires):
    for day in range(elders):
        signals.visit(signals.elder(), f"2026-10-{day + 3:02d} 09:00", findings=COPIED)
    assert [rows for _, rows, _ in signals.leads("identical_notes")] == ([elders] if fires else [])


def test_notes_compare_without_spaces_and_full_width_forms(signals):
    for day, note in enumerate([COPIED, COPIED + " ", " " + COPIED, COPIED.replace("，", "， "), COPIED]):
        signals.visit(signals.elder(), f"2026-10-{day + 3:02d} 09:00", findings=note)
    assert [rows for _, rows, _ in signals.leads("identical_notes")] == [5]


def test_short_notes_and_templates_everybody_writes_are_no_copies(signals):
    for day in range(6):
        signals.visit(signals.elder(), f"2026-10-{day + 3:02d} 09:00", findings="老人一切正常")  # short
    # a template: the same long note by five visitors
    for visitor in ("王芳", "李强", "赵敏", "孙丽", "周杰"):
        for day in range(5):
            signals.visit(signals.elder(), f"2026-10-{day + 3:02d} 10:00", visitor=visitor, findings=COPIED)
    assert signals.leads("identical_notes") == []


@pytest.mark.parametrize(("writers", "copies"), [
    (["王芳", "李强", "赵敏", "孙丽"], 0),  # four visitors: a template
    (["王芳", "李强", "赵敏"], 3),  # three: each one's copies
    (["王芳", "李强", "赵敏", "王芳@小白楼"], 0),  # one name in two streets is two visitors: a template
    (["王芳", "李强", "赵敏", "孙丽@nowhere"], 3),  # a fourth whose visits cannot be placed counts for nothing
], ids=["four", "three", "a-name-in-two-streets", "one-unplaced"])
def test_a_template_is_told_from_copies_by_who_writes_it_where(signals, writers, copies):
    """Visits whose files name their community, as exports do: a note is a template when more visitors
    (by name within a street) write it than common_note_visitors (3), counting only visits placed in a known
    community, each where its elder lives."""
    for writer in writers:
        visitor, _, where = writer.partition("@")
        for day in range(5):
            if where == "nowhere":  # someone on no roster, in a community missing from the divisions
                elder, community = make_id("19561111", day + 1), "120101009999"
            else:
                community = TAIANDAO if where else HUAYUANLU
                elder = signals.elder(community=community)
            signals.visit(elder, f"2026-10-{day + 3:02d} 10:00", visitor=visitor, findings=COPIED,
                          community=community)
    assert [rows for _, rows, _ in signals.leads("identical_notes")] == [5] * copies


def test_copies_are_counted_per_month(signals):
    for day in range(3):
        signals.visit(signals.elder(), f"2026-09-{day + 3:02d} 09:00", findings=COPIED)
        signals.visit(signals.elder(), f"2026-10-{day + 3:02d} 09:00", findings=COPIED)
    assert signals.leads("identical_notes") == []


HOME = (39.1200, 117.2000)


@pytest.mark.parametrize(("offset", "fires"), [(0.02, True), (0.005, False)])  # about 2.2 km, 0.55 km north
def test_a_home_visit_far_from_where_the_elder_is_usually_visited(signals, offset, fires):
    elder = signals.elder()
    for month in (7, 8, 9):
        signals.visit(elder, f"2026-{month:02d}-05 09:00", point=HOME)
    signals.visit(elder, "2026-10-05 09:00", point=(HOME[0] + offset, HOME[1]))
    leads = signals.leads("gps_far")
    assert [(rows, measure) for _, rows, measure in leads] == ([(1, 2.2)] if fires else [])


def test_too_few_points_say_nothing_of_distance(signals):
    elder = signals.elder()
    signals.visit(elder, "2026-09-05 09:00", point=HOME)
    signals.visit(elder, "2026-10-05 09:00", point=(HOME[0] + 0.1, HOME[1]))
    assert signals.leads("gps_far") == []


@pytest.mark.parametrize(("phone_months", "fires"), [((7, 8, 9), True), ((8, 9), False)])
def test_months_of_calls_only_for_an_elder_due_home_visits(signals, phone_months, fires):
    elder = signals.elder("空巢")
    for month in (6, 7, 8, 9):
        if month in phone_months:
            signals.visit(elder, f"2026-{month:02d}-05 09:00", method="电话")
        else:
            signals.visit(elder, f"2026-{month:02d}-05 09:00")
    signals.visit(signals.elder(), "2026-09-30 09:00")  # the records run to the end of September
    leads = signals.leads("phone_only")
    assert [(rows, measure) for _, rows, measure in leads] == ([(1, 3.0)] if fires else [])


def test_a_month_in_progress_is_no_month_of_calls_only_yet(signals):
    # probe P: on the month's first day, a call and no home visit yet made it the run's third month
    elder = signals.elder("空巢")
    for month in (8, 9):
        signals.visit(elder, f"2026-{month:02d}-05 09:00", method="电话")
    signals.visit(elder, "2026-10-01 09:00", method="电话")  # the records run to 1 October
    assert signals.leads("phone_only") == []
    signals.visit(signals.elder(), "2026-10-31 09:00")  # … to the month's end: three months of calls only
    assert [(rows, measure) for _, rows, measure in signals.leads("phone_only")] == [(1, 3.0)]


def test_a_month_with_a_home_visit_breaks_the_run(signals):
    elder = signals.elder("空巢")
    for month, method in ((6, "电话"), (7, "电话"), (8, "上门"), (9, "电话")):
        signals.visit(elder, f"2026-{month:02d}-05 09:00", method=method)
    assert signals.leads("phone_only") == []


@pytest.mark.parametrize(("entered", "fires"), [("2026-10-10 08:00", True), ("2026-10-09 23:59", False)])
def test_a_visit_entered_more_than_the_lag_after_its_date(signals, entered, fires):
    signals.visit(signals.elder(), "2026-10-02 15:00", entered=entered)  # the limit: 7 days, 9 October
    assert signals.leads("late_entry") == ([(signals.leads("late_entry")[0][0], 1, 8.0)] if fires else [])


def test_visits_one_visitor_entered_late_on_one_day_are_one_lead(signals):
    for day in ("01", "02", "03"):
        signals.visit(signals.elder(), f"2026-10-{day} 10:00", entered="2026-10-20 17:00")
    signals.visit(signals.elder(), "2026-10-01 10:00", visitor="李强", entered="2026-10-20 17:00")
    signals.visit(signals.elder(), "2026-10-04 10:00", entered="2026-10-05 09:00")  # in time
    signals.visit(signals.elder(), "2026-10-04 11:00")  # no entry time: nothing to say
    assert sorted((rows, measure) for _, rows, measure in signals.leads("late_entry")) == [(1, 19.0), (3, 19.0)]


def test_the_entry_lag_is_a_setting():
    con = duckdb.connect(config=engine_config())
    signals = Signals(con, config_with(late_entry_days=2))
    signals.visit(signals.elder(), "2026-10-02 15:00", entered="2026-10-05 08:00")
    assert [measure for _, _, measure in signals.leads("late_entry")] == [3.0]


def test_evidence_is_placed_and_masked(signals):
    elder = signals.elder("失能", community=BINXI, status="死亡", change_date="2026-10-01", name="张三丰")
    signals.visit(elder, "2026-10-05 09:00", visitor="王芳芳")
    build_marts(signals.con)
    row = signals.con.execute("""select community_code, street_code, elder_name_masked, visitor_name_masked,
        month_start::varchar from visit_signals""").fetchall()
    assert row == [(BINXI, "120101001000", "张**", "王**", "2026-10-01")]
