"""Putting it together: a district's (or a city's) people and records, written as its streets send them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from etl.demo.arrays import epoch_day
from etl.demo.history import list_elders, listing_frame, roster_history, snapshot_days
from etl.demo.people import assign_visitors, make_elders, make_staff
from etl.demo.rules import place_keys
from etl.demo.setting import Calendar, Places, Style, city_style, district_places, heping_styles, make_diligence
from etl.demo.sheets import (
    Sheet,
    contacts_sheet,
    plant_bad_rows,
    plant_unknown_values,
    roster_sheet,
    roster_warnings,
    side_by_side,
    visits_sheet,
)
from etl.demo.visits import community_on, make_contacts, make_visits
from etl.demo.vocabulary import UNKNOWN_COMMUNITIES
from etl.demo.writers import write_csv, write_xls, write_xlsx
from etl.geography import city_divisions, reference_divisions

CITY_DISTRICTS = 25
PROVINCE_DISTRICTS = 50
BAD_ROW_SHARE = 0.0015
UNKNOWN_VALUE_SHARE = 0.0005


@dataclass(frozen=True)
class Scale:
    """How much a scale generates: elders, months ending at as_of, Heping's streets and the
    communities that lag (all streets, and lagging communities drawn at random, when None)."""

    elders: int
    months: int = 12
    street_codes: tuple[str, ...] | None = None
    lagging: tuple[str, ...] | None = None


SCALES = {
    "district": Scale(130_000),  # Heping as DESIGN §7 sizes it
    "city": Scale(3_000_000),  # 25 districts, one CSV style and one roster a year each
    "province": Scale(6_000_000),  # 50 districts built as the city's are, written a district at a time
    # Quick to build and load, for tests: three streets with every export format among them (小白楼
    # xlsx, 五大道 gb18030 csv, 南营门 xls), the months a month-on-month view needs, and 泰来里 of
    # 五大道 lagging as in the district demo.
    "small": Scale(6_000, months=4, street_codes=("120101002000", "120101003000", "120101005000"),
                   lagging=("120101003009",)),
}


def demo_divisions(scale: str) -> pd.DataFrame:
    """The division list a scale's exports name: Heping, or a synthetic city or province of its copies."""
    if scale not in ("city", "province"):
        return reference_divisions()
    return city_divisions(district_count=CITY_DISTRICTS if scale == "city" else PROVINCE_DISTRICTS)


@dataclass(frozen=True)
class DemoExports:
    files: list[Path]  # in the order they should be loaded
    expected_rejects: dict[str, int]  # file name -> number of deliberately bad rows in it
    as_of: date  # last day covered by visits and contacts
    # roster file name -> rows that load with a warning by design, by kind: unknown_value (an
    # attribute in words no mapping knows), exit_without_date, contradiction (底数不清)
    expected_warnings: dict[str, dict[str, int]] = field(default_factory=dict)
    report_dates: dict[str, date] = field(default_factory=dict)  # roster file name -> 填报日期
    # what the warehouse should make of the rosters (DESIGN §4, roster history): one row per
    # street (district at city scale) and month, as place_changes: special_before, special_now,
    # joined_* and left_* by reason
    roster_history: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class _Written:
    order: tuple
    path: Path
    bad_rows: int
    warnings: dict[str, int] | None = None
    report_date: date | None = None


def _write_sheet(rng: np.random.Generator, sheet: Sheet, path: Path, fmt: str, style: Style,
                 date_fmt: str, unknown_community: str, share: float, calendar: Calendar,
                 candidates: np.ndarray | None = None) -> int:
    plant_bad_rows(rng, sheet, share, fmt, date_fmt, unknown_community, candidates)
    if sheet.kind == "contacts" and style.contact_people > 1:
        # folded after its bad rows are planted, as every street's list: the files after it keep their bytes
        sheet = side_by_side(sheet, style.contact_people, style.variant)
    stamp = datetime.combine(calendar.as_of, datetime.min.time())
    if fmt == "xlsx":
        write_xlsx(path, sheet, stamp)
    elif fmt == "xls":
        write_xls(path, sheet)
    else:
        write_csv(path, sheet, style)
    return sheet.bad_rows


def _write_district(rng: np.random.Generator, out_dir: Path, places: Places,
                    calendar: Calendar, count: int, styles: list[Style] | None,
                    share: float, district_index: int,
                    lagging: np.ndarray | None = None) -> tuple[list[_Written], pd.DataFrame]:
    """Generate one district's people and records and write its files (per street, or whole);
    also what the warehouse should make of its rosters."""
    n_communities = len(places.community_names)
    if styles is None:  # city scale: the whole district is one unit, with one roster a year
        unit_names, unit_styles = [places.district_name], [city_style(rng)]
        unit_of_community = np.zeros(n_communities, dtype=np.int64)
    else:
        unit_names = [str(name) for name in places.street_names]
        unit_styles = styles
        unit_of_community = places.community_street
    snapshots = snapshot_days(calendar, unit_styles, monthly=styles is not None)
    events_from = int(snapshots[:, 0].max()) + 1 if styles is not None else None

    elders = make_elders(rng, places, calendar, count, events_from)
    staff = make_staff(rng, n_communities)
    diligence = make_diligence(rng, n_communities, len(calendar.month_first), lagging)
    elders["visitor"] = assign_visitors(rng, elders, staff)
    dest = elders["dest_community"].to_numpy()
    elders["dest_visitor"] = np.where(dest >= 0, assign_visitors(
        rng, elders.assign(community=np.maximum(dest, 0)), staff), -1)
    visits = make_visits(rng, elders, staff, diligence, calendar, places.community_street)
    contacts = make_contacts(rng, elders, staff, diligence, calendar)
    contacts["community"] = community_on(elders, contacts["elder"].to_numpy(),
                                         epoch_day(calendar.as_of))
    listings = list_elders(elders, unit_of_community, snapshots,
                           np.array([style.keep_exits for style in unit_styles]))
    history = roster_history(elders, listings, calendar, unit_names)

    known = set(place_keys([*places.street_names, *places.street_short, *places.community_names,
                            *places.community_short]))
    unknown_community = next(name for name, key in zip(UNKNOWN_COMMUNITIES, place_keys(UNKNOWN_COMMUNITIES),
                                                       strict=True) if key not in known)
    ids = elders["id_number"].to_numpy().astype(str)
    ordinary = ~elders["ever_special"].to_numpy()
    written = []
    n_snapshots = snapshots.shape[1]
    for k in range(n_snapshots):
        latest = k == n_snapshots - 1
        for u, (unit, style) in enumerate(zip(unit_names, unit_styles, strict=True)):
            listed, rows = listing_frame(elders, listings, u, k)
            reported = date(1970, 1, 1) + timedelta(days=int(snapshots[u, k]))
            fmt = style.roster_format if latest else "csv"
            if fmt == "csv" and style.roster_date == "excel":  # date cells only in workbooks
                style = replace(style, roster_date="slash")
            month = calendar.month_starts[-n_snapshots + k]
            suffix = f"{month.year}年{month.month:02d}月" if n_snapshots > 1 else ""
            path = out_dir / f"{unit}居家老年人情况底册{suffix}.{fmt}"
            sheet = roster_sheet(rng, listed, ids[rows], staff, places, style, reported, unit)
            flagged = roster_warnings(listed, style)
            plain = ordinary[rows] & ~flagged["exit_without_date"] & ~flagged["contradiction"]
            unknown = plant_unknown_values(rng, sheet, plain, UNKNOWN_VALUE_SHARE)
            plain[unknown] = False
            bad = _write_sheet(rng, sheet, path, fmt, style, style.roster_date, unknown_community, share,
                               calendar, candidates=plain)
            warnings = {"unknown_value": len(unknown),
                        **{kind: int(mask.sum()) for kind, mask in flagged.items()}}
            written.append(_Written((0, k, district_index, u), path, bad, warnings, reported))

    final_unit = unit_of_community[contacts["community"].to_numpy()]
    visit_unit = unit_of_community[visits["community"].to_numpy()]
    for u, (unit, style) in enumerate(zip(unit_names, unit_styles, strict=True)):
        contacts_path = out_dir / f"{unit}失能老年人联系人情况表.{style.contacts_format}"
        sheet = contacts_sheet(rng, contacts[final_unit == u], elders, ids, places, style,
                               calendar, unit, style.contacts_format)
        bad = _write_sheet(rng, sheet, contacts_path, style.contacts_format, style,
                           style.roster_date, unknown_community, share, calendar)
        written.append(_Written((1, 0, district_index, u), contacts_path, bad))

    visit_month = calendar.day_month[visits["day"].to_numpy()]
    for m, first in enumerate(calendar.month_starts):
        in_month = visit_month == m
        for u, (unit, style) in enumerate(zip(unit_names, unit_styles, strict=True)):
            xlsx = m >= len(calendar.month_starts) - style.xlsx_visit_months
            fmt = "xlsx" if xlsx else "csv"
            path = out_dir / f"{unit}探访关爱服务记录{first.year}年{first.month:02d}月.{fmt}"
            subset = visits[in_month & (visit_unit == u)]
            sheet = visits_sheet(rng, subset, elders, ids, staff, places, style, calendar, unit,
                                 m, xlsx)
            bad = _write_sheet(rng, sheet, path, fmt, style, "dot" if xlsx else style.visit_date,
                               unknown_community, share, calendar)
            written.append(_Written((2, m, district_index, u), path, bad,
                                    {"name_differs": sheet.misnamed} if sheet.misnamed else None))
    return written, history


def write_demo_exports(out_dir: Path, *, seed: int = 2024, scale: str = "district",
                       as_of: date | None = None, _elder_count: int | None = None,
                       _bad_row_share: float = BAD_ROW_SHARE) -> DemoExports:
    """Write a district's (or a city's, or a few streets') year of synthetic exports into out_dir."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    size = SCALES[scale]
    as_of = as_of or date.today() - timedelta(days=1)
    calendar = Calendar.ending(as_of, size.months)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lagging = None
    if scale in ("city", "province"):
        divisions = demo_divisions(scale)
        rows = divisions[divisions["level"] == "district"].sort_values("code")
        districts = [district_places(divisions, row) for _, row in rows.iterrows()]
        weights = np.random.default_rng([seed, len(districts)]).gamma(6.0, size=len(districts))
        counts = np.random.default_rng(seed).multinomial(_elder_count or size.elders,
                                                         weights / weights.sum()).tolist()
        styles = None
    else:
        divisions = reference_divisions()
        district = divisions[divisions["level"] == "district"].iloc[0]
        everywhere = district_places(divisions, district)
        places = district_places(divisions, district, size.street_codes)
        districts, counts = [places], [_elder_count or size.elders]
        # each street keeps its own style, whichever streets the scale covers
        position = {code: i for i, code in enumerate(everywhere.street_codes)}
        styles = [heping_styles()[position[code] % len(heping_styles())] for code in places.street_codes]
        if size.lagging is not None:
            lagging = np.flatnonzero(np.isin(places.community_codes, size.lagging))
    written: list[_Written] = []
    histories = []
    for index, (places, count) in enumerate(zip(districts, counts, strict=True)):
        rng = np.random.default_rng([seed, index])
        files, history = _write_district(rng, out_dir, places, calendar, int(count), styles,
                                         _bad_row_share, index, lagging)
        written += files
        histories.append(history)
    written.sort(key=lambda w: w.order)
    return DemoExports(
        files=[w.path for w in written],
        expected_rejects={w.path.name: w.bad_rows for w in written},
        as_of=as_of,
        expected_warnings={w.path.name: w.warnings for w in written if w.warnings},
        report_dates={w.path.name: w.report_date for w in written if w.report_date},
        roster_history=pd.concat(histories, ignore_index=True),
    )
