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
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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
LAGGING_ROWS = 10
# the title's line on A4 between 2.2 cm margins at 18 pt bold, in column units (workbooks.display_width: a CJK
# character two), a little short of the 52 it holds
TITLE_WIDTH = 48
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
    return Bulletin(summary, months, lagging, shapes, None if last_month.empty else last_month.iloc[0], level,
                    _others(con, summary, month_start, months))


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
    if stored.empty:
        return stored
    if not in_progress(month_start, as_of) or same_day >= pd.Timestamp(stored["as_of"].iloc[0]).date():
        return stored if query is None else read()
    with build.same_day_marts(con, before, same_day):
        return read()


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
    below = int((compared["visit_rate_home"] < LIGHTS[1][0]).sum())
    if below:
        # a month in progress is judged against the whole month's target, as every screen does: said so, without
        # saying what the comparison with the same day of the month before says (probe 30 H3: 偏低属常态, while every
        # street was behind its own same day)
        so_far = f"(本月只计到 {same_day.day} 日，按整月的目标衡量)" if same_day else ""
        sentences.append(f"{below} 个{bulletin.level_name}月探访率(上门)低于 {LIGHTS[1][0]:.0%}，列为红色{so_far}。")
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


FONT = "Noto Sans CJK SC, sans-serif"


def caption(bulletin: Bulletin, title: str) -> str:
    """A chart's title line, its month and data date written as the document's text writes them (2026年11月,
    2026年11月30日), not 2026-11 and 2026-11-30 (review 19 L5)."""
    return (f"{title} · {bulletin.summary.place_name} · {chinese_month(bulletin.summary.month)} · "
            f"数据截至 {chinese_date(bulletin.summary.as_of)}")


def map_figure(bulletin: Bulletin) -> dict:
    """The dashboard's map of the places below (names and rates on the map, nothing fetched), coloured by
    their traffic light, with the caption line as its title and the lights' legend."""
    rows = bulletin.summary.rows[bulletin.summary.rows["level"] != "total"]
    # (a street without a visit record of the month yet: grey, its rate —, as the ranking shows it)
    rows = rows.assign(visit_rate_home=rows["visit_rate_home"].where(~rows["visits_unsent"].astype(bool)))
    fills = {code: "#" + (light(rate) or (NO_RATE_FILL, ""))[0]
             for code, rate in zip(rows["code"], rows["visit_rate_home"], strict=True)}
    title = caption(bulletin, "各" + bulletin.level_name + "月探访率(上门)")
    # grey outlines: a grey printout keeps them
    figure = figures.map_figure(rows, bulletin.shapes, "visit_rate_home", title, fills=fills, outline="#555555",
                                height=560)
    note = ("示意图 · " if bulletin.shapes["is_schematic"].any() else "") + LIGHTS_NOTE
    legend = "   ".join(f"<span style='color:#{colour}'>■</span> {name}"
                        for _, colour, name in (*LIGHTS, (None, NO_RATE_FILL, "无应探访或未报送")))
    figure["layout"] |= {
        "width": 760, "font": {"family": FONT, "size": 13}, "margin": {"l": 10, "r": 10, "t": 50, "b": 40},
        "title": figure["layout"]["title"] | {"font": {"size": 14}},
        "annotations": [{"text": note, "xref": "paper", "yref": "paper", "x": 0, "y": -0.06,
                         "showarrow": False, "xanchor": "left", "font": {"size": 11, "color": "#555555"}},
                        {"text": legend, "xref": "paper", "yref": "paper", "x": 1, "y": 1.0, "showarrow": False,
                         "xanchor": "right", "font": {"size": 12}}],
    }
    return figure


def trend_figure(bulletin: Bulletin) -> dict:
    """The four rates month by month against the 100 % line; a month in progress named by the day it is counted to,
    reached by a dotted line, its point hollow (a December of 3 days beside whole months had read as a collapse from
    96 % to 11 %)."""
    months = bulletin.months
    colours = ("#1f4e79", "#6a9fd4", "#d17b0f", "#2e8540")
    labels = list(months["month"])
    open_month = bool(bulletin.same_day) and len(labels) > 0
    if open_month:
        labels[-1] = f"{labels[-1]} (截至{bulletin.same_day.day}日)"
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
    lowest = min((months[r].astype(float).min() for r, _, _, _ in HEADLINE), default=0.8)
    floor = 80 if pd.isna(lowest) else max(int(lowest * 100 // 5) * 5 - 5, 0)
    layout = {
        "width": 760, "height": 420, "font": {"family": FONT, "size": 13}, "paper_bgcolor": "white",
        "plot_bgcolor": "white", "margin": {"l": 60, "r": 40, "t": 80, "b": 40},
        "title": {"text": caption(bulletin, "近期趋势"), "x": 0.01, "font": {"size": 14}},
        # a year of months slanted, each whole (upright they did not fit, and Plotly stood them on end, cut off)
        "xaxis": {"type": "category", "gridcolor": "#eef1f4", "tickangle": -45, "automargin": True},
        "yaxis": {"range": [floor, 102], "ticksuffix": "%", "gridcolor": "#eef1f4"},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},  # above: the months slant below
        "shapes": [{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 100, "y1": 100,
                    "line": {"color": "#555555", "dash": "dash", "width": 1.5}}],
        "annotations": [{"xref": "paper", "yref": "y", "x": 1, "y": 100, "xanchor": "right", "yanchor": "bottom",
                         "showarrow": False, "text": "目标 100%", "font": {"size": 11, "color": "#555555"}}],
    }
    return {"data": data, "layout": layout}


# --- the document ------------------------------------------------------------------------------


def to_docx(bulletin: Bulletin, images: dict[str, bytes] | None = None, unit: str | None = None,
            issued: dt.date | None = None, issuer: str | None = None) -> bytes:
    """The 通报 as .docx: A4 portrait, headings, tables with coloured cells, the charts as pictures; signed by
    `issuer` (its 落款, Config.bulletin_issuer) and dated at the end of the text, before the notes."""
    document = Document()
    _fonts(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    summary = bulletin.summary
    now, before = bulletin.this_month, bulletin.last_month
    # the file's own properties, as Word's 文件 > 信息 shows them: python-docx's template says "python-docx", 2013
    # (review 19 L4)
    properties = document.core_properties
    properties.title, properties.author = "".join(bulletin.title_lines), issuer or unit or summary.place_name
    properties.last_modified_by, properties.comments, properties.subject, properties.keywords = "", "", "", ""
    properties.created = properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    properties.revision = 1

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, line in enumerate(bulletin.title_lines):
        run = heading.add_run(line)
        run.bold, run.font.size = True, Pt(18)
        if number < len(bulletin.title_lines) - 1:
            run.add_break()
    issued = issued or dt.date.today()
    meta = document.add_paragraph(f"{unit or summary.place_name}    {chinese_date(issued)}    "
                                  f"数据截至 {chinese_date(summary.as_of)}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("一、总体情况", level=2)
    for sentence in summary_sentences(bulletin):
        paragraph = document.add_paragraph(sentence)
        paragraph.paragraph_format.first_line_indent = Pt(24)
    table = _table(document, ["指标", "本月", "人数", "上月同期" if bulletin.same_day else "上月", "目标", "差距"],
                   [4.4, 2, 3.6, 2, 1.6, 3])
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

    document.add_heading(f"二、各{bulletin.level_name}排名", level=2)
    table = _table(document, ["名次", bulletin.level_name, "月探访率(上门)", "已上门/应上门", "日联系率",
                              "帮扶率", "发现问题", "办结", "未访人数"],
                   [1.1, 2.6, 2.1, 2.5, 1.6, 1.6, 1.6, 1.3, 1.6])
    for record in bulletin.ranked.to_dict("records"):
        if record["unreported"]:  # no roster sent: no count of it, as the 汇总表 (review 19 M1: 0/0 and 未访 0)
            _row(table, ["—", _name(bulletin, pd.Series(record)), *["—"] * 7])
            continue
        if record["visits_unsent"]:  # no visit record of the month yet: no rate of visits, no light (probe 30 H1)
            _row(table, ["—", _name(bulletin, pd.Series(record)), reports.UNREPORTED_CELL, "—", reports.UNREPORTED_CELL,
                         _rate_cell(record["help_rate"]), f"{int(record['problem_found_count']):,}",
                         f"{int(record['problem_closed_count']):,}", "—"])
            continue
        # a place without a rate (nobody to visit) is listed last, unranked
        cells = _row(table, ["—" if pd.isna(record["rank"]) else str(int(record["rank"])),
                             _name(bulletin, pd.Series(record)), percent(record["visit_rate_home"]),
                             f"{int(record['visited_home']):,}/{int(record['eligible_home']):,}",
                             percent(record["daily_contact_rate"]), _rate_cell(record["help_rate"]),
                             f"{int(record['problem_found_count']):,}", f"{int(record['problem_closed_count']):,}",
                             f"{int(record['eligible_home'] - record['visited_home']):,}"])
        if (lit := light(record["visit_rate_home"])) is not None:
            _shade(cells[2], lit[0])
    total = summary.rows[summary.rows["level"] == "total"].iloc[0]
    cells = _row(table, ["", "合计", percent(total["visit_rate_home"]),
                         f"{int(total['visited_home']):,}/{int(total['eligible_home']):,}",
                         percent(total["daily_contact_rate"]), _rate_cell(total["help_rate"]),
                         f"{int(total['problem_found_count']):,}", f"{int(total['problem_closed_count']):,}",
                         f"{int(total['eligible_home'] - total['visited_home']):,}"], bold=True)
    _caption(document, LIGHTS_NOTE + " 按月探访率(上门)由高到低排名, 比率相同的名次并列; 合计的比率由合计人数计算。")

    document.add_heading("三、进度滞后的社区", level=2)
    unsent = summary.rows["visits_unsent"].astype(bool).any()
    if bulletin.lagging.empty and unsent:
        document.add_paragraph("除尚未报送本月探访记录的街道外, 各社区月探访率(上门)均达到 100%。"
                               if summary.child_level == "street" else
                               "本街道尚未报送本月探访记录, 不列出进度滞后的社区。")
    elif bulletin.lagging.empty:
        document.add_paragraph("本月各社区月探访率(上门)均达到 100%。")
    else:
        table = _table(document, ["社区", "所属街道", "月探访率(上门)", "已上门/应上门", "还需上门"],
                       [3.6, 3.2, 3, 3.2, 2.6])
        for record in bulletin.lagging.to_dict("records"):
            cells = _row(table, [record["short_name"], record["parent_short_name"] or "",
                                 percent(record["visit_rate_home"]),
                                 f"{int(record['visited_home']):,}/{int(record['eligible_home']):,}",
                                 f"{int(record['to_visit_count']):,} 人"])
            if (lit := light(record["visit_rate_home"])) is not None:
                _shade(cells[2], lit[0])
        left_out = "; 尚未报送本月探访记录的街道的社区不列入" if unsent else ""
        _caption(document, f"月探访率(上门)最低的 {len(bulletin.lagging)} 个社区, 比率相同的还需上门人数多的在前 "
                           f"(与看板「督查」页的排序相同){left_out}。")

    if images:
        document.add_heading("四、图表", level=2)
        for name in ("map", "trend"):
            if name in images:
                document.add_picture(io.BytesIO(images[name]), width=Cm(15))
                document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                if name == "trend" and bulletin.same_day:  # as the dashboard's trend says it (review 11b M3)
                    _caption(document, f"末月只计到 {bulletin.same_day.day} 日, 未满整月 (空心点、虚线), "
                                       + same_day_said(bulletin))

    if issuer:  # the 落款: who issues it, and the day, right-aligned under the text as a 公文 signs
        document.add_paragraph()
        for line in (issuer, chinese_date(issued)):
            signed = document.add_paragraph(line)
            signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            signed.paragraph_format.right_indent = Pt(24)
            signed.paragraph_format.space_after = Pt(0)

    document.add_heading("说明", level=3)
    _caption(document, "".join(f"{n}. {note}" for n, note in enumerate((
        *reports.RATE_NOTES, "未访人数 = 应上门探访而本月尚未上门探访的人数。"), 1)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fonts(document) -> None:
    for style_name in ("Normal", "Heading 2", "Heading 3"):
        style = document.styles[style_name]
        style.font.name = "Noto Sans CJK SC"
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
        if style_name != "Normal":
            style.font.color.rgb = RGBColor(0x1D, 0x27, 0x33)
    document.styles["Normal"].font.size = Pt(11)


def _table(document, headers: list[str], widths: list[float]):
    """A bordered table with a shaded header row; `widths` in cm, for every row added (_row)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text = ""
        cell.width = Cm(width)
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(10)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        _shade(cell, "D9E2F3")
    # the header row repeats on every page the table runs over
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    return table


def _row(table, values: list[str], bold: bool = False):
    widths = [cell.width for cell in table.rows[0].cells]  # as the header row has them
    cells = table.add_row().cells
    for position, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
        cell.width = width
        run = cell.paragraphs[0].add_run(text)
        run.font.size, run.bold = Pt(10), bold
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if position <= 1 else WD_ALIGN_PARAGRAPH.RIGHT
        # a table of a page or less on one page with its caption, not 2 rows at a page's foot and 8 on the next
        # (review 19 L3): every row kept with the next, as Word and LibreOffice read it
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    return cells


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _caption(document, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x55, 0x55, 0x55)
