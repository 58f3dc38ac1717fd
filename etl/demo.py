"""Synthetic bureau exports (底册, 探访记录, 联系人表) for the demo and benchmarks."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from etl.geography import reference_divisions


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


# --- Sizes and shares -----------------------------------------------------------------------

DISTRICT_ELDERS = 130_000
CITY_ELDERS = 3_000_000
CITY_DISTRICTS = 25
# 80+ elders all count as special (高龄). Real Heping has 12-15% of its 60+ aged 80+, which would
# make ~17,000 special elders; the design's ~6,000 (Tianjin's list, without 高龄) needs ~2.4%.
AGED_SHARE = 0.024
SPECIAL_SHARE_UNDER_80 = 0.0245  # elders under 80 with at least one roster category
SPECIAL_SHARE_80_PLUS = 0.45  # 80+ elders who also carry a roster category
BAD_ROW_SHARE = 0.0015
# Roster history over the year (shares a year). Deaths come to about 0.5 % a month among
# special-difficulty elders; other exits are moves out of the district, institutions, living away.
DEATH_80_PLUS, DEATH_SPECIAL, DEATH_OTHER = 0.07, 0.035, 0.012
UNDATED_EXIT_SHARE = 0.04  # exits written with their status but no change date
NEWLY_REGISTERED_SHARE = 0.012  # elders of any age registered during the year
VANISH_SPECIAL, VANISH_OTHER = 0.02, 0.002  # missing from a newer roster without a status
MOVE_SPECIAL, MOVE_OTHER = 0.012, 0.006  # moves to another street of the district
UNMARK_SHARE = 0.03  # of elders marked only 独居/空巢/孤寡: the marking removed
MARK_SHARE = 0.001  # of unmarked elders under 79: newly marked
LONE_UNMARKED_SHARE = 0.0004  # of unmarked elders: 居住情况 独居, nothing marked (底数不清)
DISABLED_UNMARKED_SHARE = 0.015  # of marked elders: 完全失能 without 失能 marked (底数不清)

# --- Canonical codes ----------------------------------------------------------------------

CATEGORY_NAMES = ("独居", "空巢", "孤寡", "失能", "半失能", "重残", "计生特殊家庭")
LONE, EMPTY_NEST, WIDOWED, DISABLED, SEMI_DISABLED, SEVERE, FAMILY_PLANNING = (
    1 << i for i in range(len(CATEGORY_NAMES))
)
# (categories, weight) for elders who carry at least one roster category; ~34% include 独居.
CATEGORY_COMBOS = (
    (LONE, 22), (LONE | WIDOWED, 5), (LONE | DISABLED, 3), (LONE | SEMI_DISABLED, 4),
    (EMPTY_NEST, 20), (EMPTY_NEST | DISABLED, 4), (EMPTY_NEST | SEMI_DISABLED, 5),
    (WIDOWED, 4), (DISABLED, 8), (SEMI_DISABLED, 8), (SEVERE, 6), (SEVERE | DISABLED, 2),
    (FAMILY_PLANNING, 6), (FAMILY_PLANNING | EMPTY_NEST, 3),
)

LIVING_LONE, LIVING_COUPLE, LIVING_CHILDREN, LIVING_RELATIVES, LIVING_OTHER, LIVING_BLANK = range(6)
ABILITY_DISABLED, ABILITY_SEMI, ABILITY_SELF, ABILITY_BLANK = range(4)
CONSENT_YES, CONSENT_NO, CONSENT_BLANK = range(3)
STATUS_ACTIVE, STATUS_DEAD, STATUS_MOVED, STATUS_INSTITUTION, STATUS_AWAY = range(5)
RISK_HIGH, RISK_MEDIUM, RISK_LOW, RISK_BLANK = range(4)
EVENT_NONE, EVENT_VANISH, EVENT_MOVE, EVENT_UNMARK, EVENT_MARK = range(5)
HOME, PHONE, VIDEO, ONLINE, STREET = range(5)  # 上门 电话 视频 线上 路遇
NORMAL, PROBLEM, EMERGENCY, NOT_MET, REFUSED = range(5)  # 正常 发现问题 紧急 未遇 拒访
RELATION_NAMES = ("子女", "邻居", "网格员", "志愿者")
ROLE_NAMES = ("网格员", "社工", "志愿者")

# --- Spellings (all from etl/mappings: headers.csv and values.csv) --------------------------

SERIAL_HEADERS = ("序号", "编号")
PLACE_HEADERS = {
    "street": ("街道", "所属街道", "街道名称", "街道(乡镇)", "街道", "所属街道"),
    "community": ("社区", "所属社区", "居委会", "社区名称", "社区(村)", "社区"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份证号码"),
}
ROSTER_HEADERS = {
    "name": ("姓名", "老人姓名", "姓名", "服务对象姓名"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生日期", "出生年月"),
    "address": ("家庭住址", "居住地址", "住址", "现住址"),
    "phone": ("联系电话", "手机号码", "电话"),
    "categories": ("特殊困难类别", "老人类型", "人员类别", "类别"),
    "living": ("居住情况", "居住方式", "居住状况"),
    "disability": ("失能程度", "失能等级", "自理能力"),
    "consent": ("是否同意探访", "本人意愿", "意愿"),
    "status": ("状态", "在册状态"),
    "change_date": ("变动日期", "变动时间"),
    "reg_date": ("建档日期", "登记日期"),
    "visitor": ("包联人", "探访责任人"),
    "risk_level": ("风险等级",),
}
VISIT_HEADERS = {
    "name": ("老人姓名", "姓名", "服务对象姓名"),
    "visit_date": ("探访日期", "探访时间", "走访日期", "服务日期"),
    "method": ("探访方式", "走访方式"),
    "outcome": ("探访结果", "老人状态"),
    "visitor": ("探访人", "走访人"),
    "visitor_role": ("探访人身份", "探访人类型"),
    "findings": ("探访情况", "探访内容", "主要情况"),
    "problem": ("发现问题", "存在问题"),
    "action": ("处置情况", "处理措施"),
}
CONTACT_HEADERS = {
    "name": ("老人姓名", "失能老人姓名", "姓名"),
    "contact_name": ("联系人", "联系人姓名", "帮扶联系人"),
    "relation": ("与老人关系", "关系"),
    "contact_phone": ("联系人电话", "联系人手机"),
    "has_key": ("是否有钥匙", "持有钥匙"),
    "set_date": ("确定日期", "确定时间", "设立日期"),
}
CATEGORY_LABELS = (  # one column per variant family, in CATEGORY_NAMES order, then 高龄
    ("独居", "独居老人", "独居"),
    ("空巢", "空巢老人", "空巢"),
    ("孤寡", "孤寡老人", "孤寡老人"),
    ("失能", "失能老人", "完全失能"),
    ("半失能", "半失能老人", "部分失能"),
    ("重残", "重度残疾", "一二级残疾"),
    ("计生特殊家庭", "计划生育特殊家庭", "失独"),
    ("高龄", "高龄老人", "高龄"),
)
LIVING_LABELS = (
    ("独居", "独自居住", "一人居住"),
    ("与配偶同住", "仅与配偶同住", "夫妻同住"),
    ("与子女同住", "与子女居住", "与家人同住"),
    ("与其他亲属同住",),
    ("其他",),
)
ABILITY_LABELS = (("失能", "完全失能", "重度失能"), ("半失能", "部分失能", "中度失能"),
                  ("自理", "能力完好", "生活自理", "能自理"))
CONSENT_LABELS = (("同意", "不同意"), ("是", "否"), ("愿意", "不愿意"), ("同意探访", "不同意探访"))
STATUS_LABELS = (
    ("在册", "正常", "在档"),
    ("死亡", "去世", "已故", "亡故"),
    ("迁出", "户籍迁出", "迁移"),
    ("入住机构", "入住养老机构", "入住养老院"),
    ("外出", "异地居住", "长期外出"),
)
RISK_LABELS = (("高", "中", "低"), ("高风险", "中风险", "低风险"))
YES_NO_LABELS = (("是", "否"), ("有", "无"))
METHOD_LABELS = (
    ("上门", "入户", "入户走访", "上门探访", "入户探访"),
    ("电话", "电话问候", "电话探访", "电话联系"),
    ("视频", "微信视频", "视频通话"),
    ("主动关爱电话", "智能设备", "平台", "线上"),
    ("路遇",),
)
OUTCOME_LABELS = (
    ("正常", "良好", "无异常", "情况良好"),
    ("发现问题", "存在问题"),
    ("紧急", "紧急情况"),
    ("未遇", "无人在家", "不在家", "未见到本人"),
    ("拒访", "拒绝探访"),
)
UNKNOWN_METHOD = "托人带话"
# Attributes written in words no mapping knows (the row loads, the field unknown, with a warning).
UNKNOWN_VALUES = {"living": "待核实", "disability": "待评估", "consent": "待定"}
UNKNOWN_VALUE_SHARE = 0.0005
UNKNOWN_COMMUNITIES = ("幸福里社区", "光明里社区", "和谐家园社区", "阳光花园社区", "建设里社区",
                       "红旗里社区")

NOTES = {  # (method, outcome) -> what the visitor wrote
    (HOME, NORMAL): (
        "老人身体状况良好，生活规律，居家环境整洁",
        "老人精神状态较好，饮食正常，无特殊需求",
        "了解老人近况，血压平稳，家中水电燃气正常",
        "老人身体健康，子女定期看望，生活有保障",
        "协助老人整理药品，提醒按时服药",
        "检查家中用电用气安全，未发现隐患",
        "与老人聊天谈心，老人情绪稳定",
    ),
    (HOME, NOT_MET): (
        "敲门无人应答，已电话联系家属", "老人外出就医，未见到本人", "家中无人，约定次日再访",
    ),
    (HOME, REFUSED): ("老人表示不需要探访，已做好解释", "老人不愿开门，隔门询问一切正常"),
    (PHONE, NORMAL): (
        "电话问候，老人身体状况良好", "电话联系，老人表示一切正常", "询问老人饮食起居，无异常",
    ),
    (PHONE, NOT_MET): ("电话无人接听", "电话未接通，稍后再次联系"),
    (VIDEO, NORMAL): ("微信视频通话，老人精神状态良好", "视频连线，老人在家休息，状态正常"),
    (VIDEO, NOT_MET): ("视频未接通",),
    (ONLINE, NORMAL): ("主动关爱电话接通，老人应答正常", "智能设备监测正常"),
    (ONLINE, NOT_MET): ("主动关爱电话未接听",),
    (STREET, NORMAL): ("路遇老人，交谈片刻，精神状态良好",),
}
ISSUES = {  # outcome -> (what was found, the problem, what was done)
    PROBLEM: (
        ("老人近期血压偏高，精神欠佳", "血压偏高", "已联系家属陪同就医"),
        ("家中燃气灶老化，存在安全隐患", "燃气安全隐患", "已联系燃气公司上门检修"),
        ("卫生间地面湿滑，无扶手", "存在跌倒风险", "已协调安装扶手和防滑垫"),
        ("家中取暖设备故障，室温偏低", "冬季取暖不足", "已联系物业维修"),
        ("老人行动不便，独自就医困难", "就医困难", "已协助预约家庭医生上门"),
        ("家中电线老化裸露", "用电安全隐患", "已上报街道协调解决"),
    ),
    EMERGENCY: (
        ("老人在家中摔倒，无法起身", "老人摔倒受伤", "已拨打120送医并通知家属"),
        ("老人突发胸闷气短", "突发疾病", "已拨打120，网格员陪同送医"),
    ),
}

SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文"
)
ELDER_CHARS = (
    tuple("国建明德文志福宝永庆树春长金立振成华海林忠义全兴顺广祥学贵山荣生富有良才仁杰宏"),
    tuple("淑秀桂玉兰英芳珍华凤琴云霞敏丽红梅萍素洁静慧娟艳琳莲翠菊香美荣"),
)
YOUNG_CHARS = (
    tuple("伟强磊洋勇军杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆亮"),
    tuple("静丽敏燕艳娟霞芳娜丹玲萍红洁琳雪婷慧颖晶倩璐佳欣"),
)
MOBILE_PREFIXES = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156,
                   157, 158, 159, 173, 176, 177, 180, 181, 185, 186, 187, 188, 189)
LANDLINE_PREFIXES = ("2330", "2331", "2332", "2339", "2311", "2312", "2712", "2719")
TIANJIN_AREA_CODES = ("120101", "120102", "120103", "120104", "120105", "120106", "120110",
                      "120111", "120112", "120113", "120114", "120115", "120116")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


# --- Places, calendar, styles ---------------------------------------------------------------


@dataclass(frozen=True)
class _Places:
    """One district: its streets and communities, communities grouped by street."""

    district_code: str
    district_name: str
    street_names: np.ndarray
    street_short: np.ndarray
    community_names: np.ndarray
    community_short: np.ndarray
    community_street: np.ndarray  # street index of each community

    @property
    def area_code(self) -> str:
        return self.district_code[:6]


@dataclass(frozen=True)
class _Calendar:
    """The 12 months ending at as_of; days are counted from the first day of the first month."""

    start: date
    as_of: date

    @classmethod
    def ending(cls, as_of: date) -> _Calendar:
        first = as_of.year * 12 + as_of.month - 1 - 11
        return cls(date(first // 12, first % 12 + 1, 1), as_of)

    @property
    def start_epoch(self) -> int:
        return (self.start - date(1970, 1, 1)).days

    @property
    def n_days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def month_starts(self) -> list[date]:
        months = self.start.year * 12 + self.start.month - 1 + np.arange(12)
        return [date(int(m) // 12, int(m) % 12 + 1, 1) for m in months]

    @property
    def month_first(self) -> np.ndarray:
        return np.array([(m - self.start).days for m in self.month_starts])

    @property
    def month_len(self) -> np.ndarray:
        """Calendar length of each month, the partial last month included."""
        starts = [*self.month_starts, _add_month(self.month_starts[-1])]
        return np.diff([(m - self.start).days for m in starts])

    @property
    def month_last(self) -> np.ndarray:
        return np.minimum(self.month_first + self.month_len - 1, self.n_days - 1)

    @property
    def day_month(self) -> np.ndarray:
        return np.searchsorted(self.month_first, np.arange(self.n_days), side="right") - 1


@dataclass(frozen=True)
class _Style:
    """How one street (or, at city scale, one district) writes its exports."""

    variant: int  # picks header aliases and value synonyms
    visit_date: str  # dot | cn | slash | iso | iso_time | compact
    roster_date: str  # the same, or excel (date cells, xlsx only)
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030, for csv files
    roster_format: str = "csv"  # csv | xlsx
    contacts_format: str = "csv"  # csv | xlsx | xls
    xlsx_visit_months: int = 0  # the last n monthly visit files are xlsx with date cells
    place_form: int = 0  # 0 劝业场街道/花园路社区居委会, 1 劝业场街/花园路社区, 2 劝业场/花园路
    report_day: int = 0  # monthly roster dated the month's last day (0) or that day of the next
    keep_exits: bool = True  # exits stay on later rosters with their status (else listed once)
    title_rows: bool = False
    total_row: bool = False
    eol: str = "\n"
    merged_places: bool = False  # street and community cells merged down the roster (xlsx)
    visits_have_id: bool = True
    risk: str = "absent"  # given | blank | absent
    disability_column: bool = True
    aged_in_categories: bool = False  # writes 高龄 for 80+ elders (the app derives it anyway)
    ordinary_category: str | None = None  # what the categories cell says for ordinary elders
    ordinary_consent: bool = False
    spaced_ids: float = 0.003
    lower_x: bool = False
    legacy_ids: float = 0.0


def _heping_styles() -> list[_Style]:
    """One style per Heping street, in code order: every format and quirk appears at least once."""
    return [
        _Style(0, "slash", "slash", encoding="utf-8-sig", title_rows=True, total_row=True,
               eol="\r\n", risk="given"),
        _Style(1, "iso_time", "excel", encoding="utf-8-sig", roster_format="xlsx",
               contacts_format="xlsx", xlsx_visit_months=2, place_form=1, title_rows=True,
               merged_places=True, lower_x=True, report_day=3),
        _Style(2, "cn", "cn", encoding="gb18030", place_form=2, title_rows=True, total_row=True,
               eol="\r\n", risk="blank", ordinary_category="无", legacy_ids=0.004,
               report_day=5, keep_exits=False),
        _Style(3, "dot", "compact", visits_have_id=False, disability_column=False, report_day=1),
        _Style(4, "iso_time", "iso", contacts_format="xls", place_form=1, total_row=True,
               risk="given", aged_in_categories=True, ordinary_consent=True, report_day=2,
               keep_exits=False),
        _Style(5, "slash", "excel", encoding="gb18030", roster_format="xlsx", place_form=2,
               title_rows=True, eol="\r\n", lower_x=True, legacy_ids=0.002, report_day=4),
    ]


def _city_style(rng: np.random.Generator) -> _Style:
    """A random CSV-only style for one district of the city."""
    dates = ("dot", "cn", "slash", "iso", "iso_time")
    return _Style(
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
    )


@dataclass(frozen=True)
class _Diligence:
    """How well each community works: shares by community (rows) and month (columns)."""

    home: np.ndarray  # special elders visited at home
    daily: np.ndarray  # 独居 elder-days with a contact
    contact: np.ndarray  # 失能 elders with a designated contact person, by community


def _make_diligence(rng: np.random.Generator, n_communities: int, n_months: int) -> _Diligence:
    months = np.arange(n_months)
    home = np.clip(rng.uniform(0.975, 0.998, (n_communities, 1))
                   + rng.normal(0, 0.006, (n_communities, n_months)), 0.965, 1.0)
    daily = np.clip(rng.uniform(0.972, 0.99, (n_communities, 1))
                    + rng.normal(0, 0.004, (n_communities, n_months)), 0.95, 0.998)
    contact = np.full(n_communities, 0.93)
    lagging = rng.choice(n_communities, size=min(n_communities, int(rng.integers(2, 4))),
                         replace=False)
    k = len(lagging)
    home[lagging] = np.minimum(rng.uniform(0.6, 0.68, (k, 1))
                               + rng.uniform(0.008, 0.014, (k, 1)) * months, 0.8)
    daily[lagging] = np.minimum(rng.uniform(0.82, 0.88, (k, 1)) + 0.005 * months, 0.93)
    contact[lagging] = 0.72
    return _Diligence(home, daily, contact)


# --- Small vectorized helpers ---------------------------------------------------------------


def _add_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _epoch(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of days counted from 1970-01-01."""
    as_date = np.asarray(days, dtype="int64").astype("datetime64[D]")
    months = as_date.astype("datetime64[M]")
    year = as_date.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (as_date - months).astype(np.int64) + 1
    return year, month, day


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars."""
    out = parts[0]
    for part in parts[1:]:
        out = np.strings.add(out, part)
    return np.asarray(out)


def _text(numbers: np.ndarray, width: int = 0) -> np.ndarray:
    text = np.asarray(numbers).astype(np.int64).astype(str)
    return np.strings.zfill(text, width) if width and len(text) else text


def _format_days(days: np.ndarray, fmt: str, minutes: np.ndarray | None = None) -> np.ndarray:
    """Days (and minutes of the day) written the way a street writes them."""
    y, m, d = _ymd(days)
    ys, ms, ds = _text(y), _text(m), _text(d)
    if fmt == "dot":
        return _cat(ys, ".", ms, ".", ds)
    if fmt == "cn":
        return _cat(ys, "年", ms, "月", ds, "日")
    if fmt == "slash":
        return _cat(ys, "/", ms, "/", ds)
    if fmt == "compact":
        return _cat(ys, _text(m, 2), _text(d, 2))
    iso = _cat(ys, "-", _text(m, 2), "-", _text(d, 2))
    if fmt == "iso_time" and minutes is not None:
        return _cat(iso, " ", _text(minutes // 60, 2), ":", _text(minutes % 60, 2))
    return iso


def _impossible_day(day: int, fmt: str, minute: int) -> str:
    """A date a clerk mistyped: month 13 or 30 February, in the street's own format."""
    y, m, d = (int(x[0]) for x in _ymd(np.array([day])))
    m, d = (13, d) if d % 2 else (2, 30)
    if fmt in ("cn",):
        return f"{y}年{m}月{d}日"
    if fmt == "slash":
        return f"{y}/{m}/{d}"
    if fmt == "compact":
        return f"{y}{m:02d}{d:02d}"
    if fmt == "iso_time":
        return f"{y}-{m:02d}-{d:02d} {minute // 60:02d}:{minute % 60:02d}"
    if fmt == "iso":
        return f"{y}-{m:02d}-{d:02d}"
    return f"{y}.{m}.{d}"


def _pick(rng: np.random.Generator, options, n: int, p=None) -> np.ndarray:
    options = np.asarray(options)
    if p is not None:
        p = np.asarray(p, dtype=float) / np.sum(p)
    return options[rng.choice(len(options), size=n, p=p)]


def _id_check_chars(base17: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check characters of 17-digit ID bodies held as integers."""
    total = np.zeros(len(base17), dtype=np.int64)
    for position, weight in enumerate(ID_WEIGHTS):
        total += (base17 // 10 ** (16 - position)) % 10 * weight
    return np.array(list(ID_CHECK_CHARS))[total % 11]


def _make_names(rng: np.random.Generator, female: np.ndarray, chars, two_char_share: float = 0.7):
    n = len(female)
    surname_weights = 1.0 / (np.arange(len(SURNAMES)) + 6)
    surname = _pick(rng, SURNAMES, n, surname_weights)
    male_chars, female_chars = (np.asarray(c) for c in chars)
    first = np.where(female, female_chars[rng.integers(len(female_chars), size=n)],
                     male_chars[rng.integers(len(male_chars), size=n)])
    second = np.where(female, female_chars[rng.integers(len(female_chars), size=n)],
                      male_chars[rng.integers(len(male_chars), size=n)])
    second = np.where(rng.random(n) < two_char_share, second, "")
    return _cat(surname, first, second).astype("<U4")


def _unique_within(rng: np.random.Generator, names: np.ndarray, group: np.ndarray,
                   female: np.ndarray) -> np.ndarray:
    """Redraw names until no two people of one group share one: visits may name people only."""
    names = names.copy()
    for _ in range(50):
        clash = np.flatnonzero(pd.DataFrame({"g": group, "n": names}).duplicated().to_numpy())
        if not len(clash):
            return names
        names[clash] = _make_names(rng, female[clash], ELDER_CHARS, two_char_share=1.0)
    raise RuntimeError("could not make names unique")


def _mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = np.asarray(MOBILE_PREFIXES)[rng.integers(len(MOBILE_PREFIXES), size=n)]
    return _text(prefix * 10**8 + rng.integers(0, 10**8, size=n))


def _landlines(rng: np.random.Generator, n: int, with_area: np.ndarray | bool = True):
    local = _cat(_pick(rng, LANDLINE_PREFIXES, n), _text(rng.integers(0, 10**4, size=n), 4))
    return np.where(with_area, _cat("022-", local), local)


# --- Elders, staff, visits, contacts --------------------------------------------------------


def _age_on(birth: np.ndarray, day) -> np.ndarray:
    """Age in whole years on day (both counted from 1970-01-01)."""
    by, bm, bd = _ymd(birth)
    y, m, d = _ymd(np.broadcast_to(day, np.shape(birth)))
    return y - by - ((m * 100 + d) < (bm * 100 + bd))


def _living_of(categories: np.ndarray, plain: np.ndarray, widowed: np.ndarray) -> np.ndarray:
    """What the 居住情况 column says, following the categories; `plain` for unmarked elders."""
    return np.select(
        [categories & LONE > 0, categories & EMPTY_NEST > 0, categories & WIDOWED > 0],
        [LIVING_LONE, LIVING_COUPLE, widowed], plain)


def _ability_of(categories: np.ndarray, plain: np.ndarray) -> np.ndarray:
    return np.select([categories & DISABLED > 0, categories & SEMI_DISABLED > 0],
                     [ABILITY_DISABLED, ABILITY_SEMI], plain)


def make_elders(rng: np.random.Generator, places: _Places, calendar: _Calendar,
                count: int, events_from: int | None = None) -> pd.DataFrame:
    """One row per elder aged 60+ on the district's roster during the year, with canonical codes.

    With events_from (a day, after the first monthly rosters), some elders also move between
    streets, vanish from the roster without a word, or have their marking removed or added on a
    day from then on; without it (one roster a year) nobody does.
    """
    n_communities = len(places.community_names)
    weights = rng.gamma(8.0, size=n_communities)
    community = np.repeat(np.arange(n_communities), rng.multinomial(count, weights / weights.sum()))

    aged = rng.random(count) < AGED_SHARE
    # Fewer 60-year-olds than 61-year-olds: some who turned 60 are not on the roster yet.
    young_weights = np.linspace(1.0, 0.55, 20) * np.r_[0.6, np.ones(19)]
    young_age = _pick(rng, np.arange(60, 80), count, young_weights)
    old_age = _pick(rng, np.arange(80, 103), count, 0.8 ** np.arange(23))
    target_age = np.where(aged, old_age, young_age)
    as_of = _epoch(calendar.as_of)
    years = target_age + rng.uniform(0.02, 0.98, count)
    birth = as_of - np.floor(years * 365.2425).astype(np.int64)
    y, m, d = _ymd(birth)
    before_birthday = (calendar.as_of.month * 100 + calendar.as_of.day) < m * 100 + d
    age = calendar.as_of.year - y - before_birthday
    female = rng.random(count) < np.select([age >= 80, age >= 70], [0.62, 0.56], 0.52)

    other_codes = [c for c in TIANJIN_AREA_CODES if c != places.area_code]
    area = np.where(rng.random(count) < 0.95, int(places.area_code),
                    _pick(rng, other_codes, count).astype(np.int64))
    body = area * 10**11 + (y * 10000 + m * 100 + d) * 1000
    seq = 2 * rng.integers(0, 500, size=count) + ~female
    for _ in range(50):
        clash = np.flatnonzero(pd.Series(body + seq).duplicated().to_numpy())
        if not len(clash):
            break
        seq[clash] = 2 * rng.integers(0, 500, size=len(clash)) + ~female[clash]
    base17 = body + seq
    id_number = _cat(_text(base17), _id_check_chars(base17))

    names = _unique_within(rng, _make_names(rng, female, ELDER_CHARS), community, female)

    # Registration: at 60 (with a lag) when that falls inside the year, else before it; a few
    # elders of any age register during the year (moved into the district, registered late),
    # more often than others because they need looking after.
    start = calendar.start_epoch
    sixtieth = birth + np.round(60 * 365.2425).astype(np.int64)
    earliest = np.maximum(sixtieth, _epoch(date(2016, 1, 1)))
    late = sixtieth + rng.integers(0, 60, size=count)
    newly = rng.random(count) < NEWLY_REGISTERED_SHARE
    registration = np.where(
        sixtieth >= start - 30,
        np.clip(late, start, as_of),
        earliest + (rng.random(count) * np.maximum(start - earliest, 1)).astype(np.int64),
    )
    registration = np.where(newly, start + (rng.random(count) * (as_of - start)).astype(np.int64),
                            registration)
    has_registration = (registration >= start) | (rng.random(count) >= 0.03)

    combo_bits = np.array([bits for bits, _ in CATEGORY_COMBOS])
    combo = combo_bits[rng.choice(len(combo_bits), size=count,
                                  p=np.array([w for _, w in CATEGORY_COMBOS]) / 100)]
    marked_share = np.where(age >= 80, SPECIAL_SHARE_80_PLUS,
                            np.where(newly, 0.2, SPECIAL_SHARE_UNDER_80))
    categories = np.where(rng.random(count) < marked_share, combo, 0).astype(np.int64)

    # Exits during the year, all with a change date after registration: deaths come to about
    # 0.5 % a month among special-difficulty elders, more among the oldest.
    special = (categories > 0) | (age >= 80)
    dies = np.select([age >= 80, special], [DEATH_80_PLUS, DEATH_SPECIAL], DEATH_OTHER)
    leaves = np.where(age >= 80, 0.02, 0.015)
    roll = rng.random(count)
    can_exit = registration < as_of
    exits = can_exit & (roll < dies + leaves)
    other_exit = np.where(
        age >= 80,
        _pick(rng, [STATUS_MOVED, STATUS_INSTITUTION, STATUS_AWAY], count, [0.25, 0.5, 0.25]),
        _pick(rng, [STATUS_MOVED, STATUS_INSTITUTION, STATUS_AWAY], count, [0.45, 0.25, 0.3]),
    )
    status = np.where(exits, np.where(roll < dies, STATUS_DEAD, other_exit), STATUS_ACTIVE)
    change_from = np.maximum(start, registration + 1)
    change = np.where(
        exits,
        change_from + (rng.random(count) * (as_of - change_from + 1)).astype(np.int64),
        -1,
    )
    # A few clerks write the status but not the day it changed.
    undated = exits & (rng.random(count) < UNDATED_EXIT_SHARE)

    # What else happens during the year, one thing per elder at most, to elders on the roster
    # since before it: moves to another street, vanishing, marking removed or added.
    n_streets = len(places.street_names)
    event_day = np.full(count, -1, dtype=np.int64)
    event = np.full(count, EVENT_NONE)
    if events_from is not None and n_streets > 1:
        settled = ~exits & (registration < start)
        unmarkable = (categories > 0) & (categories & ~(LONE | EMPTY_NEST | WIDOWED) == 0) \
            & (age < 79)
        chance = rng.random(count)
        shares = np.stack([
            np.where(special, VANISH_SPECIAL, VANISH_OTHER),
            np.where(special, MOVE_SPECIAL, MOVE_OTHER),
            np.where(unmarkable, UNMARK_SHARE, 0.0),
            np.where(special | (age >= 79), 0.0, MARK_SHARE),
        ])
        bounds = np.cumsum(shares, axis=0)
        drawn = settled & (chance < bounds[-1])
        event = np.where(drawn, (chance[None, :] >= bounds).sum(axis=0) + EVENT_VANISH, EVENT_NONE)
        event_day = np.where(drawn, events_from + (rng.random(count) * (as_of - events_from))
                             .astype(np.int64), -1)
    categories_after = np.select([event == EVENT_UNMARK, event == EVENT_MARK], [0, combo],
                                 categories).astype(np.int64)

    # Movers go to a community of another street.
    per_street = np.bincount(places.community_street, minlength=n_streets)
    first_of = np.cumsum(per_street) - per_street
    street = places.community_street[community]
    to_street = (street + rng.integers(1, max(n_streets, 2), size=count)) % max(n_streets, 1)
    dest = np.where(event == EVENT_MOVE, first_of[to_street] + (rng.random(count)
                    * per_street[to_street]).astype(np.int64), -1)
    movers = np.flatnonzero(dest >= 0)
    for _ in range(50):  # names stay unique within the community they move to
        owners = np.r_[np.arange(count), movers]
        places_of = np.r_[community, dest[movers]]
        clash = pd.DataFrame({"g": places_of, "n": names[owners]}).duplicated().to_numpy()
        if not clash.any():
            break
        redo = np.unique(owners[clash])
        names[redo] = _make_names(rng, female[redo], ELDER_CHARS, two_char_share=1.0)

    widowed_living = _pick(rng, [LIVING_RELATIVES, LIVING_OTHER], count)
    plain_living = _pick(rng, [LIVING_COUPLE, LIVING_CHILDREN, LIVING_RELATIVES, LIVING_OTHER,
                               LIVING_BLANK], count, [0.56, 0.2, 0.05, 0.03, 0.16])
    plain_ability = np.where(rng.random(count) < 0.7, ABILITY_SELF, ABILITY_BLANK)
    # The 居住情况 or 失能程度 of a few elders contradicts their marking (底数不清): living alone
    # with nothing marked, or 完全失能 without 失能 among the categories.
    plain = (event == EVENT_NONE) & ~exits
    roll = rng.random(count)
    lone_unmarked = plain & (categories == 0) & (age < 79) & (roll < LONE_UNMARKED_SHARE)
    disabled_unmarked = plain & (categories > 0) & (categories & (DISABLED | SEMI_DISABLED) == 0) \
        & (roll < DISABLED_UNMARKED_SHARE)
    plain_living = np.where(lone_unmarked, LIVING_LONE, plain_living)
    plain_ability = np.where(disabled_unmarked, ABILITY_DISABLED, plain_ability)
    living = _living_of(categories, plain_living, widowed_living)
    ability = _ability_of(categories, plain_ability)
    ability = np.where(disabled_unmarked, ABILITY_DISABLED, ability)
    # Whose marking is removed has moved in with the children.
    after_living = np.where(event == EVENT_UNMARK, LIVING_CHILDREN,
                            _living_of(categories_after, plain_living, widowed_living))
    after_ability = np.where(disabled_unmarked, ABILITY_DISABLED,
                             _ability_of(categories_after, plain_ability))

    ever_special = special | (categories_after > 0)
    consent = np.where(ever_special, np.where(rng.random(count) < 0.02, CONSENT_NO, CONSENT_YES),
                       CONSENT_BLANK)

    high = (special & (age >= 80) & (categories & (LONE | EMPTY_NEST) > 0)) | (
        (categories & LONE > 0) & (categories & DISABLED > 0))
    medium = categories & (DISABLED | SEMI_DISABLED | SEVERE | FAMILY_PLANNING) > 0
    risk = np.select([high, medium, special], [RISK_HIGH, RISK_MEDIUM, RISK_LOW], RISK_BLANK)
    birth_cell = np.where(rng.random(count) < 0.003, birth + rng.integers(1, 40, size=count), birth)
    address = _addresses(rng, places, community)
    dest_address = address.copy()
    if len(movers):
        dest_address[movers] = _addresses(rng, places, dest[movers])

    return pd.DataFrame({
        "community": community,
        "street": street,
        "name": names,
        "female": female,
        "birth": birth,
        "birth_cell": birth_cell,
        "age": age,
        "id_number": id_number,
        "categories": categories,
        "categories_after": categories_after,
        "special": special,
        "ever_special": ever_special,
        "living": living,
        "living_after": after_living,
        "ability": ability,
        "ability_after": after_ability,
        "consent": consent,
        "status": status,
        "change": change,
        "undated_exit": undated,
        "event": event,
        "event_day": event_day,
        "dest_community": dest,
        "registration": np.where(has_registration, registration, -1),
        "risk": risk,
        "high_risk": high,
        "address": address,
        "dest_address": dest_address,
        "phone": _elder_phones(rng, count),
    })


def _addresses(rng: np.random.Generator, places: _Places, community: np.ndarray) -> np.ndarray:
    n = len(community)
    short = places.community_short[community].astype(str)
    road = np.strings.endswith(short, "路") | np.strings.endswith(short, "道")
    unit = _text(rng.integers(1, 7, size=n))
    room = _text(rng.integers(1, 7, size=n) * 100 + rng.integers(1, 4, size=n))
    on_road = _cat(short, _text(rng.integers(1, 200, size=n)), "号", unit, "门", room)
    in_estate = _cat(short, _text(rng.integers(1, 40, size=n)), "号楼", unit, "门", room)
    prefix = np.where(rng.random(n) < 0.5, f"天津市{places.district_name}", places.district_name)
    return _cat(prefix, np.where(road, on_road, in_estate))


def _elder_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    kind = rng.choice(5, size=n, p=[0.75, 0.08, 0.04, 0.09, 0.04])
    mobile = _mobiles(rng, n)
    landline = _landlines(rng, n, rng.random(n) < 0.8)
    separator = _pick(rng, ["、", "，", "/", " "], n)
    return np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [mobile, _cat(mobile, separator, _mobiles(rng, n)), _cat(landline, separator, mobile),
         landline],
        "",
    )


def make_staff(rng: np.random.Generator, n_communities: int) -> pd.DataFrame:
    """Visitors of each community: two 网格员, two 社工, then volunteers."""
    per_community = rng.integers(5, 9, size=n_communities)
    community = np.repeat(np.arange(n_communities), per_community)
    rank = np.arange(len(community)) - np.repeat(np.cumsum(per_community) - per_community,
                                                 per_community)
    female = rng.random(len(community)) < 0.65
    return pd.DataFrame({
        "community": community,
        "name": _make_names(rng, female, YOUNG_CHARS, 0.5),
        "role": np.minimum(rank // 2, 2),
        "phone": _mobiles(rng, len(community)),
    })


def _active_days(elders: pd.DataFrame, calendar: _Calendar) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (offsets) on which each elder is there to visit: after registration,
    before exit or vanishing."""
    start = calendar.start_epoch
    registration = elders["registration"].to_numpy()
    first = np.where(registration < 0, 0, np.maximum(registration + 1 - start, 0))
    change = elders["change"].to_numpy()
    vanished = elders["event"].to_numpy() == EVENT_VANISH
    gone = np.where(vanished, elders["event_day"].to_numpy(), change)
    last = np.where(gone < 0, calendar.n_days - 1, gone - 1 - start)
    return first, last


def _categories_on(elders: pd.DataFrame, day) -> np.ndarray:
    """Each elder's categories on a day (epoch), the marking removed or added by then."""
    changed = elders["event"].isin([EVENT_UNMARK, EVENT_MARK]).to_numpy()
    after = changed & (np.asarray(day) >= elders["event_day"].to_numpy())
    return np.where(after, elders["categories_after"].to_numpy(), elders["categories"].to_numpy())


def _community_on(elders: pd.DataFrame, elder: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Where each elder lives on a day (epoch): movers in their new community from the move."""
    dest = elders["dest_community"].to_numpy()[elder]
    moved = (dest >= 0) & (day >= elders["event_day"].to_numpy()[elder])
    return np.where(moved, dest, elders["community"].to_numpy()[elder])


def _pick_visitors(rng: np.random.Generator, elder: np.ndarray, elders: pd.DataFrame,
                   staff: pd.DataFrame, own_share: float) -> np.ndarray:
    per_community = np.bincount(staff["community"], minlength=elders["community"].max() + 1)
    first_of = np.cumsum(per_community) - per_community
    community = elders["community"].to_numpy()[elder]
    anyone = first_of[community] + (rng.random(len(elder)) * per_community[community]).astype(int)
    return np.where(rng.random(len(elder)) < own_share, elders["visitor"].to_numpy()[elder], anyone)


def _spread(rng: np.random.Generator, first: np.ndarray, last: np.ndarray, counts: np.ndarray):
    """counts[i] distinct days in [first[i], last[i]], one in each equal slice; counts <= span."""
    group = np.repeat(np.arange(len(first)), counts)
    slot = np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)
    span = (last - first + 1)[group]
    n = counts[group]
    lo = first[group] + span * slot // n
    hi = first[group] + span * (slot + 1) // n
    return group, slot, lo + (rng.random(len(group)) * (hi - lo)).astype(np.int64)


def _home_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.where(rng.random(n) < 0.55, 540 + rng.integers(0, 150, size=n),
                    840 + rng.integers(0, 180, size=n))


def _call_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    return 480 + rng.integers(0, 720, size=n)


def make_visits(rng: np.random.Generator, elders: pd.DataFrame, staff: pd.DataFrame,
                diligence: _Diligence, calendar: _Calendar) -> pd.DataFrame:
    """One row per visit or contact attempt, with canonical codes, by community and time."""
    first, last = _active_days(elders, calendar)
    community = elders["community"].to_numpy()
    categories = elders["categories"].to_numpy()
    declined = elders["consent"].to_numpy() == CONSENT_NO
    parts: list[dict[str, np.ndarray]] = []

    def add(elder, day, minute, method, outcome, own_share=0.85):
        n = len(elder)
        parts.append({
            "elder": elder, "day": day, "minute": minute,
            "method": np.broadcast_to(method, n), "outcome": np.broadcast_to(outcome, n),
            "visitor": _pick_visitors(rng, elder, elders, staff, own_share),
        })

    # Elder-months in which a special-difficulty elder is on the roster: marked at the month's
    # start or end, or 80 by its end.
    start = calendar.start_epoch
    month_first, month_last = start + calendar.month_first, start + calendar.month_last
    birth = elders["birth"].to_numpy()
    special_months = np.stack([
        (_categories_on(elders, first_day) | _categories_on(elders, last_day) > 0)
        | (_age_on(birth, last_day) >= 80)
        for first_day, last_day in zip(month_first, month_last, strict=True)], axis=1)
    elder, month = np.nonzero(special_months)
    lo = np.maximum(calendar.month_first[month], first[elder])
    hi = np.minimum(calendar.month_last[month], last[elder])
    keep = lo <= hi
    elder, month, lo, hi = elder[keep], month[keep], lo[keep], hi[keep]
    span = hi - lo + 1
    home_share = diligence.home[community[elder], month]
    willing = ~declined[elder]

    visited = willing & (rng.random(len(elder)) < home_share * span / calendar.month_len[month])
    v = np.flatnonzero(visited)
    extra = np.where(elders["high_risk"].to_numpy()[elder[v]],
                     rng.binomial(3, home_share[v]), rng.random(len(v)) < 0.08)
    counts = np.minimum(1 + extra, span[v])
    group, slot, day = _spread(rng, lo[v], hi[v], counts)
    roll = rng.random(len(group))
    outcome = np.select([roll < 0.0005, roll < 0.0305], [EMERGENCY, PROBLEM], NORMAL)
    add(elder[v][group], day, _home_minutes(rng, len(group)), HOME, outcome)

    # 未遇 before the first successful visit of the month, and for some elders never found.
    first_day = day[slot == 0]
    retry = rng.random(len(v)) < 0.07
    missed_day = first_day - rng.integers(1, 5, size=len(v))
    retry &= missed_day >= lo[v]
    add(elder[v][retry], missed_day[retry], _home_minutes(rng, int(retry.sum())), HOME, NOT_MET)
    unfound = np.flatnonzero(willing & ~visited & (rng.random(len(elder)) < 0.3))
    unfound_day = lo[unfound] + (rng.random(len(unfound)) * span[unfound]).astype(np.int64)
    add(elder[unfound], unfound_day, _home_minutes(rng, len(unfound)), HOME, NOT_MET)

    # Elders who decline visits: now and then a refused knock.
    refused = np.flatnonzero(~willing & (rng.random(len(elder)) < 0.15))
    refused_day = lo[refused] + (rng.random(len(refused)) * span[refused]).astype(np.int64)
    add(elder[refused], refused_day, _home_minutes(rng, len(refused)), HOME, REFUSED)

    # Phone and video calls for special elders not living alone, and the odd street encounter.
    ever_lone = (categories | elders["categories_after"].to_numpy()) & LONE > 0
    not_lone = willing & ~ever_lone[elder]
    called = np.flatnonzero(not_lone & (rng.random(len(elder)) < 0.35))
    call_day = lo[called] + (rng.random(len(called)) * span[called]).astype(np.int64)
    add(elder[called], call_day, _call_minutes(rng, len(called)),
        np.where(rng.random(len(called)) < 0.8, PHONE, VIDEO),
        np.where(rng.random(len(called)) < 0.96, NORMAL, NOT_MET))
    met = np.flatnonzero(willing & (rng.random(len(elder)) < 0.03))
    met_day = lo[met] + (rng.random(len(met)) * span[met]).astype(np.int64)
    add(elder[met], met_day, _home_minutes(rng, len(met)), STREET, NORMAL)

    # Daily contacts for elders living alone, while they are on the roster and marked 独居.
    after = elders["categories_after"].to_numpy()
    lone = np.flatnonzero(((categories | after) & LONE > 0) & ~declined)
    days = np.arange(calendar.n_days)
    marked_day = elders["event_day"].to_numpy()[lone, None] - start
    lone_then = np.where(days >= np.where(marked_day < 0, calendar.n_days, marked_day),
                         after[lone, None], categories[lone, None]) & LONE > 0
    active = (days >= first[lone, None]) & (days <= last[lone, None]) & lone_then
    share = diligence.daily[community[lone]][:, calendar.day_month]
    reached = active & (rng.random(active.shape) < share)
    preferred = _pick(rng, [PHONE, ONLINE, VIDEO], len(lone), [0.55, 0.3, 0.15])
    row, day = np.nonzero(reached)
    method = np.where(rng.random(len(row)) < 0.9, preferred[row],
                      _pick(rng, [PHONE, ONLINE, VIDEO], len(row)))
    minute = _call_minutes(rng, len(row))
    add(lone[row], day, minute, method, NORMAL, own_share=0.9)
    again = rng.random(len(row)) < 0.015  # an unanswered call, then a successful one
    add(lone[row[again]], day[again], np.maximum(480, minute[again] - rng.integers(20, 120,
        size=int(again.sum()))), method[again], NOT_MET, own_share=1.0)
    unanswered_row, unanswered_day = np.nonzero(active & ~reached
                                                & (rng.random(active.shape) < 0.25))
    add(lone[unanswered_row], unanswered_day, _call_minutes(rng, len(unanswered_row)),
        preferred[unanswered_row], NOT_MET, own_share=0.9)

    # An inspector's signal: one or two home visits dated after the elder's death.
    change_day = elders["change"].to_numpy() - calendar.start_epoch
    dead = np.flatnonzero(elders["special"].to_numpy()
                          & (elders["status"].to_numpy() == STATUS_DEAD)
                          & (change_day >= 0) & (change_day <= calendar.n_days - 4))
    ghosts = dead[rng.permutation(len(dead))[:2]]
    room = np.minimum(10, calendar.n_days - 1 - change_day[ghosts])
    ghost_day = change_day[ghosts] + 2 + (rng.random(len(ghosts)) * (room - 1)).astype(np.int64)
    add(ghosts, ghost_day, _home_minutes(rng, len(ghosts)), HOME, NORMAL, own_share=1.0)

    visits = pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    _describe(rng, visits)
    # Movers are visited by their new community's staff from the day they move.
    elder = visits["elder"].to_numpy()
    where = _community_on(elders, elder, visits["day"].to_numpy() + start)
    moved = np.flatnonzero(where != community[elder])
    if len(moved):
        per_community = np.bincount(staff["community"], minlength=len(diligence.contact))
        first_of = np.cumsum(per_community) - per_community
        own = elders["dest_visitor"].to_numpy()[elder[moved]]
        anyone = first_of[where[moved]] + (rng.random(len(moved))
                                           * per_community[where[moved]]).astype(int)
        visitor = visits["visitor"].to_numpy().copy()
        visitor[moved] = np.where(rng.random(len(moved)) < 0.85, own, anyone)
        visits["visitor"] = visitor
    visits["community"] = where
    # ...without writing one visit twice (a second visitor drawn the same as the first)
    twice = visits.duplicated(["elder", "day", "method", "outcome", "visitor"]).to_numpy()
    kept = ~(twice & (where != community[elder]))
    visits, where = visits[kept], where[kept]
    order = np.lexsort((visits["minute"], visits["day"], where))
    return visits.iloc[order].reset_index(drop=True)


def _describe(rng: np.random.Generator, visits: pd.DataFrame) -> None:
    """Fill in what the visitor wrote: a note, and a problem and action when one was found."""
    notes, note_start = _note_table()
    method = visits["method"].to_numpy()
    outcome = visits["outcome"].to_numpy()
    note = np.zeros(len(visits), dtype=np.int64)
    issue = np.full(len(visits), -1, dtype=np.int64)
    for (m, o), phrases in NOTES.items():
        mask = (method == m) & (outcome == o)
        note[mask] = note_start[(m, o)] + rng.integers(len(phrases), size=int(mask.sum()))
    issue_offset = 0
    for o, issues in ISSUES.items():
        mask = outcome == o
        chosen = rng.integers(len(issues), size=int(mask.sum()))
        issue[mask] = issue_offset + chosen
        note[mask] = note_start[o] + chosen
        issue_offset += len(issues)
    visits["note"] = note
    visits["issue"] = issue


def _note_table() -> tuple[list[str], dict]:
    notes: list[str] = []
    start: dict = {}
    for key, phrases in NOTES.items():
        start[key] = len(notes)
        notes.extend(phrases)
    for o, issues in ISSUES.items():
        start[o] = len(notes)
        notes.extend(found for found, _, _ in issues)
    return notes, start


def make_contacts(rng: np.random.Generator, elders: pd.DataFrame, staff: pd.DataFrame,
                  diligence: _Diligence, calendar: _Calendar) -> pd.DataFrame:
    """Designated contact persons of 失能 elders: one row per elder and contact."""
    community = elders["community"].to_numpy()
    disabled = np.flatnonzero(elders["categories"].to_numpy() & DISABLED > 0)
    covered = disabled[rng.random(len(disabled)) < diligence.contact[community[disabled]]]
    elder = np.repeat(covered, np.where(rng.random(len(covered)) < 0.1, 2, 1))
    n = len(elder)
    relation = rng.choice(len(RELATION_NAMES), size=n, p=[0.55, 0.2, 0.15, 0.1])
    second = np.r_[False, elder[1:] == elder[:-1]]  # a second contact is someone else
    relation = np.where(second, (np.roll(relation, 1) + 1 + rng.integers(3, size=n)) % 4, relation)
    name = _make_names(rng, rng.random(n) < 0.5, YOUNG_CHARS, 0.6)
    phone = _mobiles(rng, n)

    # Staff contacts are the community's own 网格员 or volunteers, with their own phones.
    staff_community = staff["community"].to_numpy()
    role = staff["role"].to_numpy()
    for relation_code, role_code in ((2, 0), (3, 2)):
        pool = np.flatnonzero(role == role_code)
        first = np.searchsorted(staff_community[pool], community[elder], side="left")
        width = np.searchsorted(staff_community[pool], community[elder], side="right") - first
        chosen = pool[np.minimum(first + (rng.random(n) * np.maximum(width, 1)).astype(int),
                                 len(pool) - 1)]
        use = (relation == relation_code) & (width > 0)
        name = np.where(use, staff["name"].to_numpy()[chosen], name)
        phone = np.where(use, staff["phone"].to_numpy()[chosen], phone)

    kind = rng.choice(4, size=n, p=[0.94, 0.03, 0.015, 0.015])
    phone = np.select([kind == 1, kind == 2, kind == 3],
                      [_landlines(rng, n), np.full(n, "无"), _text(rng.integers(10**4, 10**5, n))],
                      phone)
    key_share = np.array([0.85, 0.4, 0.2, 0.1])[relation]
    registration = elders["registration"].to_numpy()[elder]
    since = np.maximum(np.where(registration < 0, 0, registration), _epoch(date(2022, 7, 1)))
    until = np.where(rng.random(n) < 0.85, np.maximum(calendar.start_epoch, since + 1),
                     _epoch(calendar.as_of))
    until = np.maximum(until, since + 1)
    return pd.DataFrame({
        "elder": elder,
        "name": name,
        "relation": relation,
        "phone": phone,
        "has_key": rng.random(n) < key_share,
        "set_day": since + (rng.random(n) * (until - since)).astype(np.int64),
    })


# --- Roster history: monthly snapshots and what the warehouse should make of them -----------

LEFT_REASONS = {STATUS_DEAD: "died", STATUS_MOVED: "moved_out", STATUS_INSTITUTION: "institution",
                STATUS_AWAY: "away"}
HISTORY_COLUMNS = ("special_before", "special_now", "joined_registered", "joined_marked",
                   "joined_turned_80", "joined_moved_in", "left_died", "left_moved_out",
                   "left_institution", "left_away", "left_unmarked", "left_unexplained",
                   "left_moved_to")


def _snapshot_days(calendar: _Calendar, styles: list[_Style], monthly: bool) -> np.ndarray:
    """填报日期 (epoch days) of each unit's rosters, oldest first: one a month, the last at as_of.

    A street reports each month on its own day: the month's last day or the 1st-5th of the next.
    """
    as_of = _epoch(calendar.as_of)
    if not monthly:
        return np.full((len(styles), 1), as_of, dtype=np.int64)
    month_end = calendar.start_epoch + calendar.month_last[:-1]
    days = month_end[None, :] + np.array([s.report_day for s in styles])[:, None]
    return np.c_[np.minimum(days, as_of - 1), np.full(len(styles), as_of)].astype(np.int64)


@dataclass(frozen=True)
class _Listings:
    """How each unit's snapshots list each elder: 0 not, 1 on the roster, 2 with an exit status.

    Side a is the elder's first unit; side b the unit a mover moves to (-1 for the rest).
    """

    unit_a: np.ndarray
    unit_b: np.ndarray
    code_a: np.ndarray  # elders x snapshots
    code_b: np.ndarray
    exit_a: np.ndarray  # the exit status written on side a (a mover's old street: 迁出)
    change_a: np.ndarray  # the change date written on side a, -1 when left blank
    snapshots: np.ndarray  # units x snapshots, epoch days


def _first_true(mask: np.ndarray) -> np.ndarray:
    return mask & ~np.c_[np.zeros(len(mask), bool), np.cumsum(mask, axis=1)[:, :-1] > 0]


def _listings(elders: pd.DataFrame, unit_of_community: np.ndarray, snapshots: np.ndarray,
              keep_exits: np.ndarray) -> _Listings:
    """Who each snapshot lists and how: exits with their status, kept on later rosters by streets
    that keep them (else listed once); movers listed 迁出 once by their old street, then by their
    new one from its first roster dated after that; the vanished dropped without a word."""
    unit_a = unit_of_community[elders["community"].to_numpy()]
    dest = elders["dest_community"].to_numpy()
    unit_b = np.where(dest >= 0, unit_of_community[np.maximum(dest, 0)], -1)
    event = elders["event"].to_numpy()
    event_day = elders["event_day"].to_numpy()
    registration = elders["registration"].to_numpy()
    mover = event == EVENT_MOVE

    day_a = snapshots[unit_a]
    registered = (registration[:, None] < 0) | (registration[:, None] <= day_a)
    exit_day = np.where(mover, event_day, elders["change"].to_numpy())
    exited = (exit_day[:, None] >= 0) & (exit_day[:, None] <= day_a)
    first_report = _first_true(exited)
    kept = exited & (keep_exits[unit_a][:, None] & ~mover[:, None])
    vanished = (event == EVENT_VANISH)[:, None] & (event_day[:, None] <= day_a)
    code_a = np.where(registered & ~vanished, np.where(exited, 2 * (first_report | kept), 1), 0)

    reported_on = np.where(first_report.any(axis=1), (day_a * first_report).max(axis=1), -1)
    day_b = snapshots[np.maximum(unit_b, 0)]
    code_b = (mover & (reported_on >= 0))[:, None] & (day_b > reported_on[:, None])
    exit_a = np.where(mover, STATUS_MOVED, elders["status"].to_numpy())
    undated = elders["undated_exit"].to_numpy() & ~mover
    change_a = np.where(undated, -1, exit_day)
    return _Listings(unit_a, unit_b, code_a.astype(np.int8), code_b.astype(np.int8),
                     exit_a, change_a, snapshots)


def _roster_history(elders: pd.DataFrame, listings: _Listings, calendar: _Calendar,
                    unit_names: list[str]) -> pd.DataFrame:
    """Per unit and month, what DESIGN §4 (roster history) makes of the snapshots as written:
    special-difficulty elders at the end of the month before and at its end, joiners and leavers
    by reason. Each day, a unit's newest snapshot dated by then is in force (its first, the
    baseline, before it); an elder counts where a snapshot in force lists them, from their
    registration until the change date written with an exit (the snapshot's date if none)."""
    lst, n = listings, len(elders)
    rows = np.arange(n)
    birth = elders["birth"].to_numpy()
    registration = elders["registration"].to_numpy()
    changed = elders["event"].isin([EVENT_UNMARK, EVENT_MARK]).to_numpy()
    event_day = elders["event_day"].to_numpy()
    before, after = elders["categories"].to_numpy(), elders["categories_after"].to_numpy()

    def state(day: int):
        in_force = np.maximum((lst.snapshots <= day).sum(axis=1) - 1, 0)
        k_a = in_force[lst.unit_a]
        code_a = lst.code_a[rows, k_a]
        dated_a = lst.snapshots[lst.unit_a, k_a]
        exit_on = np.where(lst.change_a < 0, dated_a, lst.change_a)
        registered = (registration < 0) | (registration <= day)
        on_a = registered & ((code_a == 1) | ((code_a == 2) & (day < exit_on)))
        k_b = in_force[np.maximum(lst.unit_b, 0)]
        on_b = (lst.unit_b >= 0) & (lst.code_b[rows, k_b] == 1)
        dated_b = lst.snapshots[np.maximum(lst.unit_b, 0), k_b]
        use_b = on_b & (~on_a | (dated_b > dated_a))
        marked_a = np.where(changed & (dated_a >= event_day), after, before) > 0
        marked = np.where(use_b, before > 0, marked_a)
        on = on_a | on_b
        unit = np.where(use_b, lst.unit_b, lst.unit_a)
        special = on & (marked | (_age_on(birth, day) >= 80))
        previous = np.where(k_a > 0, lst.code_a[rows, np.maximum(k_a - 1, 0)], 0)
        reported = (code_a == 2) | ((code_a == 0) & (previous == 2))
        gone = np.where(reported, lst.exit_a, -1)  # why side a no longer lists the elder
        return on, unit, marked & on, special, gone

    n_units = len(unit_names)
    start = calendar.start_epoch
    ends = [start - 1, *(start + calendar.month_last).tolist()]
    states = [state(day) for day in ends]
    frames = []
    for m, month_start in enumerate(calendar.month_starts):
        was_on, was_unit, was_marked, was_special, _ = states[m]
        on, unit, marked, special, gone = states[m + 1]
        stayed = was_special & special & (was_unit == unit)
        joined = special & ~stayed
        left = was_special & ~stayed
        joined_reason = np.select(
            [was_special, ~was_on, marked & ~was_marked], [3, 0, 1], 2)  # as HISTORY_COLUMNS
        left_reason = np.select(
            [special, on, gone == STATUS_DEAD, gone == STATUS_MOVED, gone == STATUS_INSTITUTION,
             gone == STATUS_AWAY], [6, 4, 0, 1, 2, 3], 5)
        counts = {
            "special_before": np.bincount(was_unit[was_special], minlength=n_units),
            "special_now": np.bincount(unit[special], minlength=n_units),
        }
        for i, name in enumerate(HISTORY_COLUMNS[2:6]):
            counts[name] = np.bincount(unit[joined & (joined_reason == i)], minlength=n_units)
        for i, name in enumerate(HISTORY_COLUMNS[6:]):
            counts[name] = np.bincount(was_unit[left & (left_reason == i)], minlength=n_units)
        frames.append(pd.DataFrame({"place": unit_names,
                                    "month": f"{month_start.year}-{month_start.month:02d}",
                                    **counts}))
    return pd.concat(frames, ignore_index=True)


# --- Sheets: columns as (distinct values, one code per row) ---------------------------------


@dataclass
class _Column:
    values: np.ndarray  # object array: str, None, or for xlsx a datetime or float
    codes: np.ndarray  # one index into values per row

    def __post_init__(self) -> None:
        self.codes = np.array(self.codes, dtype=np.int64)  # own, writable copy

    def append(self, value) -> int:
        self.values = np.append(self.values, np.array([value], dtype=object))
        return len(self.values) - 1


@dataclass
class _Sheet:
    kind: str
    roles: list[str]
    headers: list[str]
    columns: list[_Column]
    serial_header: str | None
    title: str | None
    report_line: str | None
    total_row: bool
    day: np.ndarray | None = None  # visits only: day and minute of each row, for bad dates
    minute: np.ndarray | None = None
    merged_roles: tuple[str, ...] = ()
    ids: np.ndarray | None = None  # canonical ID numbers, aligned with the ID column's values
    bad_rows: int = 0

    def column(self, role: str) -> _Column | None:
        return self.columns[self.roles.index(role)] if role in self.roles else None

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].codes)

    def take(self, rows: np.ndarray) -> None:
        for column in self.columns:
            column.codes = column.codes[rows]
        if self.day is not None:
            self.day, self.minute = self.day[rows], self.minute[rows]


def _objects(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values) if not isinstance(values, np.ndarray) else values
    return out


def _labels(options: tuple, variant: int) -> str:
    return options[variant % len(options)]


def _labelled(rng: np.random.Generator, table: tuple, variant: int, codes: np.ndarray,
              vary: float = 0.0) -> _Column:
    """A column of canonical codes written with a street's synonyms, a few rows differently."""
    values, offsets = [], []
    for synonyms in table:
        offsets.append(len(values))
        values.extend(synonyms)
    offsets = np.array(offsets)
    sizes = np.array([len(s) for s in table])
    preferred = variant % sizes[codes]
    other = rng.integers(0, 1 << 30, size=len(codes)) % sizes[codes]
    chosen = np.where(rng.random(len(codes)) < vary, other, preferred)
    return _Column(_objects(values), offsets[codes] + chosen)


def _place_columns(places: _Places, style: _Style, community: np.ndarray) -> list[_Column]:
    form = style.place_form
    street = places.street_names if form == 0 else _cat(
        places.street_short, "街" if form == 1 else "")
    if form == 0:
        comm = places.community_names
    elif form == 1:
        comm = _cat(places.community_short, "社区")
    else:
        comm = places.community_short
    return [_Column(_objects(street), places.community_street[community]),
            _Column(_objects(comm), community)]


def _id_values(rng: np.random.Generator, ids: np.ndarray, style: _Style) -> np.ndarray:
    """The elders' ID numbers as one file writes them: spaces, lowercase x, legacy 15 digits."""
    n = len(ids)
    if not n:
        return _objects([])
    out = ids.astype("<U22")
    spaced = rng.random(n) < style.spaced_ids
    gaps = _cat(np.strings.slice(ids, 0, 6), " ", np.strings.slice(ids, 6, 14), " ",
                np.strings.slice(ids, 14, 18))
    out = np.where(spaced, np.where(rng.random(n) < 0.5, gaps, _cat(ids, " ")), out)
    if style.lower_x:
        out = np.where(rng.random(n) < 0.6, np.strings.replace(out, "X", "x"), out)
    legacy = rng.random(n) < style.legacy_ids
    out = np.where(legacy, _cat(np.strings.slice(ids, 0, 6), np.strings.slice(ids, 8, 17)), out)
    return _objects(out)


def _dates(days: np.ndarray, fmt: str, minutes: np.ndarray | None = None,
           blank: np.ndarray | None = None) -> _Column:
    """A date column of distinct values; excel gives datetime cells, blank rows stay empty."""
    key = days * 1440 + (minutes if minutes is not None and fmt in ("iso_time", "excel") else 0)
    unique, codes = np.unique(key, return_inverse=True)
    if fmt == "excel":
        values = _objects([datetime(1970, 1, 1) + timedelta(minutes=int(k)) for k in unique])
        if minutes is None:
            values = _objects([v.date() for v in values])
    else:
        values = _objects(_format_days(unique // 1440, fmt, unique % 1440))
    column = _Column(values, codes)
    return column if blank is None else _optional(column, blank)


def _title_lines(style: _Style, title: str, unit: str,
                 reported: date) -> tuple[str | None, str | None]:
    if not style.title_rows:
        return None, None
    return title, f"填报单位：{unit}  填报日期：{reported.year}年{reported.month}月{reported.day}日"


def _roster_sheet(rng: np.random.Generator, e: pd.DataFrame, ids: np.ndarray,
                  staff: pd.DataFrame, places: _Places, style: _Style, reported: date,
                  unit: str) -> _Sheet:
    """One roster snapshot: e holds the elders it lists, as it lists them (one row each)."""
    v = style.variant
    n = len(e)
    fmt = style.roster_date
    text_fmt = "slash" if fmt == "excel" else fmt
    roles, headers, columns = ["street", "community"], [
        _labels(PLACE_HEADERS["street"], v), _labels(PLACE_HEADERS["community"], v)], []
    columns += _place_columns(places, style, e["community"].to_numpy())

    def put(role, column, table=ROSTER_HEADERS):
        roles.append(role)
        headers.append(_labels(table[role] if role in table else PLACE_HEADERS[role], v))
        columns.append(column)

    per_row = np.arange(n)
    put("name", _Column(_objects(e["name"].to_numpy()), per_row))
    put("sex", _Column(_objects(["男", "女"]), e["female"].to_numpy().astype(int)))
    put("id_number", _Column(_id_values(rng, ids, style), per_row))
    put("birth_date", _dates(e["birth_cell"].to_numpy(), fmt))
    put("address", _Column(_objects(e["address"].to_numpy()), per_row))
    phone = e["phone"].to_numpy()
    put("phone", _Column(_objects(np.where(phone == "", None, phone)), per_row))
    put("categories", _category_column(style, e))
    living = e["living"].to_numpy()
    put("living", _optional(_labelled(rng, LIVING_LABELS, v, np.minimum(living, 4)),
                            living == LIVING_BLANK))
    if style.disability_column:
        ability = e["ability"].to_numpy()
        put("disability", _optional(_labelled(rng, ABILITY_LABELS, v, np.minimum(ability, 2)),
                                    ability == ABILITY_BLANK))
    consent = e["consent"].to_numpy()
    pair = CONSENT_LABELS[v % len(CONSENT_LABELS)]
    consent_values = _objects([pair[0], pair[1], pair[0] if style.ordinary_consent else None])
    put("consent", _Column(consent_values, consent))
    status = e["status"].to_numpy()
    put("status", _labelled(rng, STATUS_LABELS, v, status))
    change = e["change"].to_numpy()
    put("change_date", _dates(np.maximum(change, 0), text_fmt, blank=change < 0))
    registration = e["registration"].to_numpy()
    put("reg_date", _dates(np.maximum(registration, 0), fmt, blank=registration < 0))
    put("visitor", _Column(_objects(staff["name"].to_numpy()), e["visitor"].to_numpy()))
    if style.risk != "absent":
        labels = RISK_LABELS[v % 2]
        risk = e["risk"].to_numpy() if style.risk == "given" else np.full(n, RISK_BLANK)
        put("risk_level", _Column(_objects([*labels, None]), risk))
    # A roster always says when it was drawn up: its 填报日期 dates the snapshot.
    title, report = _title_lines(replace(style, title_rows=True),
                                 f"{places.district_name}居家老年人情况底册", unit, reported)
    return _Sheet("roster", roles, headers, columns, _labels(SERIAL_HEADERS, v), title, report,
                  style.total_row,
                  merged_roles=("street", "community") if style.merged_places else (),
                  ids=ids)


def _optional(column: _Column, blank: np.ndarray) -> _Column:
    if blank.any():
        column.codes = np.where(blank, column.append(None), column.codes)
    return column


def _category_column(style: _Style, elders: pd.DataFrame) -> _Column:
    family = style.variant % 3
    values = []
    for code in range(256):
        labels = [CATEGORY_LABELS[i][family] for i in range(len(CATEGORY_NAMES)) if code >> i & 1]
        if code & 128:
            labels.append(CATEGORY_LABELS[-1][family])
        values.append("、".join(labels) if labels else style.ordinary_category)
    aged = elders["aged"].to_numpy() & style.aged_in_categories
    return _Column(_objects(values), elders["categories"].to_numpy() + 128 * aged)


def _visits_sheet(rng: np.random.Generator, visits: pd.DataFrame, elders: pd.DataFrame,
                  ids: np.ndarray, staff: pd.DataFrame, places: _Places, style: _Style,
                  calendar: _Calendar, unit: str, month: int, xlsx: bool) -> _Sheet:
    v = style.variant
    elder = visits["elder"].to_numpy()
    used, local = np.unique(elder, return_inverse=True)
    roles = ["street", "community", "name"]
    headers = [_labels(PLACE_HEADERS["street"], v), _labels(PLACE_HEADERS["community"], v),
               _labels(VISIT_HEADERS["name"], v)]
    columns = _place_columns(places, style, visits["community"].to_numpy())
    columns.append(_Column(_objects(elders["name"].to_numpy()[used]), local))
    if style.visits_have_id:
        roles.append("id_number")
        headers.append(_labels(PLACE_HEADERS["id_number"], v))
        columns.append(_Column(_id_values(rng, ids[used], style), local))
    day = visits["day"].to_numpy() + calendar.start_epoch
    minute = visits["minute"].to_numpy()
    notes, _ = _note_table()
    issue = visits["issue"].to_numpy()
    problems = [p for issues in ISSUES.values() for _, p, _ in issues]
    actions = [a for issues in ISSUES.values() for _, _, a in issues]
    visitor = visits["visitor"].to_numpy()
    more = [
        ("visit_date", _dates(day, "excel" if xlsx else style.visit_date, minute)),
        ("method", _labelled(rng, METHOD_LABELS, v, visits["method"].to_numpy(), vary=0.06)),
        ("outcome", _labelled(rng, OUTCOME_LABELS, v, visits["outcome"].to_numpy(), vary=0.06)),
        ("visitor", _Column(_objects(staff["name"].to_numpy()), visitor)),
        ("visitor_role", _Column(_objects(ROLE_NAMES), staff["role"].to_numpy()[visitor])),
        ("findings", _Column(_objects(notes), visits["note"].to_numpy())),
        ("problem", _Column(_objects([*problems, None]), np.where(issue < 0, len(problems),
                                                                  issue))),
        ("action", _Column(_objects([*actions, None]), np.where(issue < 0, len(actions), issue))),
    ]
    for role, column in more:
        roles.append(role)
        headers.append(_labels(VISIT_HEADERS[role], v))
        columns.append(column)
    first = calendar.month_starts[month]
    reported = min(_add_month(first) + timedelta(days=2), calendar.as_of)
    title = f"{places.district_name}探访关爱服务记录（{first.year}年{first.month}月）"
    title, report = _title_lines(style, title, unit, reported)
    return _Sheet("visits", roles, headers, columns, _labels(SERIAL_HEADERS, v + 1), title, report,
                  style.total_row, day=day, minute=minute, ids=ids[used])


def _contacts_sheet(rng: np.random.Generator, contacts: pd.DataFrame, elders: pd.DataFrame,
                    ids: np.ndarray, places: _Places, style: _Style, calendar: _Calendar,
                    unit: str, fmt: str) -> _Sheet:
    v = style.variant
    elder = contacts["elder"].to_numpy()
    used, local = np.unique(elder, return_inverse=True)
    n = len(contacts)
    roles = ["street", "community", "name", "id_number"]
    headers = [_labels(PLACE_HEADERS["street"], v), _labels(PLACE_HEADERS["community"], v),
               _labels(CONTACT_HEADERS["name"], v), _labels(PLACE_HEADERS["id_number"], v)]
    columns = _place_columns(places, style, contacts["community"].to_numpy())
    columns.append(_Column(_objects(elders["name"].to_numpy()[used]), local))
    columns.append(_Column(_id_values(rng, ids[used], style), local))
    yes, no = YES_NO_LABELS[v % 2]
    date_fmt = "excel" if fmt == "xlsx" else ("slash" if style.roster_date == "excel"
                                               else style.roster_date)
    more = [
        ("contact_name", _Column(_objects(contacts["name"].to_numpy()), np.arange(n))),
        ("relation", _Column(_objects(RELATION_NAMES), contacts["relation"].to_numpy())),
        ("contact_phone", _Column(_objects(contacts["phone"].to_numpy()), np.arange(n))),
        ("has_key", _Column(_objects([no, yes]), contacts["has_key"].to_numpy().astype(int))),
        ("set_date", _dates(contacts["set_day"].to_numpy(), date_fmt)),
    ]
    for role, column in more:
        roles.append(role)
        headers.append(_labels(CONTACT_HEADERS[role], v))
        columns.append(column)
    title, report = _title_lines(style, f"{places.district_name}失能老年人联系人情况表", unit,
                                 calendar.as_of)
    return _Sheet("contacts", roles, headers, columns, _labels(SERIAL_HEADERS, v), title, report,
                  False, ids=ids[used])


def _listing_frame(elders: pd.DataFrame, lst: _Listings, unit: int,
                   k: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The elders unit's snapshot k lists, as it lists them, in community order; and their rows."""
    side_a = np.flatnonzero((lst.unit_a == unit) & (lst.code_a[:, k] > 0))
    side_b = np.flatnonzero((lst.unit_b == unit) & (lst.code_b[:, k] > 0))
    rows = np.r_[side_a, side_b]
    on_b = np.arange(len(rows)) >= len(side_a)
    day = int(lst.snapshots[unit, k])
    e = elders.iloc[rows].copy()
    changed = e["event"].isin([EVENT_UNMARK, EVENT_MARK]).to_numpy() & (
        day >= e["event_day"].to_numpy())
    for column in ("categories", "living", "ability"):
        e[column] = np.where(changed, e[f"{column}_after"], e[column])
    code = np.where(on_b, 1, lst.code_a[rows, k])
    e["status"] = np.where(code == 2, lst.exit_a[rows], STATUS_ACTIVE)
    e["change"] = np.where(code == 2, lst.change_a[rows], -1)
    for column, moved in (("community", "dest_community"), ("address", "dest_address"),
                          ("visitor", "dest_visitor")):
        e[column] = np.where(on_b, e[moved], e[column])
    e["aged"] = _age_on(e["birth"].to_numpy(), day) >= 80
    order = np.argsort(e["community"].to_numpy(), kind="stable")
    return e.iloc[order], rows[order]


def _roster_warnings(e: pd.DataFrame, style: _Style) -> dict[str, np.ndarray]:
    """Rows that load with a warning by design: exits without a date, attributes contradicting
    the marking (底数不清)."""
    categories = e["categories"].to_numpy()
    ability = e["ability"].to_numpy()
    contradiction = (e["living"].to_numpy() == LIVING_LONE) & (categories & LONE == 0)
    if style.disability_column:
        contradiction |= (ability == ABILITY_DISABLED) & (categories & DISABLED == 0)
        contradiction |= (ability == ABILITY_SEMI) & (categories & SEMI_DISABLED == 0)
    return {"exit_without_date": (e["status"].to_numpy() != STATUS_ACTIVE)
            & (e["change"].to_numpy() < 0),
            "contradiction": contradiction}


def _plant_unknown_values(rng: np.random.Generator, sheet: _Sheet, candidates: np.ndarray,
                          share: float) -> np.ndarray:
    """Write a few attributes in words no mapping knows: the rows load, with a warning."""
    rows = np.flatnonzero(candidates)
    count = min(int(rng.binomial(sheet.n_rows, share)), len(rows))
    rows = np.sort(rng.choice(rows, size=count, replace=False))
    roles = [role for role in UNKNOWN_VALUES if sheet.column(role) is not None]
    if not count:
        return rows
    which = np.asarray(roles)[rng.integers(len(roles), size=count)]
    for role in roles:
        column = sheet.column(role)
        mine = rows[which == role]
        column.codes[mine] = column.append(UNKNOWN_VALUES[role])
    return rows


# --- Deliberately bad rows ------------------------------------------------------------------


def _plant_bad_rows(rng: np.random.Generator, sheet: _Sheet, share: float, fmt: str,
                    date_fmt: str, known_places: set[str],
                    candidates: np.ndarray | None = None) -> None:
    """Corrupt a few rows the way real exports are corrupt (only candidates, when given);
    sheet.bad_rows counts them."""
    kinds = []
    id_column = sheet.column("id_number")
    if id_column is not None:
        kinds += ["check_digit", "id_as_number"]
    if sheet.kind == "roster" and not sheet.merged_roles:
        kinds.append("unknown_community")
    if sheet.kind == "visits":
        kinds += ["impossible_date", "unknown_method", "duplicate"]
    if sheet.kind == "contacts":
        kinds = ["check_digit"]
    pool = np.arange(sheet.n_rows) if candidates is None else np.flatnonzero(candidates)
    count = min(int(rng.binomial(sheet.n_rows, share)), sheet.n_rows // 2, len(pool))
    if not kinds or not count:
        return
    rows = rng.choice(pool, size=count, replace=False)
    kind = np.asarray(kinds)[rng.integers(len(kinds), size=count)]
    for row, what in zip(rows.tolist(), kind.tolist(), strict=True):
        if what in ("check_digit", "id_as_number"):
            good = str(sheet.ids[id_column.codes[row]])
            if what == "check_digit":
                wrong = ID_CHECK_CHARS[(ID_CHECK_CHARS.index(good[17]) + 1
                                        + int(rng.integers(10))) % 11]
                bad = good[:17] + wrong
            else:
                number = float(good[:17] + ("0" if good[17] == "X" else good[17]))
                bad = number if fmt == "xlsx" else f"{number:.5E}"
            id_column.codes[row] = id_column.append(bad)
        elif what == "unknown_community":
            name = next(c for c in UNKNOWN_COMMUNITIES if _place_key(c) not in known_places)
            column = sheet.column("community")
            column.codes[row] = column.append(name)
        elif what == "impossible_date":
            column = sheet.column("visit_date")
            column.codes[row] = column.append(
                _impossible_day(int(sheet.day[row]), date_fmt, int(sheet.minute[row])))
        elif what == "unknown_method":
            column = sheet.column("method")
            column.codes[row] = column.append(UNKNOWN_METHOD)
    duplicated = np.sort(rows[kind == "duplicate"])
    if len(duplicated):
        sheet.take(np.sort(np.concatenate([np.arange(sheet.n_rows), duplicated]), kind="stable"))
    sheet.bad_rows = count


def _place_key(name: str) -> str:
    for suffix in ("街道办事处", "街道", "街", "社区居民委员会", "社区居委会", "居民委员会",
                   "居委会", "社区", "村民委员会", "村委会", "村"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# --- Writers --------------------------------------------------------------------------------


def _cells(sheet: _Sheet) -> tuple[list[str], list[list]]:
    """Header and row values (top-left value only in merged runs), serial number first."""
    headers = list(sheet.headers)
    columns = []
    for role, column in zip(sheet.roles, sheet.columns, strict=True):
        values = column.values[column.codes]
        if role in sheet.merged_roles:
            starts = np.r_[True, column.codes[1:] != column.codes[:-1]]
            values = np.where(starts, values, None)
        columns.append(values.tolist())
    if sheet.serial_header:
        headers.insert(0, sheet.serial_header)
        columns.insert(0, list(range(1, sheet.n_rows + 1)))
    return headers, columns


def _trailer(sheet: _Sheet, width: int) -> list[list]:
    if not sheet.total_row:
        return []
    unit = "人" if sheet.kind == "roster" else "条"
    total = [None] * width
    total[0] = "合计"
    total[min(3, width - 1)] = f"共{sheet.n_rows}{unit}"
    return [[None] * width, [None] * width, total]


class _StableZip(zipfile.ZipFile):
    """A zip whose entries carry one fixed timestamp, so equal workbooks give equal bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname, Path(filename).read_bytes(), compress_type, compresslevel)


def _write_xlsx(path: Path, sheet: _Sheet, stamp: datetime) -> None:
    headers, columns = _cells(sheet)
    width = len(headers)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "探访关爱"
    workbook.properties.created = workbook.properties.modified = stamp
    ws = workbook.create_sheet("Sheet1")
    top = 1
    if sheet.title:
        last = get_column_letter(width)
        ws.append([sheet.title])
        ws.append([sheet.report_line])
        ws.merged_cells.add(f"A1:{last}1")
        ws.merged_cells.add(f"A2:{last}2")
        top = 3
    ws.append(headers)
    for role in sheet.merged_roles:
        column = sheet.column(role)
        letter = get_column_letter(headers.index(sheet.headers[sheet.roles.index(role)]) + 1)
        starts = np.flatnonzero(np.r_[True, column.codes[1:] != column.codes[:-1]])
        ends = np.r_[starts[1:], sheet.n_rows] - 1
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                ws.merged_cells.add(f"{letter}{top + 1 + start}:{letter}{top + 1 + end}")
    for row in zip(*columns, strict=True):
        ws.append(row)
    for row in _trailer(sheet, width):
        ws.append(row)
    with _StableZip(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()


def _write_xls(path: Path, sheet: _Sheet) -> None:
    import xlwt

    headers, columns = _cells(sheet)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    rows = [[h] for h in (sheet.title, sheet.report_line) if h] + [headers]
    rows += [list(r) for r in zip(*columns, strict=True)] + _trailer(sheet, len(headers))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.save(str(path))


def _write_csv(path: Path, sheet: _Sheet, style: _Style) -> None:
    width = len(sheet.headers) + (1 if sheet.serial_header else 0)
    eol = style.eol
    arrays = [pa.array(c.values, type=pa.string()).take(pa.array(c.codes)) for c in sheet.columns]
    names = list(sheet.headers)
    if sheet.serial_header:
        arrays.insert(0, pa.array(_text(np.arange(1, sheet.n_rows + 1))))
        names.insert(0, sheet.serial_header)
    body = io.BytesIO()
    pa_csv.write_csv(pa.table(arrays, names=names), body, pa_csv.WriteOptions(
        quoting_style="none", quoting_header="none", eol=eol))
    head = "".join(line + "," * (width - 1) + eol
                   for line in (sheet.title, sheet.report_line) if line)
    tail = "".join(",".join("" if v is None else v for v in row) + eol
                   for row in _trailer(sheet, width))
    text = body.getvalue()
    if style.encoding == "gb18030":
        data = (head + text.decode("utf-8") + tail).encode("gb18030")
    else:
        data = head.encode() + text + tail.encode()
        if style.encoding == "utf-8-sig":
            data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


# --- Putting it together ------------------------------------------------------------------


@dataclass(frozen=True)
class _Written:
    order: tuple
    path: Path
    bad_rows: int
    warnings: dict[str, int] | None = None
    report_date: date | None = None


def _write_sheet(rng: np.random.Generator, sheet: _Sheet, path: Path, fmt: str, style: _Style,
                 date_fmt: str, known: set[str], share: float, calendar: _Calendar,
                 candidates: np.ndarray | None = None) -> int:
    _plant_bad_rows(rng, sheet, share, fmt, date_fmt, known, candidates)
    stamp = datetime.combine(calendar.as_of, datetime.min.time())
    if fmt == "xlsx":
        _write_xlsx(path, sheet, stamp)
    elif fmt == "xls":
        _write_xls(path, sheet)
    else:
        _write_csv(path, sheet, style)
    return sheet.bad_rows


def _write_district(rng: np.random.Generator, out_dir: Path, places: _Places,
                    calendar: _Calendar, count: int, styles: list[_Style] | None,
                    share: float, district_index: int) -> tuple[list[_Written], pd.DataFrame]:
    """Generate one district's people and records and write its files (per street, or whole);
    also what the warehouse should make of its rosters."""
    n_communities = len(places.community_names)
    if styles is None:  # city scale: the whole district is one unit, with one roster a year
        unit_names, unit_styles = [places.district_name], [_city_style(rng)]
        unit_of_community = np.zeros(n_communities, dtype=np.int64)
    else:
        unit_names = [str(name) for name in places.street_names]
        unit_styles = [styles[s % len(styles)] for s in range(len(unit_names))]
        unit_of_community = places.community_street
    snapshots = _snapshot_days(calendar, unit_styles, monthly=styles is not None)
    events_from = int(snapshots[:, 0].max()) + 1 if styles is not None else None

    elders = make_elders(rng, places, calendar, count, events_from)
    staff = make_staff(rng, n_communities)
    diligence = _make_diligence(rng, n_communities, len(calendar.month_first))
    elders["visitor"] = _assign_visitors(rng, elders, staff)
    dest = elders["dest_community"].to_numpy()
    elders["dest_visitor"] = np.where(dest >= 0, _assign_visitors(
        rng, elders.assign(community=np.maximum(dest, 0)), staff), -1)
    visits = make_visits(rng, elders, staff, diligence, calendar)
    contacts = make_contacts(rng, elders, staff, diligence, calendar)
    contacts["community"] = _community_on(elders, contacts["elder"].to_numpy(),
                                          _epoch(calendar.as_of))
    listings = _listings(elders, unit_of_community, snapshots,
                         np.array([style.keep_exits for style in unit_styles]))
    history = _roster_history(elders, listings, calendar, unit_names)

    known = {_place_key(n) for n in (*places.street_names, *places.street_short,
                                     *places.community_names, *places.community_short)}
    ids = elders["id_number"].to_numpy().astype(str)
    ordinary = ~elders["ever_special"].to_numpy()
    written = []
    n_snapshots = snapshots.shape[1]
    for k in range(n_snapshots):
        latest = k == n_snapshots - 1
        for u, (unit, style) in enumerate(zip(unit_names, unit_styles, strict=True)):
            listed, rows = _listing_frame(elders, listings, u, k)
            reported = date(1970, 1, 1) + timedelta(days=int(snapshots[u, k]))
            fmt = style.roster_format if latest else "csv"
            if fmt == "csv" and style.roster_date == "excel":  # date cells only in workbooks
                style = replace(style, roster_date="slash")
            month = calendar.month_starts[-n_snapshots + k]
            suffix = f"{month.year}年{month.month:02d}月" if n_snapshots > 1 else ""
            path = out_dir / f"{unit}居家老年人情况底册{suffix}.{fmt}"
            sheet = _roster_sheet(rng, listed, ids[rows], staff, places, style, reported, unit)
            flagged = _roster_warnings(listed, style)
            plain = ordinary[rows] & ~flagged["exit_without_date"] & ~flagged["contradiction"]
            unknown = _plant_unknown_values(rng, sheet, plain, UNKNOWN_VALUE_SHARE)
            plain[unknown] = False
            bad = _write_sheet(rng, sheet, path, fmt, style, style.roster_date, known, share,
                               calendar, candidates=plain)
            warnings = {"unknown_value": len(unknown),
                        **{kind: int(mask.sum()) for kind, mask in flagged.items()}}
            written.append(_Written((0, k, district_index, u), path, bad, warnings, reported))

    final_unit = unit_of_community[contacts["community"].to_numpy()]
    visit_unit = unit_of_community[visits["community"].to_numpy()]
    for u, (unit, style) in enumerate(zip(unit_names, unit_styles, strict=True)):
        contacts_path = out_dir / f"{unit}失能老年人联系人情况表.{style.contacts_format}"
        sheet = _contacts_sheet(rng, contacts[final_unit == u], elders, ids, places, style,
                                calendar, unit, style.contacts_format)
        bad = _write_sheet(rng, sheet, contacts_path, style.contacts_format, style,
                           style.roster_date, known, share, calendar)
        written.append(_Written((1, 0, district_index, u), contacts_path, bad))

    visit_month = calendar.day_month[visits["day"].to_numpy()]
    for m, first in enumerate(calendar.month_starts):
        in_month = visit_month == m
        for u, (unit, style) in enumerate(zip(unit_names, unit_styles, strict=True)):
            xlsx = m >= len(calendar.month_starts) - style.xlsx_visit_months
            fmt = "xlsx" if xlsx else "csv"
            path = out_dir / f"{unit}探访关爱服务记录{first.year}年{first.month:02d}月.{fmt}"
            subset = visits[in_month & (visit_unit == u)]
            sheet = _visits_sheet(rng, subset, elders, ids, staff, places, style, calendar, unit,
                                  m, xlsx)
            bad = _write_sheet(rng, sheet, path, fmt, style, "dot" if xlsx else style.visit_date,
                               known, share, calendar)
            written.append(_Written((2, m, district_index, u), path, bad))
    return written, history


def _assign_visitors(rng: np.random.Generator, elders: pd.DataFrame, staff: pd.DataFrame):
    """Each elder's 包联人: one of the community's 网格员 or 社工."""
    carers = staff[staff["role"] < 2]
    per_community = np.bincount(carers["community"], minlength=elders["community"].max() + 1)
    first_of = np.cumsum(per_community) - per_community
    community = elders["community"].to_numpy()
    chosen = first_of[community] + (rng.random(len(elders)) * per_community[community]).astype(int)
    return carers.index.to_numpy()[chosen]


def _places_of(divisions: pd.DataFrame, district: pd.Series) -> _Places:
    streets = divisions[(divisions["level"] == "street")
                        & (divisions["parent_code"] == district["code"])].sort_values("code")
    communities = divisions[(divisions["level"] == "community")
                            & divisions["parent_code"].isin(streets["code"])]
    communities = communities.sort_values(["parent_code", "code"])
    street_index = {code: i for i, code in enumerate(streets["code"])}
    return _Places(
        district_code=str(district["code"]),
        district_name=str(district["name"]),
        street_names=streets["name"].to_numpy().astype(str),
        street_short=streets["short_name"].to_numpy().astype(str),
        community_names=communities["name"].to_numpy().astype(str),
        community_short=communities["short_name"].to_numpy().astype(str),
        community_street=communities["parent_code"].map(street_index).to_numpy().astype(np.int64),
    )


def write_demo_exports(out_dir: Path, *, seed: int = 2024, scale: str = "district",
                       as_of: date | None = None, _elder_count: int | None = None,
                       _bad_row_share: float = BAD_ROW_SHARE) -> DemoExports:
    """Write a district's (or a city's) year of synthetic exports into out_dir."""
    as_of = as_of or date.today() - timedelta(days=1)
    calendar = _Calendar.ending(as_of)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if scale == "district":
        divisions = reference_divisions()
        districts = [_places_of(divisions, divisions[divisions["level"] == "district"].iloc[0])]
        counts = [_elder_count or DISTRICT_ELDERS]
        styles = _heping_styles()
    elif scale == "city":
        from etl.geography import city_divisions

        divisions = city_divisions(district_count=CITY_DISTRICTS)
        rows = divisions[divisions["level"] == "district"].sort_values("code")
        districts = [_places_of(divisions, row) for _, row in rows.iterrows()]
        weights = np.random.default_rng([seed, len(districts)]).gamma(6.0, size=len(districts))
        counts = np.random.default_rng(seed).multinomial(_elder_count or CITY_ELDERS,
                                                         weights / weights.sum()).tolist()
        styles = None
    else:
        raise ValueError(f"scale must be 'district' or 'city', not {scale!r}")
    written: list[_Written] = []
    histories = []
    for index, (places, count) in enumerate(zip(districts, counts, strict=True)):
        rng = np.random.default_rng([seed, index])
        files, history = _write_district(rng, out_dir, places, calendar, int(count), styles,
                                         _bad_row_share, index)
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
