"""The inspector's check list (督查核实清单): communities picked or drawn by seed, a printable list per community."""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from etl import metrics
from etl.months import chinese_date, chinese_month_day, in_progress, month_title
from etl.settings import RATE_FORMAT, percent, shown_categories
from etl.sheets import print_setup
from etl.sqlfiles import first_row, prepare, sql
from etl.workbooks import display_width

DEFAULT_SEED = 1
# A community's weight in a draw: 1 + its elders still to visit (of a month in progress, those overdue) + LEAD_WEIGHT ×
# its leads (a lead is worth checking as much as that many unvisited elders), said under every list drawn (review 19 L7)
LEAD_WEIGHT = 5
# What to verify at home, by why the elder is on the list (signals: sql/marts/visit_signals.sql)
CHECKS = {
    "not_visited": "本月未上门{evidence}: 核实老人近况和需求, 是否确未探访",
    "after_exit": "死亡或退出后仍有探访记录{evidence}: 核实老人现状和记录真实性",
    "daily_home_visits": "探访人当日上门次数过多{evidence}: 核实本月是否有人上门、何时上门",
    "identical_notes": "探访记录内容与他人雷同{evidence}: 核实探访内容是否属实",
    "gps_far": "上门定位远离老人常住地{evidence}: 核实上门地点",
    "phone_only": "连续数月仅电话联系{evidence}: 核实老人状况, 是否需要上门",
    "late_entry": "探访记录在探访日期很久之后才录入{evidence}: 核实本月是否确有上门、何时上门",
    "sampled": "随机抽查: 核实本月是否确有上门 (记录 {date})",
}
# What the lead rests on, as the 督查 screen shows it (its first visit of the month, the visitor masked): what the
# inspector asks about on the doorstep, "did someone come on 11月11日?" (review 19 M3: the list had said none of it)
EVIDENCE = {
    "after_exit": " ({date} 的探访, 在{status}后 {count} 天)",
    "daily_home_visits": " ({date}, 探访人 {visitor} 当日上门 {count} 次)",
    "identical_notes": " ({date}, 探访人 {visitor}, 与 {count} 位老人的记录相同)",
    "gps_far": " ({date}, 探访人 {visitor}, 定位距常见位置 {measure} 公里)",
    "phone_only": " (已连续 {count} 个月仅电话等联系)",
    "late_entry": " ({date} 的探访, {count} 天后才录入)",
}
TICKS = ("已见到老人", "情况属实", "情况不符")
NOT_ASKED = "—"  # a tick box that does not apply
NOT_SPECIAL = "(非特殊困难)"  # the categories of one on the roster without a category that counts
NOT_WRITTEN = "未登记"  # a phone or an address the roster does not give (probe 30 L8: a blank cell read as left out)
OVERVIEW_HEADERS = ("街道", "社区", "应上门", "已上门", "月探访率(上门)", "还需上门", "督查线索", "抽取权重",
                    "核实人数")
HEADERS = ("序号", "姓名", "身份证号", "电话", "地址", "类别", "风险等级", "核实事项", *TICKS, "备注")


class CheckListError(Exception):
    """A check list that cannot be made; the message says why, in one line."""


@dataclass(frozen=True)
class CheckList:
    place_code: str
    place_name: str
    month: str
    as_of: dt.date
    seed: int
    sample: int | None  # communities drawn; None: picked (or all of the place)
    pool: pd.DataFrame  # every community that could be drawn, with its weight
    communities: pd.DataFrame  # the communities on the list, in order
    people: pd.DataFrame  # one row per elder to verify: community_code, masked columns, check
    unreported: tuple[str, ...] = ()  # the places directly under the list's that sent no roster: none of theirs drawn

    @property
    def month_name(self) -> str:
        """The month, and the day its data end where short of the month: 本月未上门 on the 3rd is no finding yet."""
        return month_title(self.month, self.as_of)

    @property
    def title(self) -> str:
        return f"{self.place_name}探访关爱督查核实清单 ({self.month_name})"

    @property
    def in_progress(self) -> bool:
        """Of a month not over on its as-of date: an elder not visited yet is a finding only once overdue."""
        return in_progress(dt.date.fromisoformat(f"{self.month}-01"), self.as_of)

    @property
    def still_to_visit(self) -> str:
        """Who weighs in a draw besides the leads (checklist_communities' draw_weight)."""
        return "已逾期未上门人数" if self.in_progress else "还需上门人数"

    def community_title(self, community) -> str:
        """A community's list's title, on its printed sheet and on the screen (a row of `communities`)."""
        return f"{community.street_name} · {community.short_name}  督查核实清单 ({self.month_name})"

    def community_summary(self, community) -> str:
        """The line under it: the community's figures (of a month in progress, who is overdue already), and what a
        lead is."""
        rate = percent(community.visit_rate_home)
        overdue = f" (其中已逾期 {int(community.overdue_unvisited_count)} 人)" if self.in_progress else ""
        return (f"应上门 {int(community.eligible_home)} 人, 已上门 {int(community.visited_home)} 人, 月探访率(上门) "
                f"{rate}, 还需上门 {int(community.to_visit_count)} 人{overdue}; "
                f"督查线索 {int(community.lead_count)} 条。线索是需要核实的疑点, 不是结论。")

    @property
    def how_drawn(self) -> str:
        if self.sample is None:
            return f"指定社区 {len(self.communities)} 个; 已上门者随机抽查 (随机种子 {self.seed})"
        # the streets (communities) that sent no roster have no one to draw: said, a street that sends nothing being
        # the first an inspector asks after (review 19 M2: "从 31 个社区中" beside 32 communities left out unsaid)
        left_out = ""
        if self.unreported:
            names = "、".join(self.unreported) if len(self.unreported) <= 5 else f"{len(self.unreported)} 个地区"
            left_out = f"; {names}未报送底册, 不在抽取范围内"
        if self.sample >= len(self.pool):  # (review 23: a street of 2 communities asked for 3 had been refused)
            return (f"要求抽取 {self.sample} 个社区, 可抽的社区只有 {len(self.pool)} 个: 全部列入; 已上门者随机抽查"
                    f" (随机种子 {self.seed}){left_out}")
        return (f"从 {len(self.pool)} 个社区中按街道分层、按未上门人数和督查线索加权随机抽取 {self.sample} 个"
                f" (权重 = 1 + {self.still_to_visit} + {LEAD_WEIGHT} × 督查线索条数; 随机种子 {self.seed}, "
                f"同一种子抽取结果相同){left_out}")


def check_list(con: duckdb.DuckDBPyConnection, month: str | None, place: str | None, *, sample: int | None = None,
               seed: int | None = None, picked: list[str] | None = None, scope: str = "all",
               visited_per_community: int = 5, as_of: dt.date | None = None,
               unshown: tuple[str, ...] = ()) -> CheckList:
    """The check list of `place` for `month`: the communities `picked`, else `sample` of them drawn, else all;
    `unshown`: the categories a person's row masks (from_marts)."""
    prepare(con)
    metrics.stored_months(con)  # the months the warehouse holds, not those an earlier list recomputed
    try:
        if month is not None:
            month_start = metrics.parse_month(month)
            first, last = con.execute("select min(month_start), max(month_start) from month_frame").fetchall()[0]
            if first is None or not first <= month_start <= last:
                raise CheckListError(f"{month} 没有数据" + (f": 数据从 {first:%Y-%m} 到 {last:%Y-%m}" if first else ""))
        month_start = metrics.month_marts(con, month, as_of, None)
    except metrics.MetricsError as error:
        raise CheckListError(str(error)) from error
    return from_marts(con, month_start, place, sample=sample, seed=seed, picked=picked, scope=scope,
                      visited_per_community=visited_per_community, unshown=unshown)


def from_marts(con: duckdb.DuckDBPyConnection, month_start: dt.date, place: str | None, *,
               sample: int | None = None, seed: int | None = None, picked: list[str] | None = None,
               scope: str = "all", visited_per_community: int = 5, unshown: tuple[str, ...] = ()) -> CheckList:
    """As check_list, from the month marts as they stand on `con` (stored, or recomputed at an as-of date).
    Its queries need no macros: a dashboard cursor, which has none, runs them as they are. `unshown`: the categories
    no person's row shows (the configuration's sensitive_categories: 计生特殊家庭 beside a masked name, the last digits
    of an ID number and a road told who the family is; review 2026-12-04)."""
    if seed is not None and not 0 <= seed < 2**63:
        raise CheckListError(f"随机种子应为非负整数: {seed}")
    code, name = _place(con, place)
    as_of = first_row(con, "select as_of from month_frame where month_start = ?", [month_start])
    if as_of is None:
        raise CheckListError(f"{month_start:%Y-%m} 没有数据")
    pool = communities(con, month_start, code, scope, as_of[0])
    if pool.empty and code != "all" and code not in metrics.listed_places(con):
        raise CheckListError(f"{name} 未报送底册: {month_start:%Y-%m} 没有可核实的名单")
    if pool.empty:
        raise CheckListError(f"{name} 在 {month_start:%Y-%m} 没有需要探访的特殊困难老年人")
    seed = DEFAULT_SEED if seed is None else seed
    if picked:
        chosen = pool[pool["code"].isin(picked)]
        if len(chosen) < len(set(picked)):
            raise CheckListError("所选社区不在本辖区, 或本月没有需要探访的老人")
    elif sample is not None and sample < len(pool):
        chosen = draw(pool, sample, seed)
    elif sample is not None and sample < 1:
        raise CheckListError(f"抽取的社区数应至少为 1: {sample}")
    else:  # (a sample of as many communities as there are, or more: every one, said so by how_drawn)
        chosen = pool
    people = con.execute(sql("reports/checklist_people"),
                         {"codes": list(chosen["code"]), "month_start": month_start}).df()
    people = _to_verify(people, seed, visited_per_community, in_progress(month_start, as_of[0]))
    people["categories"] = [shown_categories(categories, unshown) for categories in people["categories"]]
    return CheckList(code, name, f"{month_start:%Y-%m}", as_of[0], seed, sample if not picked else None, pool,
                     chosen.reset_index(drop=True), people, tuple(metrics.unreported_under(con, code)))


def communities(con: duckdb.DuckDBPyConnection, month_start: dt.date, place: str, scope: str = "all",
                as_of: dt.date | None = None) -> pd.DataFrame:
    """The communities of `place` a check list may take (those with special-difficulty elders), with weights;
    `as_of`: the month's as-of date, where the caller has it already."""
    if as_of is None:
        as_of = (first_row(con, "select as_of from month_frame where month_start = ?", [month_start]) or (None,))[0]
    return con.execute(sql("reports/checklist_communities"),
                       {"place": place, "scope": scope, "month_start": month_start, "lead_weight": LEAD_WEIGHT,
                        "in_progress": as_of is not None and in_progress(month_start, as_of)}).df()


def _place(con: duckdb.DuckDBPyConnection, place: str | None) -> tuple[str, str]:
    if place is None:
        districts = con.execute("select code, name from place_tree where level = 'district' order by code").fetchall()
        return districts[0] if len(districts) == 1 else ("all", "全部辖区")
    row = first_row(con, "select code, name from place_tree where code = ?", [place])
    if row is None:
        raise CheckListError(f"地区代码 {place} 不在本库的区划中")
    return row


def draw(pool: pd.DataFrame, sample: int, seed: int) -> pd.DataFrame:
    """`sample` communities of `pool`, stratified by street (each street its share of the sample,
    by largest remainder) and weighted within it by draw_weight (Efraimidis–Spirakis); the same seed
    draws the same communities."""
    if sample < 1:
        raise CheckListError(f"抽取的社区数应至少为 1: {sample}")
    if sample > len(pool):
        raise CheckListError(f"抽取 {sample} 个社区, 但可抽的社区只有 {len(pool)} 个")
    rng = np.random.default_rng(seed)
    sizes = pool.groupby("street_code", sort=True).size()
    quota = sizes / sizes.sum() * sample
    shares = np.floor(quota).astype(int)
    remainder = (quota - shares).sort_values(ascending=False, kind="stable")
    for street in remainder.index[:sample - shares.sum()]:
        shares[street] += 1
    chosen = []
    for street, count in shares.items():
        stratum = pool[pool["street_code"] == street]
        keys = rng.random(len(stratum)) ** (1 / stratum["draw_weight"].to_numpy(dtype=float))
        chosen.append(stratum.iloc[np.argsort(-keys, kind="stable")[:count]])
    return pd.concat(chosen).sort_values(["street_code", "code"])


def _to_verify(people: pd.DataFrame, seed: int, visited_per_community: int, unfinished: bool) -> pd.DataFrame:
    """Each elder's checks: not visited (of a month still `unfinished`, only once overdue: probe 30 M5, on the 6th
    every elder visited last month was listed to verify, due weeks later), their leads; and of the visited without a
    lead still on the roster at the as-of date, a few drawn per community (by the seed and the community, so a
    community's draw does not depend on the others)."""
    checks = [[_lead_check(lead) for lead in _first_of_each(p.leads)]
              + ([CHECKS["not_visited"].format(evidence=_due(p))]
                 if p.is_due and not p.visited_home and (not unfinished or _overdue(p)) else [])
              for p in people.itertuples(index=False)]
    people = people.assign(check=["\n".join(c) for c in checks], is_sampled=False)
    unchecked_visited = (np.array([not c for c in checks], dtype=bool) & people["visited_home"].to_numpy(dtype=bool)
                         & people["is_active_at_as_of"].to_numpy(dtype=bool))
    for code, rows in people[unchecked_visited].groupby("community_code"):
        rng = np.random.default_rng([seed, int(code)])
        drawn = rows.index[np.sort(rng.permutation(len(rows))[:visited_per_community])]
        people.loc[drawn, "is_sampled"] = True
        people.loc[drawn, "check"] = [CHECKS["sampled"].format(date=_date(d))
                                      for d in people.loc[drawn, "last_home_visit_date"]]
    # within a community, who most needs the visit first: the unvisited, then the leads, then those drawn to confirm
    # (probe 30 L8: a community's one unvisited elder was row 8 of 11, after random checks)
    people["priority"] = [0 if CHECKS["not_visited"].split("{")[0] in check else 2 if sampled else 1
                          for check, sampled in zip(people["check"], people["is_sampled"], strict=True)]
    listed = people[people["check"] != ""].sort_values(["community_code", "priority"], kind="stable")
    return listed.drop(columns=["elder_id", "priority"]).reset_index(drop=True)


def _overdue(person) -> bool:
    return person.overdue_days is not None and not pd.isna(person.overdue_days) and person.overdue_days > 0


def _due(person) -> str:
    """Why an elder not yet visited this month matters on the day: overdue, or due when (review 19 M4: on the 6th, 59
    elders 本月未上门 beside 23 overdue, and nothing to tell them apart), as the 逾期 list says it."""
    last = f"最近上门 {_date(person.last_home_visit_date)}" if _date(person.last_home_visit_date) else "记录期内未上门"
    if _overdue(person):
        return f" ({last}, 已逾期 {int(person.overdue_days)} 天)"
    return f" ({last}, {_date(person.due_date)}到期)" if _date(person.due_date) else f" ({last})"


def _first_of_each(leads) -> list[dict]:
    """Of an elder's leads of the month (checklist_people's, by signal then time), the first of each signal."""
    first: dict[str, dict] = {}
    for lead in leads if leads is not None else ():
        first.setdefault(lead["signal"], lead)
    return list(first.values())


def _lead_check(lead: dict) -> str:
    """A lead's line on the list: what it is, what it rests on (EVIDENCE), what to verify."""
    measure = lead["measure"]
    evidence = EVIDENCE[lead["signal"]].format(
        date=_date(lead["visit_date"]), visitor=lead["visitor"] or "未写明", status=lead["status"] or "退出",
        count="" if measure is None or pd.isna(measure) else int(measure), measure=measure)
    return CHECKS[lead["signal"]].format(evidence=evidence)


def _date(value) -> str:
    """A day as the lists write one, 11月4日 (unpadded, as every date a report prints: review 19 L5)."""
    return "" if value is None or pd.isna(value) else chinese_month_day(pd.Timestamp(value))


def _written(value) -> str:
    """A cell's text, or NOT_WRITTEN where the roster gives none (an empty cell is NaN in the frame: probe 33 M3)."""
    return value if isinstance(value, str) and value.strip() else NOT_WRITTEN


def rows_of(check_list: CheckList, code: str) -> list[list]:
    """The printed rows of one community's list: what HEADERS name, tick boxes empty; 已见到老人 not asked of one no
    longer on the roster (review 7b: a dead elder's row had asked it)."""
    people = check_list.people[check_list.people["community_code"] == code]
    # one listed for a lead alone may have no category that counts: said, not a blank cell (review 19 L8)
    return [[number, p.name, p.id_number, _written(p.phone), _written(p.address),
             "、".join(p.categories) or NOT_SPECIAL,
             p.risk_level or "", p.check,
             *("□" if p.is_active_at_as_of or tick != TICKS[0] else NOT_ASKED for tick in TICKS), ""]
            for number, p in enumerate(people.itertuples(index=False), start=1)]


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WIDTHS = (5, 8, 20, 13, 14, 14, 7, 44, 7, 7, 7, 18)
HEADER_ROW = 4


def to_workbook(check_list: CheckList, made_on: dt.date | None = None) -> bytes:
    """A sheet of how the communities were chosen, then a sheet per community to print: A4 landscape,
    header rows repeated, tick boxes (□) to fill in by hand; every cell text, never a formula."""
    workbook = Workbook()
    overview = workbook.active
    overview.title = "抽取说明"
    overview.append([check_list.title])
    overview["A1"].font = Font(size=14, bold=True)
    overview.append([f"数据截至: {chinese_date(check_list.as_of)}", "", "",
                     f"生成日期: {chinese_date(made_on or dt.date.today())}"])
    overview.append([check_list.how_drawn])
    overview.append(list(OVERVIEW_HEADERS))
    for cell in overview[HEADER_ROW]:
        cell.font, cell.border, cell.alignment = Font(bold=True), BORDER, CENTER
    for c in check_list.communities.itertuples(index=False):
        overview.append([c.street_name, c.short_name, int(c.eligible_home), int(c.visited_home),
                         None if pd.isna(c.visit_rate_home) else float(c.visit_rate_home), int(c.to_visit_count),
                         int(c.lead_count), int(c.draw_weight), len(rows_of(check_list, c.code))])
        for cell in overview[overview.max_row]:
            cell.border = BORDER
        overview.cell(overview.max_row, 5).number_format = RATE_FORMAT
    widths = (12, 14, 8, 8, 12, 9, 9, 9, 9)
    for column, width in zip("ABCDEFGHI", widths, strict=True):
        overview.column_dimensions[column].width = width
    # the title and how they were drawn wrapped across the table's width, not one line past it that the page's fit to
    # its width shrank the table for (probe 30 L10: the table printed at about 5 pt)
    for row in (1, 3):
        overview.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        overview.cell(row, 1).alignment = WRAP
        lines = math.ceil(display_width(overview.cell(row, 1).value) / (sum(widths) * 0.9))
        overview.row_dimensions[row].height = (20 if row == 1 else 15) * max(1, lines)
    print_setup(overview)
    names: set[str] = set()
    for c in check_list.communities.itertuples(index=False):
        _community_sheet(workbook, check_list, c, names)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _community_sheet(workbook: Workbook, check_list: CheckList, community, names: set[str]) -> None:
    title = community.short_name[:28]
    while title in names:  # two communities of one name in different streets
        title = f"{title[:26]}_{len(names)}"
    names.add(title)
    sheet = workbook.create_sheet(title)
    last = get_column_letter(len(HEADERS))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = check_list.community_title(community)
    sheet["A1"].font, sheet["A1"].alignment = Font(size=14, bold=True), CENTER
    sheet["A2"] = check_list.community_summary(community)
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"].alignment = WRAP
    sheet.row_dimensions[2].height = 30
    sheet["A3"] = "核实人:                    核实日期:        年    月    日          社区陪同人员:"
    sheet.merge_cells(f"A3:{last}3")
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font, cell.border, cell.alignment = Font(bold=True), BORDER, CENTER
    sheet.row_dimensions[HEADER_ROW].height = 30
    for values in rows_of(check_list, community.code):
        sheet.append(values)
        # room for the wrapped checks and for a note written by hand
        lines = sum(-(-len(line) // 22) for line in values[HEADERS.index("核实事项")].split("\n"))
        sheet.row_dimensions[sheet.max_row].height = max(36, 16 * lines + 6)
        for column, cell in enumerate(sheet[sheet.max_row], start=1):
            cell.border = BORDER
            cell.alignment = CENTER if HEADERS[column - 1] in ("序号", *TICKS) else WRAP
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as typed, never a formula
            if HEADERS[column - 1] in TICKS:
                cell.font = Font(size=14)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
