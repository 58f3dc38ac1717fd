"""Settings and the district's configuration, read once into frozen dataclasses."""

from __future__ import annotations

import dataclasses
import os
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

import pandas as pd
from pandas import isna

DEFAULT_DB = Path("data/warehouse.duckdb")
RISK_LEVELS = ("高", "中", "低")
# The traffic light of a 月探访率 (上门), on every screen and in every report: green where the target
# (100 %) is met, amber from AMBER_FROM, red below.
GREEN_FROM, AMBER_FROM = 1.0, 0.9


def percent_tenths(rate: float) -> Decimal:
    """A rate in percent to a tenth, as every screen, report and command prints it: rounded half up from the rate's
    shortest decimal form, as Excel shows the 汇总表's cells (RATE_FORMAT), but never 100.0 short of 100 %. 77/80 is
    96.3 (rounded as a binary float, 96.2: the 通报 beside the 汇总表 said another figure for the same street)."""
    tenths = (Decimal(repr(float(rate))) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    # short of the target is never printed as reaching it (probe 30 L9: 5998/6000 as 100.0 %, a yellow light beside)
    return min(tenths, TENTH_BELOW_WHOLE) if rate < 1 else tenths


# The highest rate short of 100 % as printed, and the same in an Excel cell's number format (RATE_FORMAT)
TENTH_BELOW_WHOLE = Decimal("99.9")
RATE_FORMAT = '[>=1]0.0%;[>=0.999]"99.9%";0.0%'


def percent(rate: float | None) -> str:
    """A rate as printed (96.3%, percent_tenths), a dash without one."""
    return "—" if isna(rate) else f"{percent_tenths(rate)}%"


def points(change_from: float, change_to: float) -> Decimal:
    """A change between two rates in percentage points, as the two rates printed differ (96.3% against 94.0%: 2.3)."""
    return percent_tenths(change_to) - percent_tenths(change_from)


# A person's masked categories, as a list shows them (shown_categories)
MASKED_CATEGORY = "*"

# The time zone every day and time is counted in: a street's day is Beijing's (DESIGN §3: a platform's UTC time is
# read as Beijing time), whatever zone the machine's clock is set to
BEIJING_ZONE = "Asia/Shanghai"


def use_beijing_time() -> None:
    """Have this process (and the processes it starts) read its clock in Beijing time: Python's now() and today(),
    DuckDB's current_date (it follows TZ), Spark's and Chromium's. On a machine set to UTC (many virtual machines), a
    file loaded at 16:20 had been listed as loaded at 08:20, eight hours before the audit log's upload, and until
    08:00 every "today" (the marts' day, a report's 填报日期, a visit not in the future) was yesterday (review 14
    L2)."""
    os.environ["TZ"] = BEIJING_ZONE
    time.tzset()


# What a 失能帮扶率 says where no street has sent its 失能老年人联系人情况表 (contact list)
CONTACTS_UNREPORTED = "未报送联系人情况表"
# … and what a place says that no roster lists (metrics.listed_places): its figures are none, not 0
ROSTER_UNREPORTED = "未报送底册"
# … and a street whose visit records hold nothing of the month yet (metrics.visits_unsent): its 0 % is said so
VISITS_UNSENT = "本月未报送探访记录"


def roster_left_out(count: int, level_name: str) -> str:
    """What a figure of a place says when `count` of the places under it (街道, 社区) sent no roster: it counts the
    others only (the 汇总表's 合计, `carevisit metrics`)."""
    return f"不含{ROSTER_UNREPORTED}的 {count} 个{level_name}"


def contacts_unreported(places: pd.DataFrame) -> pd.Series:
    """The places (rows of place_months) whose disabled elders all live in streets that have sent no contact list.
    Their 失能帮扶率 is 0 % as DESIGN counts it, but read as "nobody helped" it says what no file said: the screens and
    reports say 未报送联系人情况表 instead."""
    return (places["disabled_count"] > 0) & (places["disabled_unreported_count"] == places["disabled_count"])


class ConfigError(Exception):
    """The configuration file is unusable; the message says why."""


@dataclass(frozen=True)
class VisitQuality:
    """Thresholds of the visit-quality signals (督查线索): leads for inspectors, never findings."""

    home_visits_per_day_limit: int = 12  # more home visits by one visitor in one day is a lead
    identical_notes_min_visits: int = 5  # the same note on this many elders' visits by one visitor in a month
    identical_notes_min_chars: int = 12  # shorter notes (正常, 无异常 …) repeat by nature
    common_note_visitors: int = 3  # a note written by more visitors than this is a template, not a copy
    gps_distance_km: float = 1.0  # a home visit this far from where the elder's other visits were recorded
    gps_min_points: int = 3  # home visits with a point an elder needs before distances mean anything
    phone_only_months: int = 3  # consecutive months of calls only, for elders who must be visited at home
    late_entry_days: int = 7  # a visit entered (录入时间) more days than this after its date
    checklist_visited_per_community: int = 5  # visited elders drawn per community to confirm the visit


@dataclass(frozen=True)
class Config:
    special_categories: tuple[str, ...]
    aged_from: int
    semi_disabled_counts_as_disabled: bool
    visit_interval_days: tuple[tuple[str, int], ...]  # (risk level, days)
    risk_rules: tuple[tuple[str, tuple[str, ...]], ...]  # (高 | 中, categories that all apply)
    high_on_open_problem: bool
    removal_alert_share: float = 0.2  # a newer roster leaving out more of a community without a status is flagged
    # staging adds 独居/空巢 from the living arrangement and 失能/半失能 from the disability level
    derive_categories_from_attributes: bool = False
    # small counts of these categories are shown as "<threshold>" in totals by category
    sensitive_categories: tuple[str, ...] = ("计生特殊家庭",)
    small_count_threshold: int = 5
    # health and disability status (DESIGN §6): a person's row shows these categories masked, as it shows a name
    masked_categories: tuple[str, ...] = ("失能", "半失能", "重残")
    # the bureau's own mapping files (headers.csv, values.csv, keywords.csv …): its config's folder
    words_dir: Path | None = None
    visit_quality: VisitQuality = VisitQuality()
    # the bureau's configuration file (CAREVISIT_CONFIG), which a warehouse remembers it was built with; None: the
    # built-in one
    source: Path | None = None
    # who signs a 通报 (its 落款) about a place of each level: {place} is the place's name; none for a level not listed
    bulletin_issuers: tuple[tuple[str, str], ...] = (("district", "{place}民政局"), ("street", "{place}办事处"))
    # the faces a 通报 is set in, by role (BULLETIN_FONT_ROLES; bulletin.Fonts): those a bureau names instead of the
    # GB/T 9704 defaults (a computer with 方正仿宋_GBK rather than 仿宋_GB2312)
    bulletin_fonts: tuple[tuple[str, str], ...] = ()

    def bulletin_issuer(self, level: str, place_name: str) -> str | None:
        """The 落款 of a 通报 about `place_name` of `level` (bulletin_issuers), None where no issuer is configured."""
        template = dict(self.bulletin_issuers).get(level, "").strip()
        return template.replace("{place}", place_name) if template else None

    @property
    def unshown_categories(self) -> tuple[str, ...]:
        """The categories a person's row masks: health and disability status, and the sensitive categories (计生特殊
        家庭 beside a masked name, the last digits of an ID number and a road told who the family is)."""
        return tuple(dict.fromkeys((*self.masked_categories, *self.sensitive_categories)))


def shown_categories(categories, unshown: tuple[str, ...]) -> list[str]:
    """A person's categories as a list of people shows them: those of `unshown` as one "*" at the end (独居、*), so
    that the row says it has more without saying what (DESIGN §6: health and disability masked by default)."""
    kept = [category for category in categories if category not in unshown]
    return kept + [MASKED_CATEGORY] * (len(kept) < len(categories))


@dataclass(frozen=True)
class Settings:
    db_path: Path
    config: Config


def small_count(category: str, people: int, sensitive: tuple[str, ...], threshold: int) -> bool:
    """A count too small to show (configuration sensitive_categories, small_count_threshold): 1 to threshold - 1
    people of a sensitive category, a family of a few who could be recognised. Every page and export that
    counts people by category shows it as '<threshold'."""
    return category in sensitive and 0 < people < threshold


# What a count not shown beside a small one shows (hidden_parts): the 汇总表 explains it in its note
HIDDEN_TOO = "*"


def hidden_parts(category: str, parts: Sequence[int], whole: int, sensitive: tuple[str, ...],
                 threshold: int) -> list[str | None]:
    """What each of a category's counts in the parts of a place (its children, in the order of their codes) shows in
    its place (None: the count): '<threshold' for a small one (small_count); where exactly one is while the place's
    own count shows, HIDDEN_TOO for the next smallest part (the first of equals), or the place's count less the
    others would tell the small one (probe P: 20 - 9 - 7 = the 4 shown as <5); and where the place's own count is
    small and held by more than one part, HIDDEN_TOO for every part, zeros and small ones too: a part shown '<5'
    holds at least one, and four of them under a place of '<5' were one family each (review 2026-12-04). (One part
    holding it all shows '<5' as the place does: it tells no more.) The 汇总表 and the overview's category chart
    alike."""
    if small_count(category, whole, sensitive, threshold) and sum(n > 0 for n in parts) > 1:
        return [HIDDEN_TOO] * len(parts)
    shown: list[str | None] = [f"<{threshold}" if small_count(category, n, sensitive, threshold) else None
                               for n in parts]
    if sum(mark is not None for mark in shown) == 1:
        others = [i for i, n in enumerate(parts) if shown[i] is None and n > 0]
        if others:
            shown[min(others, key=lambda i: (parts[i], i))] = HIDDEN_TOO
    return shown


def default_config_text() -> str:
    return resources.files("etl").joinpath("carevisit.toml").read_text(encoding="utf-8")


def parse_config(text: str, source: str = "carevisit.toml") -> Config:
    try:
        raw = tomllib.loads(text)
        intervals = raw["visit_interval_days"]
        risk = raw["risk"]
        config = Config(
            special_categories=tuple(raw["special_categories"]),
            aged_from=int(raw["aged_from"]),
            semi_disabled_counts_as_disabled=bool(raw["semi_disabled_counts_as_disabled"]),
            visit_interval_days=tuple((level, int(intervals[level])) for level in RISK_LEVELS),
            risk_rules=tuple(("高", tuple(rule)) for rule in risk["high"])
            + tuple(("中", tuple(rule)) for rule in risk["medium"]),
            high_on_open_problem=bool(risk["high_on_open_problem"]),
            removal_alert_share=float(raw.get("roster_removal_alert_share", 0.2)),
            derive_categories_from_attributes=_boolean(raw.get("derive_categories_from_attributes", False),
                                                       "derive_categories_from_attributes"),
            sensitive_categories=tuple(raw.get("sensitive_categories", ("计生特殊家庭",))),
            small_count_threshold=int(raw.get("small_count_threshold", 5)),
            masked_categories=tuple(raw.get("masked_categories", Config.masked_categories)),
            visit_quality=_visit_quality(raw.get("visit_quality", {})),
            bulletin_issuers=_bulletin_issuers(raw.get("bulletin_issuer", {})),
            bulletin_fonts=_bulletin_fonts(raw.get("bulletin_fonts", {})),
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"{source}: {error!r}") from error
    if any(days <= 0 for _, days in config.visit_interval_days):
        raise ConfigError(f"{source}: visit_interval_days must be positive")
    return config


def _visit_quality(raw: dict) -> VisitQuality:
    if not isinstance(raw, dict):
        raise TypeError("visit_quality must be a table of settings")
    defaults = VisitQuality()
    unknown = set(raw) - {f.name for f in dataclasses.fields(VisitQuality)}
    if unknown:
        raise ValueError(f"visit_quality: unknown setting {', '.join(sorted(unknown))}")
    values = {f.name: type(getattr(defaults, f.name))(raw.get(f.name, getattr(defaults, f.name)))
              for f in dataclasses.fields(VisitQuality)}
    if any(value <= 0 for value in values.values()):
        raise ValueError("visit_quality: every setting must be positive")
    return VisitQuality(**values)


def _bulletin_issuers(raw: dict) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise TypeError("bulletin_issuer must be a table of level = issuer")
    unknown = set(raw) - {"district", "street"}
    if unknown:
        raise ValueError(f"bulletin_issuer: unknown level {', '.join(sorted(unknown))} (a 通报 is about a district "
                         "or a street)")
    if not all(isinstance(template, str) for template in raw.values()):
        raise ValueError("bulletin_issuer: each issuer must be text, e.g. \"{place}民政局\"")
    return tuple({**dict(Config.bulletin_issuers), **raw}.items())  # a level not named keeps its default


# The roles of a 通报's faces (bulletin.Fonts' fields): the title, the headings of each level, the text, and the digits
# and Latin letters
BULLETIN_FONT_ROLES = ("title", "heading", "subheading", "body", "latin")


def _bulletin_fonts(raw: dict) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise TypeError("bulletin_fonts must be a table of role = face")
    unknown = set(raw) - set(BULLETIN_FONT_ROLES)
    if unknown:
        raise ValueError(f"bulletin_fonts: unknown role {', '.join(sorted(unknown))} (one of "
                         f"{', '.join(BULLETIN_FONT_ROLES)})")
    if not all(isinstance(face, str) and face.strip() for face in raw.values()):
        raise ValueError("bulletin_fonts: each face must be a font's name, e.g. \"仿宋_GB2312\"")
    return tuple((role, face.strip()) for role, face in raw.items())


def _boolean(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def engine_config(**config: object) -> dict[str, object]:
    """The settings of a DuckDB instance this program opens: `config`, and the threads it may use when
    CAREVISIT_THREADS sets them (else DuckDB's own default, every core). A server that loads files beside the
    dashboard can keep cores for the pages so; the test suite gives each of its workers one (the workers are its
    parallelism: on 2 cores, 3 workers of 2 threads each spent a fifth more CPU on the same tests)."""
    threads = os.environ.get("CAREVISIT_THREADS", "").strip()
    if not threads:
        return config
    if not threads.isascii() or not threads.isdigit() or int(threads) < 1:
        raise ConfigError(f"CAREVISIT_THREADS={threads}: 应为正整数 (DuckDB 可用的线程数)")
    return config | {"threads": int(threads)}


def load_settings(db: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """--db, else CAREVISIT_DB, else data/warehouse.duckdb; CAREVISIT_CONFIG names a config file.
    CAREVISIT_THREADS, when set, is checked here, before any work (engine_config)."""
    engine_config()
    environ = os.environ if environ is None else environ
    db_path = Path(db or environ.get("CAREVISIT_DB") or DEFAULT_DB)
    config_path = environ.get("CAREVISIT_CONFIG")
    if config_path:
        try:
            text = Path(config_path).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"{config_path}: {error.strerror}") from error
        config = dataclasses.replace(parse_config(text, config_path), words_dir=Path(config_path).resolve().parent,
                                     source=Path(config_path).resolve())
    else:
        config = parse_config(default_config_text())
    return Settings(db_path=db_path, config=config)
