"""Where and when the demo happens: places, the calendar, each street's writing style, its diligence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from etl.demo.arrays import add_month


@dataclass(frozen=True)
class Places:
    """One district: its streets and communities, communities grouped by street."""

    district_code: str
    district_name: str
    street_names: np.ndarray
    street_short: np.ndarray
    community_names: np.ndarray
    community_short: np.ndarray
    community_street: np.ndarray  # street index of each community
    street_codes: np.ndarray
    community_codes: np.ndarray

    @property
    def area_code(self) -> str:
        return self.district_code[:6]


@dataclass(frozen=True)
class Calendar:
    """The months (12, or fewer for a small demo) ending at as_of; days are counted from the first
    day of the first month."""

    start: date
    as_of: date
    n_months: int = 12

    @classmethod
    def ending(cls, as_of: date, n_months: int = 12) -> Calendar:
        first = as_of.year * 12 + as_of.month - n_months
        return cls(date(first // 12, first % 12 + 1, 1), as_of, n_months)

    @property
    def start_epoch(self) -> int:
        return (self.start - date(1970, 1, 1)).days

    @property
    def n_days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def month_starts(self) -> list[date]:
        months = self.start.year * 12 + self.start.month - 1 + np.arange(self.n_months)
        return [date(int(m) // 12, int(m) % 12 + 1, 1) for m in months]

    @property
    def month_first(self) -> np.ndarray:
        return np.array([(m - self.start).days for m in self.month_starts])

    @property
    def month_len(self) -> np.ndarray:
        """Calendar length of each month, the partial last month included."""
        starts = [*self.month_starts, add_month(self.month_starts[-1])]
        return np.diff([(m - self.start).days for m in starts])

    @property
    def month_last(self) -> np.ndarray:
        return np.minimum(self.month_first + self.month_len - 1, self.n_days - 1)

    @property
    def day_month(self) -> np.ndarray:
        return np.searchsorted(self.month_first, np.arange(self.n_days), side="right") - 1


@dataclass(frozen=True)
class Style:
    """How one street (or, at city scale, one district) writes its exports."""

    variant: int  # picks header aliases and value synonyms
    visit_date: str  # dot | cn | slash | iso | iso_time | compact
    roster_date: str  # the same, or excel (date cells, xlsx only)
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030, for csv files
    roster_format: str = "csv"  # csv | xlsx
    contacts_format: str = "csv"  # csv | xlsx | xls
    contact_people: int = 1  # contact people side by side on a contact list's row (1: a row per contact person)
    xlsx_visit_months: int = 0  # the last n monthly visit files are xlsx with date cells
    place_form: int = 0  # 0 劝业场街道/花园路社区居委会, 1 劝业场街/花园路社区, 2 劝业场/花园路
    report_day: int = 0  # monthly roster dated the month's last day (0) or that day of the next
    keep_exits: bool = True  # exits stay on later rosters with their status (else listed once)
    title_rows: bool = False
    total_row: bool = False
    eol: str = "\n"
    merged_places: bool = False  # street and community cells merged down the roster (xlsx)
    visits_have_id: bool = True
    visits_have_gps: bool = False  # home visits carry 纬度/经度 (a street whose visiting app records them)
    handling_columns: bool = False  # visit records carry 处置结果 and 转介情况
    entry_times: bool = False  # visit records carry 录入时间 (a few typed in weeks late)
    risk: str = "absent"  # given | blank | absent
    disability_column: bool = True
    aged_in_categories: bool = False  # writes 高龄 for 80+ elders (the app derives it anyway)
    ordinary_category: str | None = None  # what the categories cell says for ordinary elders
    ordinary_consent: bool = False
    spaced_ids: float = 0.003
    lower_x: bool = False
    legacy_ids: float = 0.0


def heping_styles() -> list[Style]:
    """One style per Heping street, in code order: every format and quirk appears at least once."""
    return [
        Style(0, "slash", "slash", encoding="utf-8-sig", title_rows=True, total_row=True,
              eol="\r\n", risk="given", handling_columns=True),
        Style(1, "iso_time", "excel", encoding="utf-8-sig", roster_format="xlsx",
              contacts_format="xlsx", contact_people=2, xlsx_visit_months=2, place_form=1,
              title_rows=True, merged_places=True, lower_x=True, report_day=3, visits_have_gps=True),
        Style(2, "cn", "cn", encoding="gb18030", place_form=2, title_rows=True, total_row=True,
              eol="\r\n", risk="blank", ordinary_category="无", legacy_ids=0.004,
              report_day=5, keep_exits=False, handling_columns=True),
        Style(3, "dot", "compact", visits_have_id=False, disability_column=False, report_day=1),
        Style(4, "iso_time", "iso", contacts_format="xls", place_form=1, total_row=True,
              risk="given", aged_in_categories=True, ordinary_consent=True, report_day=2,
              keep_exits=False, handling_columns=True, entry_times=True),
        Style(5, "slash", "excel", encoding="gb18030", roster_format="xlsx", place_form=2,
              title_rows=True, eol="\r\n", lower_x=True, legacy_ids=0.002, report_day=4),
    ]


def city_style(rng: np.random.Generator) -> Style:
    """A random CSV-only style for one district of the city."""
    dates = ("dot", "cn", "slash", "iso", "iso_time")
    return Style(
        int(rng.integers(6)),
        dates[rng.integers(len(dates))],
        dates[rng.integers(len(dates) - 1)],
        encoding="gb18030" if rng.random() < 0.4 else "utf-8",
        place_form=int(rng.integers(3)),
        title_rows=bool(rng.random() < 0.5),
        total_row=bool(rng.random() < 0.4),
        visits_have_id=bool(rng.random() < 0.9),
        risk=("given", "blank", "absent")[rng.integers(3)],
        ordinary_category=None if rng.random() < 0.7 else "无",
        lower_x=bool(rng.random() < 0.3),
        legacy_ids=0.002 if rng.random() < 0.3 else 0.0,
        handling_columns=bool(rng.random() < 0.5),
    )


@dataclass(frozen=True)
class Diligence:
    """How well each community works: shares by community (rows) and month (columns)."""

    home: np.ndarray  # special elders visited at home
    daily: np.ndarray  # 独居 elder-days with a contact
    contact: np.ndarray  # 失能 elders with a designated contact person, by community


def make_diligence(rng: np.random.Generator, n_communities: int, n_months: int,
                   lagging: np.ndarray | None = None) -> Diligence:
    """Most communities near the targets, two or three clearly lagging (these, when given)."""
    months = np.arange(n_months)
    home = np.clip(rng.uniform(0.975, 0.998, (n_communities, 1))
                   + rng.normal(0, 0.006, (n_communities, n_months)), 0.965, 1.0)
    daily = np.clip(rng.uniform(0.972, 0.99, (n_communities, 1))
                    + rng.normal(0, 0.004, (n_communities, n_months)), 0.95, 0.998)
    contact = np.full(n_communities, 0.93)
    if lagging is None:
        lagging = rng.choice(n_communities, size=min(n_communities, int(rng.integers(2, 4))),
                             replace=False)
    k = len(lagging)
    home[lagging] = np.minimum(rng.uniform(0.6, 0.68, (k, 1))
                               + rng.uniform(0.008, 0.014, (k, 1)) * months, 0.8)
    daily[lagging] = np.minimum(rng.uniform(0.82, 0.88, (k, 1)) + 0.005 * months, 0.93)
    contact[lagging] = 0.72
    return Diligence(home, daily, contact)


def district_places(divisions: pd.DataFrame, district: pd.Series,
                    street_codes: tuple[str, ...] | None = None) -> Places:
    """A district of the division list, with all its streets or only those given."""
    streets = divisions[(divisions["level"] == "street")
                        & (divisions["parent_code"] == district["code"])].sort_values("code")
    if street_codes is not None:
        streets = streets[streets["code"].isin(street_codes)]
    communities = divisions[(divisions["level"] == "community")
                            & divisions["parent_code"].isin(streets["code"])]
    communities = communities.sort_values(["parent_code", "code"])
    street_index = {code: i for i, code in enumerate(streets["code"])}
    return Places(
        district_code=str(district["code"]),
        district_name=str(district["name"]),
        street_names=streets["name"].to_numpy().astype(str),
        street_short=streets["short_name"].to_numpy().astype(str),
        community_names=communities["name"].to_numpy().astype(str),
        community_short=communities["short_name"].to_numpy().astype(str),
        community_street=communities["parent_code"].map(street_index).to_numpy().astype(np.int64),
        street_codes=streets["code"].to_numpy().astype(str),
        community_codes=communities["code"].to_numpy().astype(str),
    )
