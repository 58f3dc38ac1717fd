"""Tables shown on screens and exported to Excel/CSV: one builder each, so exports match the screen."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from dashboard import auth, context, queries
from dashboard.accounts import beijing_time
from dashboard.i18n import STRINGS, change_reason_label, field_label, listed, t, value_label, warning_label
from etl.formulas import spreadsheet_csv
from etl.months import chinese_date, in_progress, month_title
from etl.settings import RISK_LEVELS, shown_categories
from etl.sheets import print_setup
from etl.workbooks import display_width

# Who, where, who goes and how urgent first: that is what staff planning visits read, often on a phone.
PEOPLE_COLUMNS = ("name", "street", "community", "visitor", "risk_level", "status", "overdue_days",
                  "last_home_visit_date", "due_date", "last_visit_date", "last_visit_method", "categories", "age",
                  "phone", "id_number")
# The open problems' list (风险): what was found, since when, for how long, then who and where as the work list says
PROBLEM_COLUMNS = ("name", "street", "community", "problem", "problem_since", "problem_days", "risk_level",
                   "last_visit_date", "last_visit_method", "categories", "age", "phone", "id_number")
# (批次 first: a rejected row's status names the load that fixed it or rejected it again, probe 29 M5)
LOAD_COLUMNS = ("load_id", "file_name", "kind", "loaded_at", "rows_read", "rows_loaded", "rows_rejected",
                "warning_count", "report_date")
REJECT_COLUMNS = ("file_name", "sheet_name", "row_number", "reason", "reject_status")
FRESHNESS_COLUMNS = ("place_name", "latest_visit_date", "visit_count", "roster_file", "roster_date",
                     "contacts_file", "contacts_date")
WARNING_COLUMNS = ("street_name", "code", "warning_count", "file_count")
UNLINKED_COLUMNS = ("street_name", "kind", "reason", "record_count", "file_count", "latest_record_date")
UNKNOWN_VALUE_COLUMNS = ("field", "value", "occurrence_count", "streets", "file_count")
CHANGE_COLUMNS = ("name", "id_number", "street", "community", "change_reason", "change_date", "visited_before",
                  "visited_now")
ALERT_COLUMNS = ("file_name", "street_name", "community", "alert_code", "message")
SNAPSHOT_COLUMNS = ("street_name", "file_name", "snapshot_date", "community_count", "elder_count", "communities")
# The audit log's times (stored in UTC) as a bureau reads them: Beijing time, which keeps no summer time
AUDIT_COLUMNS = ("at", "username", "role", "user_place", "event", "place", "detail", "row_count", "file_sha256",
                 "remote_addr")
FINDING_COLUMNS = ("street_name", "community", "name", "id_number", "finding", "file_name", "row_number")


# Tables of people (masked): shown to roles with "people", exported by roles with "export_people".
PERSON_TABLES = frozenset({"people", "changes", "findings", "rejects"})
# Tables of no one's row but of free text typed about people (the values no mapping knows: a diagnosis, a carer's
# name, an address; review 2026-12-04): for the roles that see person lists, not the analyst's figures only
TEXT_TABLES = frozenset({"unknown_values"})

# Rows sent to a table on screen; the export always has every row.
DISPLAY_LIMIT = 1000


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows for the grid. Through Arrow: pandas' own to_dict is slow on Arrow-backed strings."""
    return pa.Table.from_pandas(frame, preserve_index=False).to_pylist()


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as 2026-10-05, times of day only where there are some (load times)."""
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            values = frame[column].dropna()
            has_time = bool(len(values)) and bool((values != values.dt.normalize()).any())
            shown = frame[column].dt.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")
            frame[column] = shown.where(frame[column].notna(), "")
    return frame


def _status(overdue: bool, not_visited: bool, has_left: bool, exit_date, consent, lang: str,
            visited_home: bool = True) -> str:
    if has_left:
        return t("status_exited", lang, date=f"{exit_date:%Y-%m-%d}")
    # one who declined visits is counted overdue as DESIGN §4 says, but said to have declined: staff planning
    # the week's visits do not go (probe P: five of fourteen overdue had declined, nothing said so). One neither
    # due nor visited at home this month is not counted in its rate yet (listed within it: review 7b, 本月已上门
    # beside 记录期内未上门)
    return listed([t("status_declined", lang)] * (consent == "不同意") + [t("status_overdue", lang)] * bool(overdue)
                  + [t("status_not_visited", lang)] * bool(not_visited), lang) or t(
        "status_ok" if visited_home else "status_not_counted", lang)


def people_table(frame: pd.DataFrame, lang: str, unshown: tuple[str, ...],
                 columns: tuple[str, ...] = PEOPLE_COLUMNS) -> pd.DataFrame:
    """Masked people with their status, in the display order of the work list; who left says when. `unshown`: the
    categories masked as their names are (context.unshown_categories: health, disability); `columns`: the work
    list's, or PROBLEM_COLUMNS."""
    status = [_status(*flags[:5], lang, bool(flags[5]) if pd.notna(flags[5]) else False)
              for flags in zip(frame["is_overdue"], frame["is_not_visited_this_month"], frame["has_left"],
                               frame["exit_date"], frame["consent"], frame["visited_home"], strict=True)]
    shown = frame.assign(
        # a roster row without a name loads by its ID number (DESIGN §3): said so, not a blank cell to click
        name=frame["name"].fillna(t("name_not_written", lang)),
        # blank, not NaN or 12.0, for those who left; and for those not yet due, not 0 (review 16 L3: read as 0 days
        # late)
        overdue_days=frame["overdue_days"].astype("Int64").mask(frame["overdue_days"] == 0),
        categories=[listed((value_label(c, lang) for c in shown_categories(cats, unshown)), lang)
                    for cats in frame["categories"]],
        risk_level=[value_label(r, lang) for r in frame["risk_level"]],
        last_visit_method=[value_label(m, lang) for m in frame["last_visit_method"]],
        status=status,
        problem=[t("problem_emergency" if emergency else "problem_found", lang) if pd.notna(emergency) else ""
                 for emergency in frame["open_problem_is_emergency"]],
        problem_since=frame["open_problem_since"],
        problem_days=frame["open_problem_days"].astype("Int64"),
    )
    shown = _dates_as_text(shown[list(columns)].copy())
    # the clock of someone never visited starts when the street's records do (DESIGN §4, overdue); of a street that
    # has sent none, when the district's do, which the list says rather than 记录期内未上门 (review 13 L2: 逾期 104 天
    # of a street that had sent its roster only)
    if "last_home_visit_date" in columns:
        never = frame["is_never_home_visited"].to_numpy(dtype=bool)
        unreported = never & frame["street_sent_no_visits"].to_numpy(dtype=bool)
        shown.loc[never & ~unreported, "last_home_visit_date"] = t("never_home_visited", lang)
        shown.loc[unreported, "last_home_visit_date"] = t("street_sent_no_visits", lang)
    return shown


def _visited(value, lang: str) -> str:
    return t("not_counted", lang) if value is None or pd.isna(value) else t("yes" if value else "no", lang)


def change_table(frame: pd.DataFrame, lang: str, group: str = "joined") -> pd.DataFrame:
    """The people behind a 底册变动 count: why and when they joined or left, visited last month and this.
    Those who stayed have neither a reason nor a date: their lists leave the two columns out."""
    shown = frame.assign(
        change_reason=[change_reason_label(j if isinstance(j, str) else r, lang)
                       for j, r in zip(frame["joined_reason"], frame["left_reason"], strict=True)],
        visited_before=[_visited(v, lang) for v in frame["visited_before"]],
        visited_now=[_visited(v, lang) for v in frame["visited_now"]],
    )
    columns = [c for c in CHANGE_COLUMNS if not (group.startswith("stayed") and c in ("change_reason", "change_date"))]
    return _dates_as_text(shown[columns].copy())


def change_file_name(target: queries.Place, month: str, group: str, reason: str | None) -> str:
    kind = "底册变动" if group in ("joined", "left") else "月探访率变化"
    what = t(f"group_{group}") + (f"_{change_reason_label(reason)}" if reason else "")
    return f"{target.short_name}_{month}_{kind}_{what}"


@dataclass(frozen=True)
class Built:
    """A table as shown and exported: its rows (display columns), its file's name (without the suffix) and its
    title, the first line of its workbook (what list, of which place, for which month)."""

    frame: pd.DataFrame
    name: str
    title: str


def build(spec: dict, wh: queries.Warehouse, scope: str,
          on_recompute: Callable[[], None] | None = None) -> Built:
    """The rows, file name and title of an export spec stored beside a table.

    The spec comes from the browser; the scope does not, so a user can only export what they may see.
    """
    lang = spec.get("lang", "zh")
    kind = spec["table"]
    if kind in ("people", "changes"):
        state = _resolved(spec, wh, scope, lang, on_recompute)
        wh, target, month = state.wh, state.target, state.month
        when = _month_words(month, state.as_of, lang)
    if kind == "people":
        frame = people_table(_people(spec, wh, target, month, scope), lang, context.unshown_categories(),
                             PROBLEM_COLUMNS if spec.get("open_problems") else PEOPLE_COLUMNS)
        which = "open_problems" if spec.get("open_problems") else "work_list" if spec.get("work_list") else "people"
        return Built(frame, f"{target.short_name}_{month}_{'逾期名单' if spec.get('work_list') else '名单'}"
                            f"{'_本周' if spec.get('week') else ''}",
                     t(f"export_title_{which}", lang, place=target.name, month=when) + _filters_said(spec, lang))
    if kind == "changes":
        group = spec["group"] if spec.get("group") in queries.CHANGE_GROUPS else "joined"
        reason = _text(spec.get("reason"))
        frame = queries.change_people(wh, target, month, scope, group, reason)
        what = t(f"group_{group}", lang) + (f" · {change_reason_label(reason, lang)}" if reason else "")
        return Built(change_table(frame, lang, group), change_file_name(target, month, group, reason),
                     t("export_title_changes" if group in ("joined", "left") else "export_title_rate_moves", lang,
                       place=target.name, month=when, group=what))
    frame, name = _data_table(kind, spec, wh, scope, lang)
    words = name if lang == "zh" else t(f"{kind}_title", lang)
    return Built(frame, name, f"{queries.root_place(wh, scope).name} {words}")


def _month_words(month: str, as_of: dt.date, lang: str) -> str:
    """A list's month as its title says it: 2026年11月, with the day its data end when short of the month."""
    if lang == "zh":
        return month_title(month, as_of)
    short = in_progress(dt.date.fromisoformat(f"{month}-01"), as_of)
    return month + (f", data to {as_of:%d %b}, not a whole month" if short else "")


def _data_table(kind: str, spec: dict, wh: queries.Warehouse, scope: str, lang: str) -> tuple[pd.DataFrame, str]:
    """The rows and file name of a table of the Data and audit pages (of the user's whole place)."""
    if kind == "alerts":
        frame = queries.roster_alerts(wh, scope)
        # (a roster's own alert by its name, a file warning that is an alert as the warnings say it)
        frame["alert_code"] = _labelled(frame["code"], lambda code, lang: t(f"alert_{code}", lang)
                                        if f"alert_{code}" in STRINGS else warning_label(code, lang), lang)
        frame["street_name"] = frame["street_name"].fillna("")
        # (the file has a column of its own: its message without the file's name before it, as the clerk was told)
        frame["message"] = [m.removeprefix(f"{f}: ") for m, f in zip(frame["message"], frame["file_name"], strict=True)]
        return frame[list(ALERT_COLUMNS)], "导入提醒"
    if kind == "snapshots":
        return _dates_as_text(queries.roster_snapshots(wh, scope)[list(SNAPSHOT_COLUMNS)]), "现行底册"
    if kind == "loads":
        frame = queries.loads(wh, scope)
        frame["kind"] = [t(f"kind_{k}", lang) for k in frame["kind"]]
        return _dates_as_text(frame[list(LOAD_COLUMNS)]), "导入记录"
    if kind == "rejects":
        frame = queries.rejects(wh, scope, limit=1_000_000)
        frame["reject_status"] = [t(f"reject_{status}", lang, load=None if pd.isna(by) else int(by))
                                  for status, by in zip(frame["status"], frame["resolved_by"], strict=True)]
        return frame[list(REJECT_COLUMNS)], "拒收的行"
    if kind == "freshness":
        return _dates_as_text(queries.freshness(wh, scope)[list(FRESHNESS_COLUMNS)]), "数据新鲜度"
    if kind == "warnings":
        frame = queries.warning_counts(wh, scope)
        frame["street_name"] = frame["street_name"].fillna(t("no_street", lang))
        frame["code"] = _labelled(frame["code"], warning_label, lang)
        return frame[list(WARNING_COLUMNS)], "导入警告"
    if kind == "unlinked":
        frame = queries.unlinked_counts(wh, scope)
        frame["street_name"] = frame["street_name"].fillna(t("no_street", lang))
        frame["kind"] = [t(f"kind_{kind}", lang) for kind in frame["kind"]]
        frame["reason"] = [t(f"unlinked_{reason}", lang) for reason in frame["reason"]]
        return _dates_as_text(frame[list(UNLINKED_COLUMNS)]), "未关联到底册的记录"
    if kind == "unknown_values":
        frame = queries.unknown_values(wh, scope)
        frame["field"] = _labelled(frame["field"], field_label, lang)
        return frame[list(UNKNOWN_VALUE_COLUMNS)], "未识别的值"
    if kind == "findings":
        return queries.roster_findings(wh, scope)[list(FINDING_COLUMNS)], "底数不清"
    if kind == "audit":
        return audit_table(wh, scope, spec.get("since"), lang), "审计记录"
    raise ValueError(f"unknown table {kind}")


def _labelled(values: pd.Series, label: Callable[[str, str], str], lang: str) -> list[str]:
    """Each value in words, each distinct value looked up once (a province's tables run to 40,000 rows)."""
    words: dict = {}
    return [words[v] if v in words else words.setdefault(v, label(v, lang)) for v in values]


def audit_table(wh: queries.Warehouse, scope: str, since: str | None, lang: str) -> pd.DataFrame:
    """Audit records of the users within the admin's place, newest first."""
    context.require("admin")
    try:
        start = dt.date.fromisoformat(since) if since else None
    except ValueError:
        start = None
    frame = pd.DataFrame(auth.accounts().events(start), columns=["id", *AUDIT_COLUMNS])
    # (the whole warehouse is the place of an admin of its only district: a whole export is theirs to see)
    codes = set(queries.all_places(wh, scope)["code"]) | (
        {queries.ALL} if scope in (queries.ALL, queries.root_place(wh).code) else set())
    # the admin's users' records; of records without a user's place (account commands, sign-ins under
    # unknown names), those about a place of theirs, or all of them for an admin of everything
    frame = frame[frame["user_place"].isin(codes)
                  | (frame["user_place"].isna() & (frame["place"].isin(codes) | (scope == queries.ALL)))]
    # a code of a place beyond the admin's (what their users tried to open) is not theirs to read
    beyond = re.compile(r"\d{12}")

    def own(text):
        return beyond.sub(lambda m: m.group(0) if m.group(0) in codes else "辖区外", text) \
            if isinstance(text, str) else text

    names = {code: name for code, name in queries.all_places(wh, scope)[["code", "name"]].itertuples(index=False)}
    names[queries.ALL] = t("all_places", lang)

    def place_name(code):  # a place by its name, as the screens say it; one beyond the admin's, unnamed
        return names.get(code, "辖区外") if isinstance(code, str) else ""

    frame = frame.assign(at=frame["at"].map(beijing_time),
                         role=[t(f"role_{r}", lang) if isinstance(r, str) else "" for r in frame["role"]],
                         # (an event without a name in i18n is shown by its code, rather than failing the page)
                         event=[t(f"event_{e}", lang) if f"event_{e}" in STRINGS else e for e in frame["event"]],
                         user_place=frame["user_place"].map(place_name), place=frame["place"].map(place_name),
                         detail=[detail_words(own(d), names, lang) for d in frame["detail"]],
                         file_sha256=frame["file_sha256"].fillna("").str[:12])
    return frame[list(AUDIT_COLUMNS)].reset_index(drop=True)


def detail_words(detail: str | None, names: dict[str, str], lang: str) -> str:
    """An audit record's details (stored as JSON) in words: each key as i18n's detail_ names it, a list by its
    screen's title, a role, a group and a place by their names, yes or no; a key or a value it does not know as
    stored (a record of an older or newer version)."""
    if not isinstance(detail, str) or not detail:
        return ""
    try:
        items = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(items, dict):
        return detail
    # a people list narrowed to the work list or the open problems is named as that list (review 7b L12: the staff's
    # 逾期名单 export had read 社区老人名单)
    if items.get("table") == "people":
        narrowed = next((flag for flag in ("work_list", "open_problems") if items.get(flag)), None)
        if narrowed:
            items = {**items, "table": narrowed}
            items.pop(narrowed)

    def word(key: str, value) -> str:
        for prefix in {"table": ("list_",), "role": ("role_",), "group": ("group_",), "kind": ("kind_",),
                       "status": ("upload_status_",), "permission": ("permission_",), "lang": ("lang_",)}.get(key, ()):
            if f"{prefix}{value}" in STRINGS:
                return t(f"{prefix}{value}", lang)
        if value is None:  # (an upload that failed has no kind)
            return "—"
        if isinstance(value, bool):
            return t("detail_yes" if value else "detail_no", lang)
        if isinstance(value, list):
            return "、".join(word(key, item) for item in value)
        return names.get(value, str(value)) if isinstance(value, str) else str(value)

    return "; ".join(f"{t(f'detail_{key}', lang) if f'detail_{key}' in STRINGS else key} {word(key, value)}"
                     for key, value in sorted(items.items(), key=lambda item: item[0] != "table"))  # the list first


def _filters_said(spec: dict, lang: str) -> str:
    """The filters a people list was narrowed by, after its title: a printed week's list of 37 had read as the
    whole list of 70 (review 7b)."""
    said = [t("filter_due_week", lang, days=queries.DUE_WITHIN)] if spec.get("week") else []
    said += [f"{t('filter_category', lang)} {category}"] if (category := _text(spec.get("category"))) else []
    risk = [r for r in spec.get("risk") or () if r in RISK_LEVELS]
    said += [f"{t('filter_risk', lang)} {'、'.join(risk)}"] if risk and len(risk) < len(RISK_LEVELS) else []
    return t("export_filtered", lang, filters="; ".join(said)) if said else ""


def _people(spec: dict, wh: queries.Reader, target: queries.Place, month: str, scope: str) -> pd.DataFrame:
    """The list a people table shows, whole and in its order (rows on screen are its first ones)."""
    risk = tuple(r for r in spec.get("risk") or () if r in RISK_LEVELS)
    return queries.people(wh, target, month, scope, work_list=bool(spec.get("work_list")),
                          category=_text(spec.get("category")), risk=risk,
                          open_problems=bool(spec.get("open_problems")),
                          due_within=queries.DUE_WITHIN if spec.get("week") else None, limit=1_000_000)


def person_at(spec: dict, position: int, wh: queries.Warehouse, scope: str) -> dict | None:
    """The unmasked details of the person in row `position` of a people table (as make_table keys rows), and as the
    list shows them, masked (`shown`: what the audit log may say of whom it was)."""
    if spec.get("table") != "people" or not isinstance(position, int) or position < 0:
        raise ValueError("not a row of a list of people")
    state = _resolved(spec, wh, scope, "zh")
    people = _people(spec, state.wh, state.target, state.month, scope)
    if position >= len(people):
        return None
    person = queries.unmasked(state.wh, people["elder_id"].iloc[position], scope)
    return person and person | {"categories": list(people["categories"].iloc[position]),
                                "shown": {"name": people["name"].iloc[position],
                                          "id_number": people["id_number"].iloc[position]}}


def _resolved(spec: dict, wh: queries.Warehouse, scope: str, lang: str,
              on_recompute: Callable[[], None] | None = None) -> context.PageState:
    """The spec's place, month and as-of date checked and resolved as the page does (the same
    recomputed month); a place outside the scope is refused."""
    if not isinstance(spec.get("place"), str):  # a list of a page always names its place
        raise TypeError("an export names its place")
    try:
        state = context.resolve(wh, scope, spec["place"], _text(spec.get("month")), lang, _text(spec.get("as_of")),
                                on_recompute)
    except context.PageProblem as problem:
        raise queries.OutOfScope(spec.get("place")) from problem
    if spec.get("month") and state.month != spec["month"]:  # a page offers only months with data
        raise ValueError("no such month")
    return state


def _text(value) -> str | None:
    """A text field of an export spec (it comes from the browser): a string, or nothing."""
    if value is None or isinstance(value, str):
        return value or None
    raise TypeError("expected text")


def headers(columns: tuple[str, ...], lang: str) -> list[tuple[str, str]]:
    return [(column, t(f"col_{column}", lang)) for column in columns]


def to_file(built: Built, columns: tuple[str, ...], lang: str, file_format: str, personal: bool = False,
            made_on: dt.date | None = None) -> bytes:
    """Excel or CSV (UTF-8 with BOM, so that Excel opens Chinese correctly) with display headers.

    A CSV is the rows alone, to be read by a program. A workbook is to be read and printed: its title (what list,
    of which place, for which month), the day it was made (and, for lists of people, how to keep it), then the
    header row, kept in view and on every printed page (A4 landscape, a page wide, numbered).

    Text is never a formula: CSV cells that start like one get a leading ', and Excel cells are
    written as text (data_type s), so that a cell typed as =HYPERLINK(...) opens as the text it is."""
    named = built.frame.rename(columns=dict(headers(columns, lang)))
    if file_format == "csv":
        return spreadsheet_csv(named).encode("utf-8")
    workbook = Workbook(write_only=True)  # streams rows: several times faster than pandas' to_excel
    sheet = workbook.create_sheet(re.sub(r"[][:*?/\\]", "", built.name)[:31] or "Sheet1")
    width = max(len(named.columns), 1)
    for column, header in enumerate(named.columns, start=1):  # wide enough for the header and the longer values
        longest = max([display_width(str(header)),
                       *(display_width(str(v)) for v in named[header].head(200) if v is not None)])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 6), 40)
    day = made_on or dt.date.today()
    made = (t("export_made", lang, day=chinese_date(day) if lang == "zh" else f"{day:%d %b %Y}")
            + (t("export_personal", lang) if personal else ""))
    # (a write-only sheet's view and print setup are written as its first row is)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.oddFooter.center.text = t("export_page", lang)
    sheet.print_options.gridLines = True  # ruled as a printed list is, without a border styled on every cell
    sheet.append([_styled(sheet, built.title, font=Font(size=14, bold=True))])
    sheet.append([_styled(sheet, made, font=Font(color="555555"))])
    sheet.append([_styled(sheet, header, font=Font(bold=True), fill=HEADER_FILL, border=BORDER,
                          alignment=Alignment(wrap_text=True)) for header in named.columns])
    sheet.merged_cells.ranges.update(  # (write-only: merged as the file is written)
        {CellRange(f"A1:{get_column_letter(width)}1"), CellRange(f"A2:{get_column_letter(width)}2")})
    for row in records(named):
        sheet.append([_cell(sheet, value) for value in row.values()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_ROW = 3  # an exported workbook's header row, below its title and the day it was made
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _styled(sheet, value: str, **styles) -> WriteOnlyCell:
    """A text cell with openpyxl's styles (font=, fill=, border=, alignment=)."""
    cell = _cell(sheet, value)
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def _cell(sheet, value):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store a string starting with = as a formula
    return cell


# (a list of people has the work list's columns or the open problems': each named in its export)
COLUMNS = {"people": tuple(dict.fromkeys((*PEOPLE_COLUMNS, *PROBLEM_COLUMNS))), "loads": LOAD_COLUMNS,
           "rejects": REJECT_COLUMNS,
           "freshness": FRESHNESS_COLUMNS, "warnings": WARNING_COLUMNS, "unknown_values": UNKNOWN_VALUE_COLUMNS,
           "unlinked": UNLINKED_COLUMNS,
           "findings": FINDING_COLUMNS, "changes": CHANGE_COLUMNS, "alerts": ALERT_COLUMNS,
           "snapshots": SNAPSHOT_COLUMNS, "audit": AUDIT_COLUMNS}
