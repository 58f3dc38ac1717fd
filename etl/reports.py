"""The monthly 汇总表 (附件2 of the Heping plan): one row per street of a district, or per community of
a street, and a 合计 row, in the official layout as an Excel workbook.

Every figure comes from the marts as `carevisit metrics` reads them (etl/sql/reports/monthly_summary.sql);
合计 counts are sums and 合计 rates are recomputed from the summed counts, never averaged.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from etl import metrics
from etl.months import chinese_date, in_progress, month_title
from etl.settings import (
    CONTACTS_UNREPORTED,
    HIDDEN_TOO,
    RATE_FORMAT,
    ROSTER_UNREPORTED,
    VISITS_UNSENT,
    contacts_unreported,
    hidden_parts,
    roster_left_out,
    small_count,
)
from etl.sheets import print_setup
from etl.warehouse import first_row, prepare, sql
from etl.workbooks import display_width

# (column, header, group): a group of None stands alone, spanning both header rows
COUNTS = (
    ("community_count", "社区数", None),
    ("elders_60_count", "60岁及以上老年人", None),
    ("special_count", "合计", "特殊困难老年人"),
)
# 本月变动 adds up: 上月末 + 新增 - 减少 = 本月末, the next month's 上月末 (probe 30 M1: the 合计 of the month, which
# holds its joiners and its leavers, + 新增 - 减少 read as the next month's 合计, and did not give it)
AFTER_CATEGORIES = (
    ("special_before", "上月末", "本月变动"),
    ("joined_count", "新增", "本月变动"),
    ("left_count", "减少", "本月变动"),
    ("special_now", "本月末", "本月变动"),
    ("declined_count", "不同意探访", None),
    ("eligible_home", "应上门探访", "探访"),
    ("visited_home", "已上门探访", "探访"),
    # each rate beside its numerator and its denominator (DESIGN §4; probe P: 277 visited of 278 read as of 276)
    ("eligible_any", "应探访(任意方式)", "探访"),
    ("visited_any", "已探访(任意方式)", "探访"),
    ("visited_phone", "其中电话", "探访"),
    ("visited_video", "其中视频", "探访"),
    ("visited_other", "其中其他方式", "探访"),
    ("visit_count", "探访人次", "探访"),
    ("visit_rate_home", "月探访率(上门)", "探访"),
    ("visit_rate_any", "月探访率(任意方式)", "探访"),
    ("alone_count", "独居老年人", "独居"),
    ("daily_contact_rate", "日联系率", "独居"),
    ("disabled_count", "失能老年人", "失能"),
    ("disabled_with_contact", "已明确联系人", "失能"),
    ("help_rate", "社区帮扶率", "失能"),
    ("problem_found_count", "发现问题(件)", "问题与紧急情况"),
    ("problem_closed_count", "本月办结(件)", "问题与紧急情况"),
    ("problem_referred_count", "转介(件)", "问题与紧急情况"),
    ("emergency_visit_count", "紧急情况(人次)", "问题与紧急情况"),
)
# rate: (numerator, denominator), recomputed for 合计
RATES = {
    "visit_rate_home": ("visited_home", "eligible_home"),
    "visit_rate_any": ("visited_any", "eligible_any"),
    "daily_contact_rate": ("contact_days_covered", "contact_days_eligible"),
    "help_rate": ("disabled_with_contact", "disabled_count"),
}
# What a row says of a place that no roster lists (MonthlySummary.row_name), and its cells (MonthlySummary.cell)
UNREPORTED = ROSTER_UNREPORTED
NOT_LISTED = "—"
# What a 社区帮扶率 cell says of a place whose streets sent no contact list (settings.contacts_unreported)
UNREPORTED_CELL = "未报送"
# the 本月变动 columns, which place_changes counts for the place itself (its 合计), in summarize's query's order
CHANGES = ("special_before", "joined_count", "left_count", "special_now")
HIDDEN_COUNTS = ("contact_days_eligible", "contact_days_covered", "disabled_unreported_count")
# What the rates and the problem counts mean: said under the 汇总表 and the 通报 alike
RATE_NOTES = ("月探访率 = 已探访人数 / 应探访人数 (不同意探访者, 以及本月离开而本月未探访的人, 不计入应探访); "
              "日联系率按独居老年人联系天数计算; "
              f"社区帮扶率 = 已明确联系人的失能老年人 / 失能老年人; 失能老年人所在社区均{CONTACTS_UNREPORTED}的, "
              f"社区帮扶率记为「{UNREPORTED_CELL}」, 部分社区未报送的, 其失能老年人计为未明确联系人。",
              "合计行的比率由合计人数重新计算。",
              "探访发现的问题 (含紧急情况), 在此后的探访记录处置结果为已解决时办结; 记录中没有处置结果的, "
              "在此后一次上门探访未发现问题时办结; 本月办结的含以前各月发现的, 可多于本月发现的。")
# The 汇总表's notes: its categories, the rates, its counts by method; those of a kind of row (None: always) only
# where the table has such a row (probe 30 L5: a street's table spoke of streets that sent no roster, beside none)
NOTES = (
    (None, "一人可属多个类别, 各类别人数之和可大于特殊困难老年人合计。"), *((None, note) for note in RATE_NOTES),
    (None, "其中电话、视频、其他方式: 本月以该方式探访成功的人数, 一人可有多种方式, 各项可重叠; "
           "探访人次不含未遇、拒访。"),
    (None, "本月变动: 上月末 + 新增 - 减少 = 本月末, 本月末即下月的上月末。特殊困难老年人合计是本月计入各项比率的人数, "
           "按其本月所在地区计: 月初已在册的 (含本月减少的人) 和本月年满80岁的; 本月新登记、新标注的从下月起计入; "
           "本月在本辖区内迁移的计入迁入地, 故合计可少于上月末。"),
    (None, "合计的上月末、新增、减少、本月末是本辖区的, 在下级地区之间迁移的人不计为新增、减少, "
           "新增、减少可小于各行之和。"),
    (None, f"没有应计人员的比率记为「{NOT_LISTED}」。"),
    ("unreported", f"{UNREPORTED}的地区各项记为「{NOT_LISTED}」(社区数除外), 合计不含这些地区。"),
    ("visits_unsent", f"标「{VISITS_UNSENT}」的, 探访记录中还没有本月的记录, 月探访率按已报送的记录计。"),
    ("hidden", f"人数少的敏感类别显示为「<5」等, 标「{HIDDEN_TOO}」的人数一并隐去 (合计人数少时各行都隐去), "
               "以免由合计与其他各行推算出来。"),
    (None, "独居、失能两组中的老年人数是计算日联系率、社区帮扶率的人数 (不含不同意探访者; "
           "日联系率含月中新登记的独居老年人, 社区帮扶率按统计截止日在册的失能老年人), "
           "与特殊困难老年人中独居、失能的人数口径不同。"),
)


# (sensitive categories, threshold): their small counts are shown as '<threshold' (settings.small_count)
SmallCounts = tuple[tuple[str, ...], int]


class ReportError(Exception):
    """A report that cannot be made; the message says why, in one line."""


@dataclass(frozen=True)
class MonthlySummary:
    place_code: str
    place_name: str
    child_level: str  # street | community | district
    month: str
    as_of: dt.date
    categories: tuple[str, ...]
    rows: pd.DataFrame  # one per child place, then 合计 (level "total")

    @property
    def title(self) -> str:
        """The sheet's title, which says so of a month its data do not cover whole (its rates count only to that day:
        a 3-day December's 16.9 % read as the month's in a sheet sent up)."""
        return f"{self.place_name}特殊困难老年人探访关爱情况汇总表 ({month_title(self.month, self.as_of)})"

    def row_name(self, record: dict) -> str:
        """A row's place as the sheet names it (a community by its short name), and 未报送底册 for a place no roster
        lists: its zeros are no elders counted, not a place without elders (review 2026-12-04: three streets of
        the district showed 0 people and 无应探访)."""
        name = record["short_name"] if record["level"] == "community" else record["name"]
        if record["level"] == "total" and (missing := int(self.rows["unreported"].sum())):
            # a 合计 of the places that sent a roster only, which it says beside the number (review 7b: 和平区's
            # 合计 beside 3 streets of 6 had read as the district's); of none, where none sent one
            if missing == int((self.rows["level"] != "total").sum()):
                return f"合计 ({missing} 个{self.level_name}均未报送底册)"
            return f"合计 ({roster_left_out(missing, self.level_name)})"
        if record.get("unreported"):
            return f"{name} ({UNREPORTED})"
        return f"{name} ({VISITS_UNSENT})" if record.get("visits_unsent") else name

    def cell(self, record: dict, column: str) -> object:
        """What the table shows in `column` of a row: its value, or NOT_LISTED where no roster lists the place (its
        0 people are no count, as a rate of nothing is none: DESIGN §4), but its 社区数; and in the 合计 where no place
        lists any (a street none of whose communities sent a roster: review 15 L4, a 合计 of 0)."""
        unlisted = record.get("unreported") or (record["level"] == "total" and bool(
            self.rows.loc[self.rows["level"] != "total", "unreported"].all()))
        value = NOT_LISTED if unlisted and column != "community_count" else record[column]
        # a rate with nobody to count (DESIGN §4: null) is — as the 通报 prints it, not a blank (review 19 L2)
        return NOT_LISTED if column in RATES and not isinstance(value, str) and pd.isna(value) else value

    @property
    def level_name(self) -> str:
        return {"street": "街道", "community": "社区", "district": "区"}[self.child_level]

    @property
    def footnote(self) -> str:
        """The notes under the table; of a month its data do not cover whole, first that its rates count only to that
        day (review 19 L6: 19.3 % on the 6th, beside nothing that said it is no month's)."""
        hidden = any(isinstance(value, str) for column in self.rows if column.startswith("category:")
                     for value in self.rows[column])
        has = {"unreported": bool(self.rows["unreported"].any()),
               "visits_unsent": bool(self.rows["visits_unsent"].any()), "hidden": hidden}
        notes = [note for kind, note in NOTES if kind is None or has[kind]]
        first = (f"本表数据截至 {self.as_of.month} 月 {self.as_of.day} 日, 未满整月: 各比率只计到该日, "
                 "不宜与整月的数字比较, 应与上月同期比较 (见通报和看板)。" if self._in_progress else "")
        return "注: " + first + "".join(f"{n}. {note}" for n, note in enumerate(notes, 1))

    def columns(self) -> list[tuple[str, str, str | None]]:
        """(column, header, group) in the table's order, categories after the special-difficulty total; a
        street's variant (a row per community) without 社区数, which is 1 on every row."""
        counts = [c for c in COUNTS if not (self.child_level == "community" and c[0] == "community_count")]
        # of a month in progress, 本月末 is the count on its as-of day, and says so
        after = [(column, f"截至{self.as_of.day}日", group) if column == "special_now" and self._in_progress
                 else (column, header, group) for column, header, group in AFTER_CATEGORIES]
        return [*counts, *((f"category:{c}", c, "特殊困难老年人") for c in self.categories), *after]

    @property
    def _in_progress(self) -> bool:
        return in_progress(dt.date.fromisoformat(f"{self.month}-01"), self.as_of)

    def header_groups(self) -> list[tuple[str, list[str] | None]]:
        """The top header row, left to right: (text, the headers under it); a column without a group
        has none under it and spans both header rows."""
        groups: list[tuple[str, list[str] | None]] = []
        for _column, header, group in self.columns():
            if group is not None and groups and groups[-1][1] is not None and groups[-1][0] == group:
                groups[-1][1].append(header)
            else:
                groups.append((group, [header]) if group is not None else (header, None))
        return groups


def monthly_summary(con: duckdb.DuckDBPyConnection, month: str | None, as_of: dt.date | None = None,
                    place: str | None = None, small_counts: SmallCounts = ((), 0)) -> MonthlySummary:
    """The 汇总表 of `place` (default: the warehouse's only district, else all districts) for `month`."""
    code, name, level = _place(con, place)
    try:
        month_start = metrics.month_marts(con, month, as_of, None)
    except metrics.MetricsError as error:
        raise ReportError(str(error)) from error
    return summarize(con, month_start, code, name, level, small_counts)


def summarize(con: duckdb.DuckDBPyConnection, month_start: dt.date, code: str, name: str,
              level: str, small_counts: SmallCounts = ((), 0)) -> MonthlySummary:
    """The 汇总表 of the place `code` (level all | district | street) from the month marts as they stand
    on `con` (stored, or recomputed at another as-of date). `small_counts`: the sensitive categories and the
    threshold below which their counts show as '<threshold' (settings.small_count), the 合计's too."""
    if level == "community":
        raise ReportError(f"{name} 是社区: 汇总表按区 (各街道) 或街道 (各社区) 汇总, 请写区或街道的名称或代码")
    prepare(con)  # the macros (cv_age) on this connection: a dashboard cursor has none
    rows = con.execute(sql("reports/monthly_summary"), {"month_start": month_start, "parent": code}).df()
    if rows.empty:
        raise ReportError(f"{name} 在 {month_start:%Y-%m} 没有下级地区的数据")
    categories = tuple(con.execute("select special_categories from cfg_settings").fetchall()[0][0])
    for category in categories:
        rows[f"category:{category}"] = [int(counts.get(category, 0)) if isinstance(counts, dict) else 0
                                        for counts in rows["by_category"]]
    count_columns = [c for c, _, _ in [*COUNTS, *AFTER_CATEGORIES] if c not in RATES]
    count_columns += [f"category:{c}" for c in categories] + list(HIDDEN_COUNTS)
    total = {column: int(rows[column].sum()) for column in count_columns}
    # who joined and left the place itself: not the sum of its parts, where a move between two of them is a leaver
    # of one and a joiner of the other (probe P: 合计 27/20 beside the overview's 26/19)
    changes = first_row(con, "select special_before, joined_count, left_count, special_now from place_changes "
                             "where code = ? and month_start = ?", [code, month_start]) if level != "all" else None
    if changes is not None:
        total |= {column: int(n) for column, n in zip(CHANGES, changes, strict=True)}
    total |= {"code": code, "level": "total", "name": "合计", "short_name": "合计"}
    rows = pd.concat([rows.drop(columns="by_category"), pd.DataFrame([total])], ignore_index=True)
    listed = metrics.listed_places(con)
    rows["unreported"] = [level != "total" and row_code not in listed
                          for row_code, level in zip(rows["code"], rows["level"], strict=True)]
    reported = (rows["level"] != "total") & ~rows["unreported"]
    if reported.any():  # the 合计 leaves out the places no roster lists, their communities too (probe 30 M2: 63 of 31)
        rows.loc[rows["level"] == "total", "community_count"] = int(rows.loc[reported, "community_count"].sum())
    # a street with no record of the month yet: its own row, or every community of it (metrics.visits_unsent)
    unsent = metrics.visits_unsent(con, month_start)
    rows["visits_unsent"] = [not unreported and row_level != "total" and (row_code in unsent or code in unsent)
                             for row_code, row_level, unreported in zip(rows["code"], rows["level"], rows["unreported"],
                                                                        strict=True)]
    rows["latest_visit_date"] = [unsent.get(row_code, unsent.get(code)) if flagged else None
                                 for row_code, flagged in zip(rows["code"], rows["visits_unsent"], strict=True)]
    for rate, (numerator, denominator) in RATES.items():
        rows[rate] = [n / d if d else None for n, d in zip(rows[numerator], rows[denominator], strict=True)]
    # where no street sent its contact list, the 社区帮扶率 says so: a 0.0 % read as "nobody helped"
    rows["help_rate"] = rows["help_rate"].astype(object).where(~contacts_unreported(rows), UNREPORTED_CELL)
    sensitive, threshold = small_counts
    beside = hidden_beside_siblings(con, code, month_start, small_counts) if level != "all" else set()
    for column in (f"category:{c}" for c in categories if c in sensitive):
        category = column.removeprefix("category:")
        counts = [int(n) for n in rows[column]]  # the rows in the order of their codes, the 合计 last
        # a row beside a small one hidden too (HIDDEN_TOO), so that the 合计 tells only the two together; and the
        # 合计 where the place's count is hidden beside its own siblings' (the district's 汇总表 hides it)
        whole = HIDDEN_TOO if category in beside else \
            f"<{threshold}" if small_count(category, counts[-1], sensitive, threshold) else None
        shown = [*hidden_parts(category, counts[:-1], counts[-1], sensitive, threshold), whole]
        rows[column] = [n if mark is None else mark for n, mark in zip(counts, shown, strict=True)]
    child_level = {"all": "district", "district": "street", "street": "community"}[level]
    as_of_date = pd.Timestamp(rows["as_of"].dropna().iloc[0]).date()
    return MonthlySummary(code, name, child_level, f"{month_start:%Y-%m}", as_of_date, categories, rows)


def hidden_beside_siblings(con: duckdb.DuckDBPyConnection, code: str, month_start: dt.date,
                           small_counts: SmallCounts) -> set[str]:
    """The sensitive categories whose count in the place `code` shows HIDDEN_TOO wherever it would show (the
    overview's category chart, its 汇总表's 合计), as its parent's 汇总表 shows it (hidden_parts): its parent's count
    less its siblings' would tell a sibling's small one (security review 2026-12-04: the district's 20, 五大道's 9
    and 南营门's 7 told 小白楼's <5), or its parent's count is small (a small count of its own is HIDDEN_TOO too)."""
    sensitive, threshold = small_counts
    if not sensitive or threshold <= 1:
        return set()
    rows = con.execute(sql("reports/category_parts"),
                       {"code": code, "month_start": month_start, "sensitive": list(sensitive)}).fetchall()
    hidden = set()
    for category in {category for _, category, _, _ in rows}:
        parts = [(place, int(n)) for place, c, n, whole in rows if c == category and not whole]
        whole = next((int(n) for _, c, n, is_whole in rows if c == category and is_whole), sum(n for _, n in parts))
        flags = hidden_parts(category, [n for _, n in parts], whole, sensitive, threshold)
        if code in {place for (place, _), flag in zip(parts, flags, strict=True) if flag == HIDDEN_TOO}:
            hidden.add(category)
    return hidden


def _place(con: duckdb.DuckDBPyConnection, place: str | None) -> tuple[str, str, str]:
    if place in (None, "all"):
        districts = con.execute("select code, name from place_tree where level = 'district' order by code").fetchall()
        if len(districts) == 1 and place is None:
            return districts[0][0], districts[0][1], "district"
        return "all", "全部辖区", "all"
    row = first_row(con, "select code, name, level from place_tree where code = ?", [place])
    if row is None:
        raise ReportError(f"地区代码 {place} 不在本库的区划中")
    return row


# --- the workbook ------------------------------------------------------------------------------


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ROW = 4  # rows 1-3: title, 填报 block, 单位
# Every cell's font: a Chinese one, as the official forms are set (openpyxl's default, Calibri, has no Chinese:
# names and numbers then print in another font than the headers)
FONT = "宋体"
# The lines under the notes, signed by hand
SIGN_OFF = ("审核人:", "单位负责人:", "填报单位 (盖章):")
NUMBER_WIDTH = 7  # a number column's width in characters: some 30 columns print on A3 landscape at their size


def to_workbook(summary: MonthlySummary, reporter: str = "", unit: str | None = None,
                report_date: dt.date | None = None) -> bytes:
    """The 汇总表 as .xlsx: merged two-row header, numbers as numbers, rates as 0.0 %, A3 landscape (its
    thirty-odd columns fitted to one page's width; on A4 they printed at 4 pt) with the header rows repeated on
    every printed page."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "汇总表"
    columns = summary.columns()
    width = len(columns) + 1
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = summary.title
    sheet["A1"].font = Font(name=FONT, size=16, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 30
    sheet["A2"] = f"填报单位: {unit or summary.place_name}"
    sheet["F2"] = f"填报人: {reporter}"
    sheet["K2"] = f"填报日期: {chinese_date(report_date or dt.date.today())}"
    sheet["A3"] = f"数据截至: {chinese_date(summary.as_of)}"
    sheet[f"{last}3"] = "单位: 人"
    sheet[f"{last}3"].alignment = Alignment(horizontal="right")
    for reference in ("A2", "F2", "K2", "A3", f"{last}3"):
        sheet[reference].font = Font(name=FONT)

    top, sub = HEADER_ROW, HEADER_ROW + 1
    sheet.merge_cells(start_row=top, start_column=1, end_row=sub, end_column=1)
    sheet.cell(top, 1, summary.level_name)
    first = 2
    for text, headers in summary.header_groups():
        sheet.cell(top, first, text)
        if headers is None:
            sheet.merge_cells(start_row=top, start_column=first, end_row=sub, end_column=first)
            first += 1
            continue
        if len(headers) > 1:
            sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=first + len(headers) - 1)
        for offset, header in enumerate(headers):
            sheet.cell(sub, first + offset, header)
        first += len(headers)
    for row in (top, sub):
        for column in range(1, width + 1):
            cell = sheet.cell(row, column)
            cell.font, cell.alignment, cell.border = Font(name=FONT, bold=True), CENTER, BORDER
    sheet.row_dimensions[sub].height = 45

    for offset, record in enumerate(summary.rows.to_dict("records")):
        row = sub + 1 + offset
        sheet.cell(row, 1, summary.row_name(record))
        for position, (column, _, _) in enumerate(columns, start=2):
            value = summary.cell(record, column)
            cell = sheet.cell(row, position, value if isinstance(value, str) else  # a small count: '<5'
                              None if value is None or pd.isna(value) else
                              (float(value) if column in RATES else int(value)))
            cell.number_format = RATE_FORMAT if column in RATES else "#,##0"
            if isinstance(value, str):
                cell.alignment = Alignment(horizontal="right")
        for column in range(1, width + 1):
            cell = sheet.cell(row, column)
            cell.border = BORDER
            cell.font = Font(name=FONT, bold=record["level"] == "total")
    note_row = sub + len(summary.rows) + 2
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)
    sheet.cell(note_row, 1, summary.footnote).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(note_row, 1).font = Font(name=FONT)
    # the sign-off a form sent up carries, left blank to sign by hand (probe 30 L3)
    for column, text in zip((1, width // 3, 2 * width // 3), SIGN_OFF, strict=True):
        sheet.cell(note_row + 2, column, text).font = Font(name=FONT)

    # the places' column as wide as its longest name (a CJK character two units; 劝业场街道 (未报送底册) had been cut
    # off at 16), at most 32, a longer one wrapped
    names = [summary.row_name(record) for record in summary.rows.to_dict("records")]
    sheet.column_dimensions["A"].width = min(32, max(16, *(display_width(name) + 2 for name in names)))
    for offset in range(len(names)):
        sheet.cell(sub + 1 + offset, 1).alignment = Alignment(wrap_text=True, vertical="center")
    for column in range(2, width + 1):
        # wide enough for its largest number, grouped and bold in the 合计 (a district's 125,075: else ###)
        longest = max((len(f"{cell.value:,}") for (cell,) in sheet.iter_rows(
            min_row=sub + 1, max_row=sub + len(summary.rows), min_col=column, max_col=column)
            if isinstance(cell.value, int)), default=0)
        sheet.column_dimensions[get_column_letter(column)].width = max(NUMBER_WIDTH, longest + 2)
    # the notes as high as their lines across the table's width (a line of 宋体 11 pt some 14.3 pt high; a line wraps
    # short of the edge, a tenth kept for it): at a fixed 48 pt the last note, the one that says why the 独居 and 失能
    # counts differ, did not print (review 11b M2)
    across = sum(sheet.column_dimensions[get_column_letter(column)].width for column in range(1, width + 1))
    sheet.row_dimensions[note_row].height = 14.3 * (math.ceil(display_width(summary.footnote) / (across * 0.9)) + 1)
    sheet.freeze_panes = sheet.cell(sub + 1, 2)
    print_setup(sheet, f"{top}:{sub}", paper="A3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
