"""The monthly 通报 (bulletin): headline rates against 100 %, a summary written from the figures, the
ranking of the places below with traffic lights, the lagging communities, a map and the trend, as Word.

Every number comes from the month marts the 汇总表 reads (reports.summarize, reports/bulletin_*.sql).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import shutil
import threading
from dataclasses import dataclass

import duckdb
import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from dashboard import figures
from etl import build, metrics, reports
from etl.months import chinese_date, chinese_month, chinese_month_day, in_progress, month_before, same_day_last_month
from etl.settings import (
    AMBER_FROM,
    CONTACTS_UNREPORTED,
    GREEN_FROM,
    contacts_unreported,
    percent,
    percent_tenths,
    points,
)
from etl.sqlfiles import sql
from etl.workbooks import display_width

# (rate, its name in the text, numerator, denominator)
HEADLINE = (
    ("visit_rate_home", "月探访率(上门)", "visited_home", "eligible_home"),
    ("visit_rate_any", "月探访率(任意方式)", "visited_any", "eligible_any"),
    ("daily_contact_rate", "独居老年人日联系率", "contact_days_covered", "contact_days_eligible"),
    ("help_rate", "失能老年人社区帮扶率", "disabled_with_contact", "disabled_count"),
)
# traffic lights of 月探访率 (上门): (lowest rate, colour, name)
LIGHTS = ((GREEN_FROM, "C6EFCE", "绿"), (AMBER_FROM, "FFEB9C", "黄"), (0.0, "FFC7CE", "红"))
NO_RATE_FILL = "EEEEEE"  # grey: a place with nobody to visit has no rate (its name on the map says —)
LIGHTS_NOTE = (f"月探访率(上门): 绿色 {GREEN_FROM:.0%} (达标), 黄色 {AMBER_FROM:.0%} 至 {GREEN_FROM:.0%}, "
               f"红色低于 {AMBER_FROM:.0%}。")
# a month in progress: the lights against the place's own same day of the month before (pace_light), not the whole
# month's target, which every place misses on the 6th (probe 30 M4: every street, community and the map red). Amber
# behind it by less than PACE_AMBER_POINTS percentage points, red by that or more.
PACE_AMBER_POINTS = 5
PACE_LIGHTS = (("C6EFCE", "绿", "不低于上月同期"), ("FFEB9C", "黄", f"低于上月同期不到 {PACE_AMBER_POINTS} 个百分点"),
               ("FFC7CE", "红", f"低于上月同期 {PACE_AMBER_POINTS} 个百分点及以上"))
LAGGING_ROWS = 10
# the title's line in GB/T 9704's 156 mm text block at 22 pt (二号), in column units (workbooks.display_width: a CJK
# character two), a little short of the 40 it holds
TITLE_WIDTH = 38
CHROMIUM_PACKAGE = "chromium"
CJK_FONT_PACKAGE = "fonts-noto-cjk"


class BulletinError(Exception):
    """A 通报 that cannot be made; the message says why, in one line."""


@dataclass(frozen=True)
class Bulletin:
    summary: reports.MonthlySummary  # the places below, 合计 last: the 汇总表's own rows
    months: pd.DataFrame  # the place, month by month up to this one (reports/bulletin_months.sql)
    lagging: pd.DataFrame  # communities short of the target, as the 督查 screen ranks them (reports/lagging_places.sql)
    shapes: pd.DataFrame  # code, geometry (GeoJSON), is_schematic, centroid of the places below
    # the place's month before, as bulletin_months gives it, counted to the same day when this month is in
    # progress (DESIGN §5: compared like for like); None before the records begin
    last_month: pd.Series | None
    place_level: str = "district"  # of the place it is about: a district or a street
    # where places below have sent no visit record of the month yet (visits_unsent): the others' counts this month
    # and the month before (counted to the same day, as last_month), for the figures without them; else None
    others: tuple[pd.Series, pd.Series | None] | None = None
    # for a month in progress, the places below and the lagging communities the month before counted to the same
    # day (code, visited_home, eligible_home, visit_rate_home): what their lights are judged against; else None
    places_before: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def title_lines(self) -> list[str]:
        """The title as the document sets it, broken between words as a 公文's title is (it had wrapped inside 情况,
        wherever the page's width ended): the place's line, then what it is about; three lines for a long place."""
        year, month = self.summary.month.split("-")
        first, about = f"关于{year}年{int(month)}月{self.summary.place_name}", "探访关爱工作情况的通报"
        if display_width(first + "特殊困难老年人") <= TITLE_WIDTH:
            return [first + "特殊困难老年人", about]
        return [first, "特殊困难老年人" + about]

    @property
    def this_month(self) -> pd.Series:
        return self.months.iloc[-1]

    @property
    def same_day(self) -> dt.date | None:
        """The day this month is counted to, when it is in progress: the month before is counted to the same."""
        month_start = pd.Timestamp(self.this_month["month_start"]).date()
        return self.summary.as_of if in_progress(month_start, self.summary.as_of) else None

    @property
    def paced(self) -> bool:
        """Whether the lights are judged against the same day of the month before (pace_light): a month in progress
        whose month before is on record."""
        return self.same_day is not None and self.places_before is not None

    def rate_before(self, code: str) -> float | None:
        """A place's 月探访率 (上门) of the month before counted to the same day (places_before), None without one."""
        if self.places_before is None:
            return None
        found = self.places_before.loc[self.places_before["code"] == code, "visit_rate_home"]
        return None if found.empty or pd.isna(found.iloc[0]) else float(found.iloc[0])

    def light_of(self, code: str, rate) -> tuple[str, str] | None:
        """(fill colour, name) of a place's traffic light: against the target for a whole month, against its own same
        day of the month before for a month in progress (paced); None without a rate or that comparison."""
        return pace_light(rate, self.rate_before(code)) if self.paced else light(rate)

    @property
    def ranked(self) -> pd.DataFrame:
        """The places below by 月探访率 (上门), highest first, as a 通报 ranks them (第1名 the best), with their
        名次 (rank: places at the same rate share it, 1, 2, 2, 4); places without a rate, or without a visit record of
        the month (visits_unsent), last, unranked."""
        rows = self.summary.rows[self.summary.rows["level"] != "total"]
        # (a street with no visit record of the month yet is unranked too: its rate is of records not sent, probe 30
        # H1: ranked last, red, 0.0 %)
        unsent = rows["visits_unsent"].astype(bool)
        rows = rows.assign(rank=rows["visit_rate_home"].where(~unsent).rank(method="min", ascending=False))
        return rows.assign(_missing=rows["visit_rate_home"].isna() | unsent).sort_values(
            ["_missing", "visit_rate_home", "code"], ascending=[True, False, True]).drop(columns="_missing")

    @property
    def level_name(self) -> str:
        return self.summary.level_name


def make_bulletin(con: duckdb.DuckDBPyConnection, month: str | None, place: str | None = None,
                  as_of: dt.date | None = None) -> Bulletin:
    """The 通报 of `place` (default: the warehouse's only district) for `month` as of `as_of` (default: the month's
    end, or the data date), from the stored marts or the month's marts recomputed at that date."""
    try:
        code, name, level = reports._place(con, place)
    except reports.ReportError as error:
        raise BulletinError(str(error)) from error
    try:
        month_start = metrics.month_marts(con, month, as_of, None)
    except metrics.MetricsError as error:
        raise BulletinError(str(error)) from error
    return compose(con, month_start, code, name, level)


def compose(con: duckdb.DuckDBPyConnection, month_start: dt.date, code: str, name: str, level: str,
            last_month: pd.DataFrame | None = None) -> Bulletin:
    """The 通报 of the place `code` (a district or street) from the month marts as they stand on `con`.
    `last_month`: the month before as the caller has it already (the dashboard's, one row or none), else read
    here (_last_month)."""
    if code == "all":
        raise BulletinError("库中有多个区: 请给出一个区或街道")
    try:
        summary = reports.summarize(con, month_start, code, name, level)
    except reports.ReportError as error:
        raise BulletinError(str(error)) from error
    months = con.execute(sql("reports/bulletin_months"), {"code": code, "month_start": month_start}).df()
    if code not in metrics.listed_places(con):  # its rows all say 未报送底册 (review 19 M2: "no one to visit")
        raise BulletinError(f"{name} 未报送底册, 无法通报 {month_start:%Y-%m} 的探访情况")
    if months.empty or not months["eligible_home"].iloc[-1]:
        raise BulletinError(f"{name} 在 {month_start:%Y-%m} 没有应探访的特殊困难老年人, 无法通报")
    places = con.execute(sql("reports/lagging_places"),
                         {"place": code, "scope": "all", "month_start": month_start, "level": "community",
                          "amber_from": AMBER_FROM, "green_from": GREEN_FROM}).df()
    # (not the communities of a street that has sent no visit record of the month yet: its 0.0 % is of records not
    # sent, probe 30 H1: 9 of the 10 listed)
    unsent = set(metrics.visits_unsent(con, month_start))
    short = places[(places["light"] != "green") & ~places["street_code"].isin(unsent)]
    lagging = short.head(LAGGING_ROWS).reset_index(drop=True)
    children = [c for c in summary.rows["code"] if c != code]
    shapes = con.execute("select code, geometry, is_schematic, centroid_lon, centroid_lat from division_shapes "
                         "where code in $codes", {"codes": children}).df()
    if last_month is None:
        last_month = _last_month(con, code, month_start, summary.as_of, months)
    places_before = None
    if in_progress(month_start, summary.as_of) and not last_month.empty:
        places_before = _last_month(con, sorted({*children, *lagging["code"]}), month_start, summary.as_of, months,
                                    PLACES_BEFORE)
    return Bulletin(summary, months, lagging, shapes, None if last_month.empty else last_month.iloc[0], level,
                    _others(con, summary, month_start, months), places_before)


# the month's figures of places (a list of codes), read for the month before counted to the same day
PLACES_BEFORE = """
    select code, visited_home, eligible_home, visit_rate_home
    from place_months
    where month_start = ? and list_contains(?, code)"""


# the counts of places (a list of codes), of a month, that the figures without the places that sent no visit record
# of the month are computed from
OTHERS_COUNTS = """
    select sum(visited_home) as visited_home, sum(eligible_home) as eligible_home,
           sum(contact_days_covered) as contact_days_covered, sum(contact_days_eligible) as contact_days_eligible
    from place_months
    where month_start = ? and list_contains(?, code)"""


def _others(con: duckdb.DuckDBPyConnection, summary: reports.MonthlySummary, month_start: dt.date,
            months: pd.DataFrame) -> tuple[pd.Series, pd.Series | None] | None:
    """Of a 通报 some of whose places below have sent no visit record of the month yet (but others have), the others'
    summed counts (OTHERS_COUNTS) this month and the month before, counted as last_month is: with their 0 % in it,
    the place's rate had fallen 18.5 points against the month before without a word of why (probe 30 H2)."""
    rows = summary.rows[(summary.rows["level"] != "total") & ~summary.rows["unreported"]]
    unsent = rows["visits_unsent"].astype(bool)
    if not unsent.any() or unsent.all():
        return None
    codes = list(rows.loc[~unsent, "code"])
    now = con.execute(OTHERS_COUNTS, [month_start, codes]).df().iloc[0]
    before = _last_month(con, codes, month_start, summary.as_of, months, OTHERS_COUNTS)
    return now, None if before.empty or pd.isna(before["eligible_home"].iloc[0]) else before.iloc[0]


def _last_month(con: duckdb.DuckDBPyConnection, code: str | list[str], month_start: dt.date, as_of: dt.date,
                months: pd.DataFrame, query: str | None = None) -> pd.DataFrame:
    """The place's month before `month_start` (one row, or none before the records begin): for a month in
    progress, counted to the same day (build.same_day_marts), unless it is stored to no later day. `query`: what to
    read of it instead of the place's row of reports/bulletin_months (its parameters: the month, `code`)."""
    before = month_before(month_start)
    stored = months[pd.to_datetime(months["month_start"]).dt.date == before].reset_index(drop=True)

    def read() -> pd.DataFrame:
        if query is not None:
            return con.execute(query, [before, code]).df()
        counted = con.execute(sql("reports/bulletin_months"), {"code": code, "month_start": before}).df()
        return counted[pd.to_datetime(counted["month_start"]).dt.date == before].reset_index(drop=True)

    same_day = same_day_last_month(as_of)
    # places whose street's visit records begin this month have no month before to compare with (records_unbegun)
    unbegun = {c for (c,) in con.execute(sql("reports/records_unbegun"),
                                         {"codes": [code] if isinstance(code, str) else code,
                                          "month_start": month_start}).fetchall()}
    if stored.empty or (isinstance(code, str) and code in unbegun):
        return stored.iloc[0:0]
    if not in_progress(month_start, as_of) or same_day >= pd.Timestamp(stored["as_of"].iloc[0]).date():
        found = stored if query is None else read()
    else:
        with build.same_day_marts(con, before, same_day):
            found = read()
    return found[~found["code"].isin(unbegun)].reset_index(drop=True) if "code" in found and unbegun else found


# --- the words ---------------------------------------------------------------------------------


def change_said(earlier: float, rate: float, same_day: dt.date | None = None) -> str:
    """A month-on-month change in percentage points (the two rates as printed differ: settings.points), in words;
    against the same day of the month before when this month is in progress (`same_day`: the day it is counted
    to)."""
    before, change = "上月同期" if same_day else "上月", points(earlier, rate)
    if change == 0:
        return f"与{before}持平"
    return f"较{before}{'上升' if change > 0 else '下降'} {abs(change)} 个百分点"


def summary_sentences(bulletin: Bulletin) -> list[str]:
    """The summary, sentence by sentence, every number read from the bulletin's frames."""
    now, before, same_day = bulletin.this_month, bulletin.last_month, bulletin.same_day
    where = "全区" if bulletin.summary.child_level == "street" else "全街道" if \
        bulletin.summary.child_level == "community" else "全部辖区"
    ranked = bulletin.ranked.dropna(subset=["visit_rate_home"])
    # a street with no record of the month yet is not named the lowest for it (reports.summarize: visits_unsent), but
    # red it is, as the ranking shows it
    compared = ranked[~ranked["visits_unsent"].astype(bool)]
    sentences = []
    if same_day:
        sentences.append(f"本月数据截至 {same_day.month} 月 {same_day.day} 日，未满整月，"
                         f"与上月的比较均为上月同期 (截至 {same_day_last_month(same_day).day} 日)。")
    rows = bulletin.summary.rows
    unreported = [_name(bulletin, row) for _, row in rows[rows["unreported"]].iterrows()]
    if unreported:  # the figures below are of the others only: said first, and in each sentence that a reader may
        # lift out on its own (probe 30 M3: 全区 of three streets of six)
        names = "、".join(name.removesuffix(f" ({reports.UNREPORTED})") for name in unreported)
        sentences.append(f"{names}{reports.UNREPORTED}，以下各项只计其余{bulletin.level_name}。")
        reported = int(((rows["level"] != "total") & ~rows["unreported"]).sum())
        where += f"已报送底册的 {reported} 个{bulletin.level_name}"
    if said := _visits_unsent_said(bulletin):
        sentences.append(said)
    first = f"本月{where}特殊困难老年人月探访率(上门)为 {percent(now['visit_rate_home'])}"
    if before is not None and not pd.isna(before["visit_rate_home"]):
        first += f"，{change_said(before['visit_rate_home'], now['visit_rate_home'], same_day)}"
    lowest, highest = compared["visit_rate_home"].min(), compared["visit_rate_home"].max()
    if len(compared) > 1 and lowest != highest:
        first += (f"；{_extreme(bulletin, compared, lowest)}最低，为 {percent(lowest)}，"
                  f"{_extreme(bulletin, compared, highest)}最高，为 {percent(highest)}")
    sentences.append(first + "。")
    if bulletin.others is not None:
        sentences.append(_others_said(bulletin))
    gap = int(now["eligible_home"] - now["visited_home"])
    sentences.append(
        f"应上门探访 {int(now['eligible_home']):,} 人，已上门探访 {int(now['visited_home']):,} 人，"
        + (f"距 100% 目标还需上门探访 {gap:,} 人。" if gap else "已全部上门探访。"))
    # the overview's 逾期未访, which a leader holding the print looked for in vain (review 19 L1)
    sentences.append(f"{'截至 ' + str(same_day.day) + ' 日' if same_day else '截至月末'}，按各自风险等级的探访间隔，"
                     f"逾期未上门探访的特殊困难老年人 {int(now['overdue_count']):,} 人 (看板「逾期」页列出名单)。")
    others = [said for rate, label, _, _ in HEADLINE[1:] if (said := _rate_said(now, rate, label, where))]
    if others:
        sentences.append("；".join(others) + "。")
    if said := _lights_said(bulletin, compared):
        sentences.append(said)
    still = f"截至 {same_day.day} 日" if same_day else "月末"
    # the closed are this month's closings, of problems found in any month (review 7b: 发现 1 件, 办结 4 件 read
    # as more closed than found); the open are counted by elder, not by problem
    problem = (f"本月探访发现问题 {int(now['problem_found_count']):,} 件，"
               f"转介 {int(now['problem_referred_count']):,} 件；"
               f"本月办结 {int(now['problem_closed_count']):,} 件 (含以前各月发现的)；"
               f"{still}仍有 {int(now['open_problem_count']):,} 位老人的问题未解决")
    if now["open_problem_count"]:
        problem += f"，其中超过 30 天的 {int(now['open_problem_long_count']):,} 位"
    if not pd.isna(now["median_days_to_close"]):
        problem += f"；办结用时中位数 {now['median_days_to_close']:g} 天"
    sentences.append(problem + "。")
    return sentences


def _lights_said(bulletin: Bulletin, compared: pd.DataFrame) -> str | None:
    """How many places below are red: under the target for a whole month; for a month in progress, how many are
    behind their own same day of the month before and how many of them by PACE_AMBER_POINTS or more (red), the
    lights' meaning then (probe 30 M4: every place red on the 6th against the whole month's target)."""
    level = bulletin.level_name
    if not bulletin.paced:
        below = int((compared["visit_rate_home"] < LIGHTS[1][0]).sum())
        return f"{below} 个{level}月探访率(上门)低于 {LIGHTS[1][0]:.0%}，列为红色。" if below else None
    lights = [bulletin.light_of(code, rate) for code, rate in zip(compared["code"], compared["visit_rate_home"],
                                                                   strict=True)]
    if not any(lights):  # no place below was on record the month before
        return None
    behind, red = sum(lit is not None and lit[1] != "绿" for lit in lights), sum(lit is not None and lit[1] == "红"
                                                                                for lit in lights)
    if not behind:
        which = f"各{level}" if all(lights) else f"有上月同期数据的 {sum(map(bool, lights))} 个{level}"
        return f"与上月同期相比，{which}月探访率(上门)均不低于上月同期。"
    return (f"与上月同期相比，{behind} 个{level}月探访率(上门)低于上月同期"
            + (f"，其中 {red} 个低 {PACE_AMBER_POINTS} 个百分点及以上，列为红色" if red else "") + "。")


def _others_said(bulletin: Bulletin) -> str:
    """The figures without the places below that have sent no visit record of the month yet, against the same places
    the month before: the like-for-like comparison (DESIGN §5) that the place's own, their 0 % in it, is not."""
    now, before = bulletin.others
    counted = bulletin.ranked[~bulletin.ranked["visits_unsent"].astype(bool) & ~bulletin.ranked["unreported"]]
    said = (f"不计尚未报送本月探访记录的{bulletin.level_name}，其余 {len(counted)} 个{bulletin.level_name}"
            f"月探访率(上门)为 {percent(_rate_of(now, 'visited_home', 'eligible_home'))}")
    if before is not None and before["eligible_home"]:
        said += "，" + change_said(_rate_of(before, "visited_home", "eligible_home"),
                                   _rate_of(now, "visited_home", "eligible_home"), bulletin.same_day)
    if now["contact_days_eligible"]:
        said += f"；独居老年人日联系率为 {percent(_rate_of(now, 'contact_days_covered', 'contact_days_eligible'))}"
    return said + "。"


def _rate_of(counts: pd.Series, numerator: str, denominator: str) -> float | None:
    """A rate from summed counts (None where nobody is counted: DESIGN §4)."""
    return counts[numerator] / counts[denominator] if counts[denominator] else None


def same_day_said(bulletin: Bulletin) -> str:
    """Under the trend of a month in progress, what its low point means: read against the same day of the month before,
    not as a fall from a whole month; said as that comparison goes (probe 30 H3: 不表示工作下滑 under a month 14.4
    points behind its same day)."""
    now, before = bulletin.this_month, bulletin.last_month
    if before is None or pd.isna(before["visit_rate_home"]) or pd.isna(now["visit_rate_home"]):
        return "不能与整月相比。"
    changed = change_said(before["visit_rate_home"], now["visit_rate_home"], bulletin.same_day)
    return f"不能与整月相比; 月探访率(上门){changed}。"


def _visits_unsent_said(bulletin: Bulletin) -> str | None:
    """Which streets have sent no visit record of the month yet, and the day of their latest: their 月探访率 is what
    their records say, not yet what they did (a street's 通报 whose street has sent none says so of itself)."""
    rows = bulletin.summary.rows
    unsent = rows[rows["visits_unsent"].astype(bool)]
    if unsent.empty:
        return None
    if bulletin.summary.child_level == "community":  # the street itself: every community of it
        latest = unsent["latest_visit_date"].iloc[0]
        return (f"本街道的探访记录中还没有本月的记录 ({_latest_said(latest)})，"
                "以下月探访率按已报送的记录计。")
    streets = "、".join(f"{name} ({_latest_said(latest)})"
                       for name, latest in zip(unsent["name"], unsent["latest_visit_date"], strict=True))
    return f"本月尚未报送探访记录的街道：{streets}；其月探访率按已报送的记录计，不列为最低。"


def _latest_said(latest) -> str:
    return "尚无探访记录" if latest is None or pd.isna(latest) else f"最近一条为 {chinese_month_day(latest)}"


def _extreme(bulletin: Bulletin, ranked: pd.DataFrame, rate: float) -> str:
    """The place at a rate, or the first of those sharing it and how many share it (长春道等 3 个社区)."""
    at = ranked[ranked["visit_rate_home"] == rate]
    if len(at) == 1:
        return _name(bulletin, at.iloc[0])
    return f"{_name(bulletin, at.iloc[0])}等 {len(at)} 个{bulletin.level_name}"


def _rate_said(now: pd.Series, rate: str, label: str, where: str) -> str | None:
    """A rate of the summary's sentences (失能老年人社区帮扶率为 33.3%), none without people to count; of a place whose
    streets sent no contact list none either, but that it cannot be given (0.0 % would say no disabled elder has a
    contact person), and of one where some did not, how many elders that leaves without one."""
    if rate == "help_rate" and contacts_unreported(now):
        return f"{label}无法计算 ({where}{CONTACTS_UNREPORTED})"
    if pd.isna(now[rate]):
        return None
    unlisted = int(now["disabled_unreported_count"]) if rate == "help_rate" else 0
    return f"{label}为 {percent(now[rate])}" + (
        f" (其中 {unlisted:,} 名失能老年人所在社区{CONTACTS_UNREPORTED}，计为未明确联系人)" if unlisted else "")


def _rate_cell(value: float | str | None) -> str:
    """A rate of the 汇总表's rows as a cell: a percentage, or what the 汇总表 says instead (未报送)."""
    return value if isinstance(value, str) else percent(value)


def _name(bulletin: Bulletin, row: pd.Series) -> str:
    return bulletin.summary.row_name(dict(row))


def light(rate) -> tuple[str, str] | None:
    """(fill colour, name) of a rate's traffic light; None without a rate."""
    if rate is None or pd.isna(rate):
        return None
    return next((colour, name) for floor, colour, name in LIGHTS if rate >= floor)


def pace_light(rate, before) -> tuple[str, str] | None:
    """(fill colour, name) of a month in progress's traffic light (PACE_LIGHTS): against the place's rate the month
    before counted to the same day, as the two print (settings.points: 28.9% against 33.3% is 4.4 points behind);
    at the target it is green whatever the month before. None without a rate or without the month before's."""
    if rate is None or pd.isna(rate) or before is None or pd.isna(before):
        return None
    change = points(before, rate)
    if rate >= GREEN_FROM or change >= 0:
        return PACE_LIGHTS[0][:2]
    return PACE_LIGHTS[1 if change > -PACE_AMBER_POINTS else 2][:2]


def pace_note(bulletin: Bulletin) -> str:
    """What a month in progress's colours mean, as the ranking's caption, the map and the notes say it."""
    assert bulletin.same_day is not None
    day = same_day_last_month(bulletin.same_day).day
    return (f"本月未满整月, 月探访率(上门)的颜色按与上月同期 (截至 {day} 日) 的比较: "
            + ", ".join(f"{name}色{said}" for _, name, said in PACE_LIGHTS) + f" (已达 {GREEN_FROM:.0%} 的为绿色), "
            "灰色为没有上月同期的数据。")


# --- the charts --------------------------------------------------------------------------------


def check_chromium() -> None:
    """Charts are drawn by the system Chromium; without it (or the Chinese fonts) say which package to install."""
    if not (os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome")):
        raise BulletinError(f"未找到 Chromium 浏览器, 无法绘制通报中的图表: 请安装 Debian 软件包 {CHROMIUM_PACKAGE} "
                            f"(apt-get install {CHROMIUM_PACKAGE} {CJK_FONT_PACKAGE})")


# A chart the browser failed to draw is drawn again in a new one: on a busy machine kaleido's page has failed once
# (JavascriptError) where the same charts drew the next time, and (a CI run of 2026-12-04, three test workers and
# their browsers) twice in a row
CHART_ATTEMPTS = 3
# How long the charts may take to draw, and the browser to close once they are drawn: a run of the suite of
# 2026-12-04 waited forever for kaleido's browser to close (its sync server's thread joined, the charts long drawn)
DRAW_SECONDS, CLOSE_SECONDS = 120, 10


def chart_images(bulletin: Bulletin) -> dict[str, bytes]:
    """The map and the trend as PNG (2×), drawn offline by the system Chromium through kaleido."""
    check_chromium()
    figures = {"map": map_figure(bulletin), "trend": trend_figure(bulletin)}
    for attempt in range(CHART_ATTEMPTS):
        try:
            return drawn(figures)
        except Exception as error:  # kaleido reports a missing or broken browser in many ways
            if attempt + 1 == CHART_ATTEMPTS:
                raise BulletinError(f"图表绘制失败 ({type(error).__name__}): 请确认已安装 Debian 软件包 "
                                    f"{CHROMIUM_PACKAGE} 和 {CJK_FONT_PACKAGE}") from error


def drawn(figures: dict[str, dict]) -> dict[str, bytes]:
    """Each figure as PNG, drawn in one browser of kaleido's (starting Chromium costs seconds, a chart in a running
    one a fraction), on a thread of its own: the charts are returned once drawn, the browser given CLOSE_SECONDS to
    close (one that does not is left to close, or to end with the process, rather than the report waiting on it).
    No MathJax: kaleido's page would load it from a CDN (the charts have no formulas, a bureau's server often no
    internet)."""
    import kaleido

    images: dict[str, bytes] = {}
    done, failures = threading.Event(), []

    async def draw():
        async with kaleido.Kaleido(mathjax=False) as browser:
            for name, figure in figures.items():
                images[name] = await browser.calc_fig(figure, opts={
                    "format": "png", "scale": 2, "width": figure["layout"]["width"],
                    "height": figure["layout"]["height"]})
            done.set()

    def run():
        try:
            asyncio.run(draw())
        except BaseException as error:  # noqa: BLE001 (said by the caller's thread)
            failures.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=run, name="bulletin-charts", daemon=True)
    thread.start()
    if not done.wait(DRAW_SECONDS):
        raise TimeoutError(f"charts not drawn in {DRAW_SECONDS} s")
    thread.join(CLOSE_SECONDS)
    if len(images) == len(figures):
        return images
    raise failures[0] if failures else RuntimeError("charts not drawn")


# the charts' face: they are pictures, drawn here by Chromium with the fonts this machine has (fonts-noto-cjk), not
# the document's faces, which a bureau's Word sets
FONT = "Noto Sans CJK SC, sans-serif"


def caption(bulletin: Bulletin, title: str) -> str:
    """A chart's title line, its month and data date written as the document's text writes them (2026年11月,
    2026年11月30日), not 2026-11 and 2026-11-30 (review 19 L5)."""
    return (f"{title} · {bulletin.summary.place_name} · {chinese_month(bulletin.summary.month)} · "
            f"数据截至 {chinese_date(bulletin.summary.as_of)}")


def map_figure(bulletin: Bulletin) -> dict:
    """The dashboard's map of the places below (names and rates on the map, nothing fetched), coloured by
    their traffic light, with the caption line as its title and the lights' legend above the outlines (at their
    top right it had covered a community's: probe 30 L6)."""
    rows = bulletin.summary.rows[bulletin.summary.rows["level"] != "total"]
    # (a street without a visit record of the month yet: grey, its rate —, as the ranking shows it)
    rows = rows.assign(visit_rate_home=rows["visit_rate_home"].where(~rows["visits_unsent"].astype(bool)))
    fills = {code: "#" + (bulletin.light_of(code, rate) or (NO_RATE_FILL, ""))[0]
             for code, rate in zip(rows["code"], rows["visit_rate_home"], strict=True)}
    title = caption(bulletin, "各" + bulletin.level_name + "月探访率(上门)")
    # grey outlines: a grey printout keeps them
    figure = figures.map_figure(rows, bulletin.shapes, "visit_rate_home", title, fills=fills, outline="#555555",
                                height=580)
    schematic = "示意图 · " if bulletin.shapes["is_schematic"].any() else ""
    if bulletin.paced:
        keys = [(colour, said) for colour, _, said in PACE_LIGHTS] + [(NO_RATE_FILL, "无上月同期数据或未报送")]
        note = (f"{schematic}本月未满整月, 颜色按各{bulletin.level_name}与上月同期的比较 "
                f"(已达 {GREEN_FROM:.0%} 的为绿色)")
    else:
        keys = [(colour, name) for _, colour, name in LIGHTS] + [(NO_RATE_FILL, "无应探访或未报送")]
        note = schematic + LIGHTS_NOTE
    legend = "   ".join(f"<span style='color:#{colour}'>■</span> {said}" for colour, said in keys)
    figure["layout"] |= {
        "width": 760, "font": {"family": FONT, "size": 13}, "margin": {"l": 10, "r": 10, "t": 78, "b": 40},
        "title": figure["layout"]["title"] | {"font": {"size": 14}, "y": 0.985, "yanchor": "top"},
        "annotations": [{"text": note, "xref": "paper", "yref": "paper", "x": 0, "y": -0.06,
                         "showarrow": False, "xanchor": "left", "font": {"size": 11, "color": "#555555"}},
                        # above the plotting area, which the outlines fill
                        {"text": legend, "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "yshift": 6,
                         "showarrow": False, "xanchor": "left", "yanchor": "bottom", "font": {"size": 12}}],
    }
    return figure


def month_labels(months: list[str]) -> list[str]:
    """The trend's months as a reader says them (9月, not 2026-09), the year written on the first and on each
    January when the months run over two years (probe 30 L7)."""
    years = len({month[:4] for month in months}) > 1
    return [f"{int(month[:4])}年{int(month[5:7])}月" if years and (position == 0 or month[5:7] == "01")
            else f"{int(month[5:7])}月" for position, month in enumerate(months)]


def trend_figure(bulletin: Bulletin) -> dict:
    """The four rates month by month against the 100 % line, from 0 (from 80 %, a fall of 2 points had looked like a
    cliff: probe 30 L7), the headline rate (月探访率 上门) labelled at each point; a month in progress named by the
    day it is counted to, reached by a dotted line, its point hollow (a December of 3 days beside whole months had
    read as a collapse from 96 % to 11 %)."""
    months = bulletin.months
    colours = ("#1f4e79", "#6a9fd4", "#d17b0f", "#2e8540")
    labels = month_labels(list(months["month"]))
    open_month = bool(bulletin.same_day) and len(labels) > 0
    if open_month:
        labels[-1] = f"{labels[-1]}(截至{bulletin.same_day.day}日)"
    data = []
    for (rate, label, _, _), colour in zip(HEADLINE, colours, strict=True):
        values = [None if pd.isna(r) else float(percent_tenths(r)) for r in months[rate]]
        whole = len(values) - 1 if open_month else len(values)
        data.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": labels[:whole],
                     "y": values[:whole], "line": {"color": colour, "width": 2}, "legendgroup": label})
        if open_month:  # the month in progress: dotted from the last whole month, hollow
            data.append({"type": "scatter", "mode": "lines+markers", "name": label, "x": labels[-2:],
                         "y": values[-2:], "line": {"color": colour, "width": 2, "dash": "dot"},
                         "marker": {"symbol": ["circle", "circle-open"][-len(values[-2:]):], "size": 9},
                         "showlegend": False, "legendgroup": label})
    # the headline rate's figure under each of its points, on white (four rates near 100 % written at each point had
    # covered one another: only the headline's, which the text gives; above, the 100 % line crossed them)
    headline, colour = HEADLINE[0][0], colours[0]
    figures_shown = [{"x": x, "y": float(percent_tenths(r)), "text": percent(r), "showarrow": False,
                      "yanchor": "top", "yshift": -7, "bgcolor": "rgba(255,255,255,0.85)", "borderpad": 1,
                      "font": {"size": 12, "color": colour}}
                     for x, r in zip(labels, months[headline], strict=True) if not pd.isna(r)]
    layout = {
        "width": 760, "height": 440, "font": {"family": FONT, "size": 13}, "paper_bgcolor": "white",
        "plot_bgcolor": "white", "margin": {"l": 60, "r": 75, "t": 80, "b": 40},
        "title": {"text": caption(bulletin, "近期趋势"), "x": 0.01, "y": 0.985, "yanchor": "top", "font": {"size": 14}},
        # a year of months slanted, each whole (upright they did not fit, and Plotly stood them on end, cut off)
        "xaxis": {"type": "category", "gridcolor": "#eef1f4", "tickangle": -45, "automargin": True},
        "yaxis": {"range": [0, 106], "tickvals": list(range(0, 101, 20)),
                  "ticktext": [f"{tick}%" for tick in range(0, 101, 20)], "gridcolor": "#eef1f4", "zeroline": True,
                  "zerolinecolor": "#999999"},
        # above: the months slant below
        "legend": {"orientation": "h", "x": 0, "y": 1.03, "yanchor": "bottom", "font": {"size": 12}},
        "shapes": [{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 100, "y1": 100,
                    "line": {"color": "#555555", "dash": "dash", "width": 1.5}}],
        # right of the plotting area: over it, the last month's label had covered it
        "annotations": [{"xref": "paper", "yref": "y", "x": 1, "y": 100, "xanchor": "left", "yanchor": "middle",
                         "xshift": 4, "showarrow": False, "text": "目标 100%",
                         "font": {"size": 11, "color": "#555555"}}, *figures_shown],
    }
    return {"data": data, "layout": layout}


# --- the document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonts:
    """The faces of a 通报, as GB/T 9704 (党政机关公文格式) sets a 公文: each role's Chinese face (w:eastAsia), and
    `latin` for its digits and Latin letters. The file's font table names, beside each Chinese face, the face a
    Windows Word or WPS ships under another name (FALLBACKS), which it takes where the first is not installed.
    (It had been the Linux face Noto Sans CJK SC throughout, which a bureau's Word lacks: probe 30 M6.)"""
    title: str = "方正小标宋简体"  # 二号
    heading: str = "黑体"  # first-level headings (一、), 三号
    subheading: str = "楷体_GB2312"  # second-level headings and the data date under the title, 三号
    body: str = "仿宋_GB2312"  # the text, 三号; the tables' and notes' smaller
    latin: str = "Times New Roman"

    @classmethod
    def configured(cls, config) -> Fonts:
        """The faces the configuration names ([bulletin_fonts], settings.Config.bulletin_fonts), the defaults else."""
        return cls(**dict(config.bulletin_fonts))


# a face a bureau's computer may lack -> the face Windows (since Vista without the *_GB2312 faces) and WPS ship
FALLBACKS = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "仿宋": "FangSong",
             "楷体": "KaiTi", "黑体": "SimHei", "宋体": "SimSun"}
PAGE_NUMBER_FONT = "宋体"  # GB/T 9704: 4号半角宋体, a dash either side
TITLE_PT, BODY_PT, NOTE_PT, TABLE_PT, PAGE_NUMBER_PT = 22, 16, 14, 10.5, 14  # 二号, 三号, 四号, 五号, 四号
WIDE_TABLE_PT = 9  # 小五: the ranking of a month in progress, ten columns, a district's 1,158/1,173 on one line
LINE_PT = 28  # the text's fixed line pitch: 22 lines of 28 characters to the page (GB/T 9704)
INDENT = Pt(2 * BODY_PT)  # paragraphs and headings start two characters in
# GB/T 9704's A4 page: a 156 × 225 mm text block, 37 mm from the top, 28 mm from the left
MARGINS = {"top_margin": Cm(3.7), "bottom_margin": Cm(3.5), "left_margin": Cm(2.8), "right_margin": Cm(2.6)}
# the 主送 line, by the level of the place the 通报 is about: it goes to the units below
ADDRESSEES = {"district": "各街道办事处：", "street": "各社区居委会："}
HEADER_FILL = "F2F2F2"  # a table's header row: light grey, which prints


def to_docx(bulletin: Bulletin, images: dict[str, bytes] | None = None, unit: str | None = None,
            issued: dt.date | None = None, issuer: str | None = None, fonts: Fonts | None = None) -> bytes:
    """The 通报 as .docx in a 公文's form (GB/T 9704): A4, the title, the data date, the 主送 line, the text under
    numbered headings (一、二、), its tables with coloured cells, the charts as pictures, the notes (说明), then the
    落款 of `issuer` (Config.bulletin_issuer) and the day; page numbers at the foot. `unit`: who the file's
    properties name as its author where no issuer is given."""
    fonts = fonts or Fonts()
    document = Document()
    _styles(document, fonts)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for margin, length in MARGINS.items():
        setattr(section, margin, length)
    _page_numbers(section, fonts)
    summary = bulletin.summary
    now, before = bulletin.this_month, bulletin.last_month
    issued = issued or dt.date.today()
    _properties(document, bulletin.title, issuer or unit or summary.place_name)

    heading = document.add_paragraph(style="Title")
    for number, line in enumerate(bulletin.title_lines):
        run = heading.add_run(line)
        if number < len(bulletin.title_lines) - 1:
            run.add_break()
    # the data date, where the line under the title had named the place (和平区) and the 落款 the bureau: probe 30 L1
    dated = document.add_paragraph()
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated.paragraph_format.space_after = Pt(LINE_PT)  # a blank line before the 主送 line
    _face(dated.add_run(f"（数据截至{chinese_date(summary.as_of)}）"), fonts.subheading, fonts.latin)
    if addressee := ADDRESSEES.get(bulletin.place_level):
        document.add_paragraph(addressee)  # flush left, as a 公文's 主送机关

    document.add_paragraph("一、总体情况", style="Heading 1")
    for sentence in summary_sentences(bulletin):
        _text(document, sentence)
    before_header = "上月同期" if bulletin.same_day else "上月"
    table = _table(document, fonts, ["指标", "本月", "人数", before_header, "目标", "差距"],
                   [4.1, 1.9, 3.2, 2.0, 1.6, 2.8])
    for rate, label, numerator, denominator in HEADLINE:
        # a street without its contact list has no 帮扶率, this month or the one before: no 0.0 % nor 0/8 printed
        # (review 19 H1: the month before's cell said 0.0 %)
        unlisted = rate == "help_rate" and contacts_unreported(now)
        unlisted_before = rate == "help_rate" and before is not None and contacts_unreported(before)
        gap = "" if pd.isna(now[rate]) or unlisted else f"{points(now[rate], 1.0)} 个百分点"
        _row(table, [label, reports.UNREPORTED_CELL if unlisted else percent(now[rate]),
                     "—" if unlisted else f"{int(now[numerator]):,}/{int(now[denominator]):,}",
                     "—" if before is None else reports.UNREPORTED_CELL if unlisted_before else percent(before[rate]),
                     "100%", gap])
    _caption(document, "人数: 已完成/应完成 (日联系率为人·天)。")

    document.add_paragraph(f"二、各{bulletin.level_name}排名", style="Heading 1")
    _ranking(document, bulletin, fonts)
    document.add_paragraph("三、进度滞后的社区", style="Heading 1")
    _lagging(document, bulletin, fonts)

    if images:
        document.add_paragraph("四、图表", style="Heading 1")
        for name in ("map", "trend"):
            if name in images:
                document.add_picture(io.BytesIO(images[name]), width=Cm(15))
                picture = document.paragraphs[-1]
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.paragraph_format.line_spacing = 1.0  # not the text's fixed pitch, which cuts a picture
                if name == "trend" and bulletin.same_day:  # as the dashboard's trend says it (review 11b M3)
                    _caption(document, f"末月只计到 {bulletin.same_day.day} 日, 未满整月 (空心点、虚线), "
                                       + same_day_said(bulletin))

    # the notes before the 落款, as a 公文's 附件说明 (after it, they had read as added to a signed text: probe 30 L1)
    notes = [*reports.RATE_NOTES, "未访人数 = 应上门探访而本月尚未上门探访的人数。"]
    if bulletin.paced:
        notes.append(f"本月只计到 {bulletin.same_day.day} 日, 月初各地的月探访率都远低于整月 {GREEN_FROM:.0%} 的目标, "
                     "按整月的目标标颜色各地都是红色, 看不出进度快慢; " + pace_note(bulletin))
    said = _text(document, "说明：", size=NOTE_PT)
    said.paragraph_format.space_before = Pt(LINE_PT)
    for number, note in enumerate(notes, 1):
        _text(document, f"{number}. {note}", size=NOTE_PT)

    if issuer:
        _signature(document, issuer, chinese_date(issued))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _ranking(document, bulletin: Bulletin, fonts: Fonts) -> None:
    """二、: the places below, best first, their 月探访率 (上门) in its light's colour; for a month in progress beside
    their own same day of the month before, which the colour is judged against."""
    summary, paced = bulletin.summary, bulletin.paced
    headers = ["名次", bulletin.level_name, "月探访率(上门)", *(["上月同期"] if paced else []), "已上门/应上门",
               "日联系率", "帮扶率", "发现问题", "办结", "未访人数"]
    # (each column holds its widest figure, 100.0% and a district's 1,158/1,173, on one line, in Times New Roman
    # and in a wider face put in its place)
    widths = ([0.9, 2.2, 1.7, 1.6, 2.4, 1.6, 1.6, 1.1, 0.9, 1.6] if paced
              else [1.0, 2.6, 1.9, 3.0, 1.7, 1.7, 1.1, 1.0, 1.6])
    table = _table(document, fonts, headers, widths, WIDE_TABLE_PT if paced else TABLE_PT)

    def before(code: str) -> list[str]:
        return [percent(bulletin.rate_before(code))] if paced else []

    for record in bulletin.ranked.to_dict("records"):
        name = _name(bulletin, pd.Series(record))
        if record["unreported"]:  # no roster sent: no count of it, as the 汇总表 (review 19 M1: 0/0 and 未访 0)
            _row(table, ["—", name, *["—"] * (len(headers) - 2)])
            continue
        if record["visits_unsent"]:  # no visit record of the month yet: no rate of visits, no light (probe 30 H1)
            _row(table, ["—", name, reports.UNREPORTED_CELL, *before(record["code"]), "—", reports.UNREPORTED_CELL,
                         _rate_cell(record["help_rate"]), f"{int(record['problem_found_count']):,}",
                         f"{int(record['problem_closed_count']):,}", "—"])
            continue
        # a place without a rate (nobody to visit) is listed last, unranked
        cells = _row(table, ["—" if pd.isna(record["rank"]) else str(int(record["rank"])), name,
                             percent(record["visit_rate_home"]), *before(record["code"]),
                             f"{int(record['visited_home']):,}/{int(record['eligible_home']):,}",
                             percent(record["daily_contact_rate"]), _rate_cell(record["help_rate"]),
                             f"{int(record['problem_found_count']):,}", f"{int(record['problem_closed_count']):,}",
                             f"{int(record['eligible_home'] - record['visited_home']):,}"])
        if (lit := bulletin.light_of(record["code"], record["visit_rate_home"])) is not None:
            _shade(cells[2], lit[0])
    total = summary.rows[summary.rows["level"] == "total"].iloc[0]
    _row(table, ["", "合计", percent(total["visit_rate_home"]),
                 *([percent(bulletin.last_month["visit_rate_home"])] if paced else []),
                 f"{int(total['visited_home']):,}/{int(total['eligible_home']):,}",
                 percent(total["daily_contact_rate"]), _rate_cell(total["help_rate"]),
                 f"{int(total['problem_found_count']):,}", f"{int(total['problem_closed_count']):,}",
                 f"{int(total['eligible_home'] - total['visited_home']):,}"], bold=True)
    _caption(document, (pace_note(bulletin) if paced else LIGHTS_NOTE)
             + " 按月探访率(上门)由高到低排名, 比率相同的名次并列; 合计的比率由合计人数计算。")


def _lagging(document, bulletin: Bulletin, fonts: Fonts) -> None:
    """三、: the communities with the lowest 月探访率 (上门), as the 督查 screen ranks them; a street's own 通报 without
    the column of their street (it was the street on every row: probe 30 L5)."""
    summary, paced = bulletin.summary, bulletin.paced
    unsent = summary.rows["visits_unsent"].astype(bool).any()
    if bulletin.lagging.empty:
        document.add_paragraph(
            "本月各社区月探访率(上门)均达到 100%。" if not unsent else
            "除尚未报送本月探访记录的街道外, 各社区月探访率(上门)均达到 100%。" if summary.child_level == "street"
            else "本街道尚未报送本月探访记录, 不列出进度滞后的社区。").paragraph_format.first_line_indent = INDENT
        return
    streets = summary.child_level == "street"
    columns = [("社区", 3.0 if paced else 3.6), *([("所属街道", 2.6 if paced else 3.2)] if streets else []),
               ("月探访率(上门)", 2.6 if paced else 3.0), *([("上月同期", 2.2)] if paced else []),
               ("已上门/应上门", 2.8 if paced else 3.2), ("还需上门", 2.4 if paced else 2.6)]
    spare = 15.6 - sum(width for _, width in columns)  # a street's table: its street's column to the names
    table = _table(document, fonts, [header for header, _ in columns],
                   [width + (spare if n == 0 else 0) for n, (_, width) in enumerate(columns)])
    for record in bulletin.lagging.to_dict("records"):
        cells = _row(table, [record["short_name"], *([record["parent_short_name"] or ""] if streets else []),
                             percent(record["visit_rate_home"]),
                             *([percent(bulletin.rate_before(record["code"]))] if paced else []),
                             f"{int(record['visited_home']):,}/{int(record['eligible_home']):,}",
                             f"{int(record['to_visit_count']):,} 人"])
        if (lit := bulletin.light_of(record["code"], record["visit_rate_home"])) is not None:
            _shade(cells[2 if streets else 1], lit[0])
    left_out = "; 尚未报送本月探访记录的街道的社区不列入" if unsent else ""
    colours = "; 颜色按与上月同期的比较, 同排名表" if paced else ""
    _caption(document, f"月探访率(上门)最低的 {len(bulletin.lagging)} 个社区, 比率相同的还需上门人数多的在前 "
                       f"(与看板「督查」页的排序相同){left_out}{colours}。")


def _signature(document, issuer: str, day: str) -> None:
    """The 落款 of a 公文 without a seal (GB/T 9704 7.3.5.2): a blank line under the text, the issuer two characters
    from the right, the date on the next line its first character two to the right of the issuer's (or, when the date
    is the longer, the date two characters from the right and the issuer moved left to keep that offset)."""
    width = {text: display_width(text) * BODY_PT / 2 for text in (issuer, day)}  # a CJK character is two columns
    two = 2 * BODY_PT
    if width[issuer] - width[day] >= two:
        indents = {issuer: two, day: width[issuer] - width[day]}
    else:
        indents = {issuer: 2 * two + width[day] - width[issuer], day: two}
    for number, line in enumerate((issuer, day)):
        signed = document.add_paragraph(line)
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signed.paragraph_format.right_indent = Pt(indents[line])
        signed.paragraph_format.keep_with_next = number == 0
        # no space between 2026 and 年 (Word's and WPS's default): the widths above hold
        properties = signed._p.get_or_add_pPr()
        following = next((child for child in properties if child.tag in PPR_AFTER_AUTOSPACE), None)
        for spacing in ("w:autoSpaceDE", "w:autoSpaceDN"):
            if following is None:
                properties.append(_off(spacing))
            else:
                following.addprevious(_off(spacing))
        if number == 0:
            signed.paragraph_format.space_before = Pt(LINE_PT)


# what follows autoSpaceDN in a paragraph's properties (the schema's order, which Word holds a file to)
PPR_AFTER_AUTOSPACE = {qn(tag) for tag in (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")}


def _off(tag: str):
    """A paragraph's on/off property, off."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "0")
    return element


def _styles(document, fonts: Fonts) -> None:
    """The document's styles as a 公文's: the text 仿宋 三号 at a fixed pitch, justified; the title (Word's Title)
    小标宋 二号, centred; headings (Word's Heading 1 and 2, for the navigation pane) 黑体 and 楷体 三号, two characters
    in, black, not bold: none of python-docx's template's theme faces (Cambria, and Japanese ones for Chinese text),
    colours and rules left."""
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    default_run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_faces(default_run, fonts.body, fonts.latin)
    default_run.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")  # Chinese line breaking and proofing
    defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing")).attrib.clear()
    for name, face, size in (("Normal", fonts.body, BODY_PT), ("Title", fonts.title, TITLE_PT),
                             ("Heading 1", fonts.heading, BODY_PT), ("Heading 2", fonts.subheading, BODY_PT)):
        style = styles[name]
        run = style.element.get_or_add_rPr()
        for tag in ("w:color", "w:b", "w:bCs", "w:i", "w:iCs", "w:spacing", "w:kern", "w:sz", "w:szCs"):
            for found in run.findall(qn(tag)):
                run.remove(found)
        _set_faces(run, face, fonts.latin)
        style.font.size, style.font.bold = Pt(size), False
        style.font.color.rgb = RGBColor(0, 0, 0)
        paragraph = style.element.get_or_add_pPr()
        for tag in ("w:pBdr", "w:contextualSpacing"):
            for found in paragraph.findall(qn(tag)):
                paragraph.remove(found)
        layout = style.paragraph_format
        layout.space_before = layout.space_after = Pt(0)
        layout.line_spacing_rule, layout.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
        if name == "Normal":
            layout.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            layout.widow_control = True
        elif name == "Title":
            layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
            layout.line_spacing_rule, layout.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(TITLE_PT * 1.6)
        else:
            layout.first_line_indent, layout.keep_with_next = INDENT, True
    _font_table(document, fonts)
    settings = document.settings.element
    for found in settings.findall(qn("w:themeFontLang")):  # the template's says Japanese
        found.set(qn("w:eastAsia"), "zh-CN")
    for found in settings.findall(qn("w:savePreviewPicture")):  # its thumbnail, dropped (_properties)
        settings.remove(found)


def _set_faces(run_properties, east_asian: str, latin: str) -> None:
    """A run's or style's faces: `east_asian` for Chinese, `latin` for digits and letters, and no theme face, which
    would win over both."""
    for found in run_properties.findall(qn("w:rFonts")):
        run_properties.remove(found)
    faces = OxmlElement("w:rFonts")
    for attribute, face in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian), ("w:cs", latin)):
        faces.set(qn(attribute), face)
    run_properties.insert(1 if run_properties.find(qn("w:rStyle")) is not None else 0, faces)


def _face(run, east_asian: str, latin: str) -> None:
    """One run in another Chinese face (the data date's 楷体, a table header's 黑体)."""
    _set_faces(run._r.get_or_add_rPr(), east_asian, latin)


def _font_table(document, fonts: Fonts) -> None:
    """The file's font table: the faces it uses, each Chinese one with the face a Windows Word or WPS has where it
    lacks it (its altName), of the GB2312 character set: in place of the template's Calibri, Cambria and Japanese
    faces."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    table = etree.Element(qn("w:fonts"), nsmap={"w": namespace})
    for face in dict.fromkeys((fonts.latin, fonts.body, fonts.title, fonts.heading, fonts.subheading,
                               PAGE_NUMBER_FONT)):
        entry = etree.SubElement(table, qn("w:font"))
        entry.set(qn("w:name"), face)
        chinese = face != fonts.latin
        if chinese and face in FALLBACKS:
            etree.SubElement(entry, qn("w:altName")).set(qn("w:val"), FALLBACKS[face])
        etree.SubElement(entry, qn("w:charset")).set(qn("w:val"), "86" if chinese else "00")
        etree.SubElement(entry, qn("w:family")).set(qn("w:val"), "modern" if chinese else "roman")
        etree.SubElement(entry, qn("w:pitch")).set(qn("w:val"), "fixed" if chinese else "variable")
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


APP_PROPERTIES = ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
                  'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                  "<Application>CareVisit 探访关爱看板</Application><DocSecurity>0</DocSecurity></Properties>")


def _properties(document, title: str, author: str) -> None:
    """The file's own properties, as Word's 文件 > 信息 shows them: the title, the issuing unit as author and last
    editor (no person's name), made now; none of python-docx's template's (review 19 L4: author python-docx, 2013;
    probe 30 L2: Microsoft Macintosh Word, 1 page, its thumbnail and an empty bibliography)."""
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.comments = properties.subject = properties.keywords = properties.category = ""
    properties.language = "zh-CN"
    properties.created = properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    properties.revision = 1
    package = document.part.package
    for rels, unwanted in ((package.rels, (RT.THUMBNAIL,)), (document.part.rels, (RT.CUSTOM_XML, STYLES_WITH_EFFECTS))):
        for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype in unwanted]:
            del rels[rel_id]
    package.part_related_by(RT.EXTENDED_PROPERTIES)._blob = APP_PROPERTIES.encode("utf-8")


# Word 2010's copy of the styles, in the template: the template's faces and colours again
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _page_numbers(section, fonts: Fonts) -> None:
    """The page number at each page's foot, 「— 1 —」 (GB/T 9704: 4号半角宋体, a dash either side)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("— ", None, " —"):
        run = paragraph.add_run("1" if text is None else text)
        run.font.size = Pt(PAGE_NUMBER_PT)
        _face(run, PAGE_NUMBER_FONT, fonts.latin)
        if text is None:  # the number: Word's PAGE field, its run inside
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            run._r.addprevious(field)
            field.append(run._r)


def _text(document, text: str, size: float = BODY_PT):
    """A paragraph of the text, two characters in; in a smaller size (the notes') at a pitch to match."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    if size != BODY_PT:
        run.font.size = Pt(size)
        paragraph.paragraph_format.line_spacing = Pt(round(size * LINE_PT / BODY_PT))
    return paragraph


def _table(document, fonts: Fonts, headers: list[str], widths: list[float], size: float = TABLE_PT):
    """A bordered table with a grey header row in 黑体; `widths` in cm and `size` in points, for every row added
    (_row)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text = ""
        cell.width = Cm(width)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        run = cell.paragraphs[0].add_run(text)
        run.font.size = Pt(size)
        _face(run, fonts.heading, fonts.latin)
        _cell_layout(cell.paragraphs[0], WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, HEADER_FILL)
    # cells 0.1 cm in from their borders, not Word's 0.19: 100.0% in a column of 1.4 cm on one line
    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        margin = OxmlElement(side)
        margin.set(qn("w:w"), "57")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    after = next((child for child in table._tbl.tblPr if child.tag in (qn("w:tblLook"), qn("w:tblCaption"))), None)
    table._tbl.tblPr.append(margins) if after is None else after.addprevious(margins)
    # the header row repeats on every page the table runs over
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    return table


def _row(table, values: list[str], bold: bool = False):
    # as the header row has them
    widths, size = [cell.width for cell in table.rows[0].cells], table.rows[0].cells[0].paragraphs[0].runs[-1].font.size
    cells = table.add_row().cells
    for position, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        run = cell.paragraphs[0].add_run(text)
        run.font.size, run.bold = size, bold
        _cell_layout(cell.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT if position <= 1 else WD_ALIGN_PARAGRAPH.RIGHT)
    return cells


def _cell_layout(paragraph, alignment) -> None:
    """A cell's paragraph: single-spaced (not the text's fixed pitch), not indented; a table of a page or less on one
    page with its caption, not 2 rows at a page's foot and 8 on the next (review 19 L3): every row kept with the
    next, as Word and LibreOffice read it."""
    layout = paragraph.paragraph_format
    paragraph.alignment = alignment
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    layout.first_line_indent, layout.keep_with_next = Pt(0), True


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _caption(document, text: str) -> None:
    """A table's or chart's caption: 五号, single-spaced, under it."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_PT)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(3), Pt(6)
