"""Header aliases, value synonyms and keywords, read from etl/mappings/ and a bureau's own files."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

KINDS = ("roster", "visits", "contacts")
# A header keyword of this priority or more (header_keywords.csv) names a column only where no other column names its
# field (an online form's 提交人 the visitor, its 部门 the community): outranked, the column is no repeat to warn of
FALLBACK = 90
IGNORED = "_ignore"
UNKNOWN = "_unknown"  # a header keyword that says "not this field": the column stays unrecognised
SUBMITTED = "submitted_at"  # when an online form was sent (提交答卷时间): map_columns makes it a field the rows have
COUNTS = "_counts"  # a column that counts visits (探访次数, 其中上门): a summary's, which no record or list has
NEGATION = "_negation"  # keywords.csv rows naming the words that negate a keyword after them (field *: every field)
NOT_NEGATION = "_not_negation"  # … and the words that hold one without negating (不错, 没事: fine)
UNDOING = "_undoing"  # … and the words that undo a keyword written before them (从养老院接回: back home)
# … and the words naming someone else, a relative: a keyword written next to one is about them, not the elder (老伴住进
# 养老院, 空巢，老伴失能, 儿子外出打工), in a field whose values name no relatives (living's 与子女同住 do)
SOMEONE_ELSE = "_someone_else"
# … and what a keyword of the value in its negated_value column is about, where words follow it in its clause: of none
# of these, it is about something else (老人拒绝安装燃气报警器 refuses no visit; 拒绝探访, 老人拒绝。 do)
OBJECT = "_object"
WORD_RULES = (NEGATION, NOT_NEGATION, UNDOING, SOMEONE_ELSE, OBJECT)  # keywords.csv rows about other words, not values

# Fields that only one kind of export has: they decide the kind of a file from its header.
KIND_MARKERS = {
    "roster": {"categories", "living", "disability", "status", "status_reason", "alive", "deceased", "in_roster",
               "cancelled", "moved_out", "change_date",
               "reg_date", "consent", "declines", "address", "risk_level", "economy", "sex", "birth_date"},
    "visits": {"visit_date", "method", "outcome", "visitor_role", "findings"},
    "contacts": {"contact_name", "relation", "contact_phone", "has_key", "set_date"},
}
# Columns that only a visit record has: a roster (or contact list) with them is a visit file.
VISIT_COLUMNS = ("visit_date", "method")
KIND_LABELS = {"roster": "底册", "visits": "探访记录", "contacts": "联系人情况表"}
# The files read from etl/mappings/ and, when present, from the bureau's folder beside its
# configuration file (rows added to the package's), with the columns each must have.
FILES = {
    "headers.csv": ("kind", "field", "alias"),
    "header_keywords.csv": ("kind", "field", "keyword", "priority"),
    "values.csv": ("field", "value", "synonym"),
    "keywords.csv": ("field", "value", "keyword", "priority", "negated_value"),
    "geography_headers.csv": ("field", "alias"),  # division lists and boundary files
    "geography_levels.csv": ("level", "synonym"),
}
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\]]*\]|【[^】]*】")
# An online form's question number before its question (问卷星 1、姓名, 腾讯问卷 1.姓名, Q3:探访方式, 第2题): not a day
# (11.5, 11-5: a digit follows)
_QUESTION_NUMBER = re.compile(r"^(?:q\d{1,3}|第\d{1,3}题|\d{1,3})[、.:_)-]+(?=\D)|^第\d{1,3}题", re.IGNORECASE)
# Words around the meaning of a header: 居民身份证号码 = 身份证, 社区名称 = 社区.
_PREFIXES = re.compile(r"^(居民|公民)")
_SUFFIXES = re.compile(r"(号码|号|名称|情况|状况|信息)$")
# A column that ticks one value of a field (a roster's 独居 √, 是否失能 是, 与配偶同住 √ under 居住情况; a visit's
# 入户 | 电话 | 视频 √): its header is the value's name. Kind -> the field of words (values.csv) it names a value of,
# and the field it fills; of a header two fields have (独居), the first's.
MARKS = {"roster": (("category", "categories"), ("living", "living")),
         "visits": (("method", "method"), ("outcome", "outcome"))}
_MARK_PREFIX = re.compile(r"^是否(属于|为)?")
# The visit fields a column may ask alone (是否见到本人, 是否入户): its 是 ticks the word, its 否 denies it (未入户)
ASKED_MARKS = ("outcome", "method")
# A contact person's landline in a column beside their mobile's (座机, 固定电话): read with it (ColumnMap.fields'
# contact_phone_also), not dropped as the same column twice
LANDLINE = re.compile(r"座机|固话|固定电话|宅电")
# Fields a roster may write in a column of each kind (死亡日期, 迁出日期, 入住机构日期: the change date of whichever
# exit a row has), and a visit record in two (发现问题 | 问题描述, either filled in): every such column is read
# (ColumnMap.also), the first cell written counting, not the later dropped as the same column twice
SPREAD_FIELDS = {"roster": ("change_date",), "visits": ("problem",)}
# Fields whose value a roster may write over several columns of one name (特殊困难类别 merged over a cell a category,
# 特殊困难类别1 | 特殊困难类别2, or the header written twice): every such column is read (ColumnMap.also), the row's
# cells joined with 、 as one cell of several words. Only the first read, a person's other categories had been left
# out (a 重残 in the third cell: no special-difficulty elder). Columns of other names (人员类别 beside 特殊困难类别)
# are not joined: the first is read, the other said to be the same column twice.
JOINED_FIELDS = {"roster": ("categories",)}


# A day's column: 5, 5日, 5号, and with the month before it (11月5日, 11/5, a band 11月 over the days read with them:
# 11月5), and the year before that (2026-10-01: a date cell, as Excel makes one of 10/1 typed and dragged; the
# register had been refused as no kind of file) or its weekday after it (5 一, 5日(周六), a row of weekdays under the
# days read with them)
DAY_CELL = re.compile(r"(?:(?:19|20)\d\d\s*[年/.．-]\s*)?(?:(\d{1,2})\s*[月/.．-]\s*)?(\d{1,2})\s*[日号]?\s*"
                      r"(?:[(（]?\s*(?:星期|周)?\s*[一二三四五六日天]\s*[)）]?)?")
MIN_DAYS = 20  # columns naming days of a month that make a register (a month has 28 to 31)
DECIMAL_DAY = re.compile(r"\d{1,2}\.\d")  # a day's header as a number of month and day (10.1), its zero dropped


class MappingError(Exception):
    """A mapping file that cannot be read; the message names it."""


def header_key(text: str) -> str:
    """A header cell as compared: full-width forms made half-width (NFKC), without spaces, line
    breaks, characters nobody sees (a zero-width space, a byte-order mark pasted from another file: review 12 H1, a
    状态 column skipped and the dead counted), markers, the apostrophe that keeps Excel from reading a cell
    ('身份证号), an online form's question number (1、姓名) and bracketed notes (身份证号（18位） = 身份证号), lower
    case."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")  # (format characters: Cf)
    key = re.sub(r"[\s*※]+|^['‘’`]+", "", unicodedata.normalize("NFKC", visible)).lower()
    key = re.sub(":", "", _QUESTION_NUMBER.sub("", key, count=1)) or key
    return _BRACKETED.sub("", key) or key


def header_stem(key: str) -> str:
    """A header key without the words that do not change its meaning."""
    return _SUFFIXES.sub("", _PREFIXES.sub("", key)) or key


# A date written in a column for each of its year, month and day (年份, 月份, 日: a template's layout): the field it
# makes, and the fields of its parts (headers.csv). The year may be left to the title (2026年10月探访记录 over 月 and 日
# columns), as a date written 10月5日 is (staging: cv_date_in_month)
DATE_PARTS = {"visit_date": ("visit_year", "visit_month", "visit_day")}


def date_parts(fields: dict[str, int], field: str) -> list[str] | None:
    """The fields of `field`'s parts the sheet has columns for (DATE_PARTS), the month and the day at least; None
    where it has not those."""
    parts = [part for part in DATE_PARTS.get(field, ()) if part in fields]
    return parts if field in DATE_PARTS and all(part in parts for part in DATE_PARTS[field][1:]) else None


# A contact list may name several contact people on a row (DESIGN §3; the plans say 一名或多名): a column each for
# these fields of each, numbered (联系人1 … 联系人2 …, 第一联系人 … 第二联系人 …, 联系电话2) or written again in turn
# (联系人, 电话, 联系人, 电话)
CONTACT_FIELDS = ("contact_name", "relation", "contact_phone", "has_key")
# The fields that name the elder (a sheet with neither names no one), and the words with which a header says a
# column is the elder's
PERSON_FIELDS = ("id_number", "name")
ELDER_WORD = re.compile(r"老人|老年人|服务对象|包联对象|帮扶对象|探访对象|关爱对象|被访")
# … and a word that says it may be another's: a household head's (户主姓名) is the elder's only where no other column
# names the elder (a couple's row under its 户主; probe 31 M3: beside 老人姓名, refused as two tables side by side)
HEAD_WORD = re.compile(r"户主")
NUMERALS = "一二三四五六七八九十"
_CONTACT_NUMBER = re.compile(r"第([1-9一二三四五六七八九])[位个名]?(?=.*联系)"  # 第二联系人, 第2位联系人电话
                             r"|(?<=联系人)\(?([1-9一二三四五六七八九])\)?"  # 联系人2, 联系人(二)电话
                             r"|\(?([1-9])\)?$")  # 联系电话2, 关系(2)


@dataclass(frozen=True)
class ColumnMap:
    kind: str
    fields: dict[str, int]  # canonical field -> column index (a contact list's first contact person's)
    unknown: list[str]  # header cells that map to nothing (warned about)
    duplicates: list[str]  # header cells naming a field already taken by an earlier column
    # column index -> the field and the value it ticks (MARKS)
    marks: dict[int, tuple[str, str]] = dataclass_field(default_factory=dict)
    implied: dict[str, str] = dataclass_field(default_factory=dict)  # field -> the sheet's one value (its 社区)
    # a contact list's other contact people on each row, in order: CONTACT_FIELDS -> column index
    more_contacts: list[dict[str, int]] = dataclass_field(default_factory=list)
    counts: list[str] = dataclass_field(default_factory=list)  # header cells that count visits (COUNTS), unknown too
    also: dict[str, list[int]] = dataclass_field(default_factory=dict)  # SPREAD_FIELDS -> their further columns


_READ: dict[Path | None, tuple] = {}  # words_dir -> the size and time of its files when they were read


def reread_if_changed(words_dir: Path | None = None) -> None:
    """Read the bureau's own files again if they changed since they were read (a line added to values.csv while
    the server or `carevisit watch` runs counts from the next load, as the 数据 page says)."""
    stamp = tuple((name, path.stat().st_size, path.stat().st_mtime_ns) for name in FILES
                  if words_dir and (path := words_dir / name).is_file())
    if _READ.setdefault(words_dir, stamp) != stamp:
        for read in (rows, header_aliases, alias_ranks, header_stems, header_keywords, named_field, mark_names,
                     option_of):
            read.cache_clear()
        _READ[words_dir] = stamp


@cache
def rows(name: str, words_dir: Path | None = None) -> tuple[dict[str, str], ...]:
    """The rows of one mapping file: the package's, then the bureau's own in `words_dir`."""
    with resources.files("etl").joinpath(f"mappings/{name}").open(encoding="utf-8") as f:
        found = list(csv.DictReader(f))
    local = words_dir / name if words_dir else None
    if local and local.is_file():
        try:
            with local.open(encoding="utf-8-sig") as f:
                reader = csv.DictReader(f)
                missing = [c for c in FILES[name] if c not in (reader.fieldnames or []) and c != "negated_value"]
                if missing:
                    raise MappingError(f"{local}: 缺少列 {', '.join(missing)} (应有 {', '.join(FILES[name])})")
                found += [row for row in reader if any(row.values())]
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise MappingError(f"{local}: {error}") from error
    return tuple({column: (row.get(column) or "").strip() for column in FILES[name]} for row in found)


@cache
def header_aliases(words_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """kind ('*' for any) -> {header key: field}."""
    aliases: dict[str, dict[str, str]] = {}
    for row in rows("headers.csv", words_dir):
        aliases.setdefault(row["kind"], {})[header_key(row["alias"])] = row["field"]
    return aliases


@cache
def alias_ranks(words_dir: Path | None = None) -> dict[str, dict[str, int]]:
    """kind -> {header key: its place among its field's aliases}, as headers.csv lists them: a field's own name
    first (探访方式), the looser names after it (服务项目, 探访类型), a bureau's own last."""
    ranks: dict[str, dict[str, int]] = {}
    counts: dict[tuple[str, str], int] = {}
    for row in rows("headers.csv", words_dir):
        key, field = header_key(row["alias"]), row["field"]
        if key not in ranks.setdefault(row["kind"], {}):
            ranks[row["kind"]][key] = counts.get((row["kind"], field), 0)
            counts[(row["kind"], field)] = ranks[row["kind"]][key] + 1
    return ranks


@cache
def header_stems(words_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """kind -> {stem of an alias: field}, for the stems that name one field only."""
    stems: dict[str, dict[str, set[str]]] = {}
    for kind, table in header_aliases(words_dir).items():
        for key, field in table.items():
            stems.setdefault(kind, {}).setdefault(header_stem(key), set()).add(field)
    return {kind: {stem: fields.pop() for stem, fields in table.items() if len(fields) == 1}
            for kind, table in stems.items()}


@cache
def header_keywords(words_dir: Path | None = None) -> dict[str, list[tuple[re.Pattern[str], str, int]]]:
    """kind -> (pattern, field, priority) in priority order, the kind's own and the ones for any kind."""
    ordered = sorted(enumerate(rows("header_keywords.csv", words_dir)),
                     key=lambda item: (int(item[1]["priority"] or 100), item[0]))
    keywords: dict[str, list[tuple[re.Pattern[str], str, int]]] = {kind: [] for kind in KINDS}
    for _, row in ordered:
        pattern = re.compile(".*".join(re.escape(header_key(part)) for part in row["keyword"].split("*")))
        for kind in KINDS if row["kind"] == "*" else (row["kind"],):
            keywords.setdefault(kind, []).append((pattern, row["field"], int(row["priority"] or 100)))
    return keywords


def value_synonyms(words_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """(field, canonical value, synonym) rows."""
    return [(row["field"], row["value"], row["synonym"]) for row in rows("values.csv", words_dir)]


def value_keywords(words_dir: Path | None = None) -> list[tuple[str, str, str, int | None, str | None]]:
    """(field, canonical value, keyword, priority, value when negated) rows."""
    return [(row["field"], row["value"], row["keyword"], int(row["priority"]) if row["priority"] else None,
             row["negated_value"] or None) for row in rows("keywords.csv", words_dir)]


def field_for(cell: str, kind: str, words_dir: Path | None = None, keywords: bool = True) -> str | None:
    """The field a header cell names: by alias, by the alias's stem, then by keyword."""
    return named_field(cell, kind, words_dir, keywords)[0]


@lru_cache(maxsize=2**16)  # a file's header search asks of every cell of its first rows, for each kind, often
def named_field(cell: str, kind: str, words_dir: Path | None = None,
                keywords: bool = True) -> tuple[str | None, float]:
    """field_for's field, and how surely the header names it: by an alias, below 0, the surer the earlier headers.csv
    lists it for its field (of 探访类型 and 探访方式 side by side, 探访方式 is the method: the first column had been
    taken, the method 上门 where every visit was a call; review 2026-12-04), by its stem 0; else the priority of the
    keyword that found it (header_keywords.csv: 联系人*电话 10 names a contact's phone more surely than 电话 30);
    -1 for the elder's ID number or name by a header that says it is the elder's (失能老人身份证号)."""
    field, priority = _named(cell, kind, words_dir, keywords)
    return (None, 0) if field == UNKNOWN else (field, priority)


def _named(cell: str, kind: str, words_dir: Path | None = None, keywords: bool = True) -> tuple[str | None, float]:
    """named_field's field and sureness, UNKNOWN where a header keyword says the column is none of the export's
    fields (探访人身份证号: the visitor's)."""
    key = header_key(cell)
    aliases, stems = header_aliases(words_dir), header_stems(words_dir)
    field = aliases.get(kind, {}).get(key) or aliases.get("*", {}).get(key)
    ranks = alias_ranks(words_dir)
    priority = -1 + (1 + ranks.get(kind if key in aliases.get(kind, {}) else "*", {}).get(key, 0)) / 10_000
    if field is None:
        field, priority = stems.get(kind, {}).get(header_stem(key)) or stems.get("*", {}).get(header_stem(key)), 0
    if field is None and keywords:
        field, priority = next(((f, p) for pattern, f, p in header_keywords(words_dir).get(kind, [])
                                if pattern.search(key)), (None, 0))
    if field in PERSON_FIELDS and ELDER_WORD.search(key):
        priority = -1  # 失能老人身份证号 says whose it is: surer than a bare 身份证号 (a contact person's)
    elif field in PERSON_FIELDS and HEAD_WORD.search(key):
        priority = FALLBACK
    return field, priority


def says_nothing(cell: str, kind: str, words_dir: Path | None = None) -> bool:
    """Whether a header cell is blank or names no field and no other's (探访人身份证号 names the visitor's: not
    nothing), so that what its cells hold may tell what it is."""
    return not header_key(cell or "") or (_named(cell, kind, words_dir)[0] is None
                                          and mark_of(cell, kind, words_dir) is None)


@cache
def mark_names(word_field: str, words_dir: Path | None = None) -> dict[str, str]:
    """{header key of a value's name or synonym: the value} of a field of words (category: 独居老人 -> 独居)."""
    return {header_key(synonym): value for field, value, synonym in value_synonyms(words_dir)
            if field == word_field and value}


def value_named(text: str, word_field: str, words_dir: Path | None = None) -> str | None:
    """The value of `word_field` a short text names (a sheet's name, a block's heading): by a name or synonym of it
    (values.csv), else by the keyword of the highest priority it holds (keywords.csv: 死亡注销 死亡); None when it
    names none."""
    key = header_key(text)
    if (value := mark_names(word_field, words_dir).get(key)) is not None:
        return value
    held = [(priority if priority is not None else 100, value)
            for field, value, keyword, priority, _ in value_keywords(words_dir)
            if field == word_field and value not in WORD_RULES and keyword and header_key(keyword) in key]
    return min(held)[1] if held else None


def asked_word(cell: str) -> str | None:
    """The word a header asks about (是否失能, 是否为独居: 失能, 独居), as a header key; None for a header that asks
    nothing."""
    key = header_key(cell)
    asked = _MARK_PREFIX.sub("", key)
    return asked if asked != key and asked else None


def mark_of(cell: str, kind: str, words_dir: Path | None = None) -> tuple[str, str] | None:
    """The field and the value a column of a `kind` export ticks, when its header is the value's name (独居, 空巢老人,
    是否失能: categories; 入户, 电话: method; 正常, 未遇, 拒访: outcome), or an online form's question and one of its
    options (option_of). A header that names a field of its own (发现问题, 紧急情况: the problem and emergency
    columns) ticks none."""
    key = _MARK_PREFIX.sub("", header_key(cell))
    for word_field, field in MARKS.get(kind, ()):
        if (value := mark_names(word_field, words_dir).get(key)) and field_for(cell, kind, words_dir,
                                                                              keywords=False) is None:
            return field, value
    return option_of(cell, kind, words_dir)


# An online form's question of several choices exported a column per option (腾讯问卷 and 问卷星: 4、探访方式:上门探访;
# 问卷星 by option number: 4(上门探访)): the question before a colon (or a bar, a dash, an underscore:
# Q5:探访方式|上门探访, 探访方式-电话, probe 26 M1) or the option in brackets after it (探访方式[上门探访] too)
OTHER_OPTIONS = ("其他", "其它")
_OPTION = re.compile(r"^(?P<question>.*?)\s*(?:[:：|｜_—–-]\s*(?P<after>[^:：|｜_—–-]+?)"
                     r"|[(（\[【](?P<inside>[^()（）\[\]【】]+)[)）\]】])\s*$")


@cache
def option_of(cell: str, kind: str, words_dir: Path | None = None) -> tuple[str, str] | None:
    """The field and the option a form's column per option ticks (its cells: the option's text, or 1 and 0): where
    the question names a field of tick columns (MARKS: 探访方式, 人员类别) or is only its number (4), and the option
    is a word of that field (上门探访 holds 上门; not 多选, 必填) or 其他 (its cells: what was written, or 1). The
    option's text is its value, read as words like any cell."""
    text = unicodedata.normalize("NFKC", cell).strip()
    found = _OPTION.match(_QUESTION_NUMBER.sub("", text, count=1))
    if not found or not found["question"]:
        return None
    option, question = (found["after"] or found["inside"]).strip(), header_key(found["question"])
    if re.search(r"[\d/、,;|]", option):
        return None  # a legend of codes (类别（1独居 2空巢）) or of the choices (探访方式(入户/电话)), not one option
    for word_field, field in MARKS.get(kind, ()):
        if (question.isdigit() or field_for(found["question"], kind, words_dir) == field) and (
                option in OTHER_OPTIONS or _names_a_word(option, word_field, words_dir)):
            return field, option
    return None


def _names_a_word(text: str, word_field: str, words_dir: Path | None = None) -> bool:
    """Whether `text` is a word of `word_field` (values.csv) or holds one of its keywords (keywords.csv)."""
    key = header_key(text)
    return key in mark_names(word_field, words_dir) or any(
        field == word_field and value not in WORD_RULES and keyword and header_key(keyword) in key
        for field, value, keyword, _, _ in value_keywords(words_dir))


def yes_no_words(words_dir: Path | None = None) -> dict[str, str]:
    """{word key: 是 or 否}: the words that tick a category column (√, 是, 有, 1) or leave it unticked."""
    words = {header_key(synonym): value for kind, value, synonym in value_synonyms(words_dir) if kind == "yes_no"}
    return {"1": "是", "0": "否"} | words


def is_ignored(cell: str, words_dir: Path | None = None) -> bool:
    return field_for(cell, "*", words_dir, keywords=False) == IGNORED


def header_score(cells: list[str], words_dir: Path | None = None) -> int:
    """How many cells of a row are known column names of any kind of export: by alias, and, in a row
    with at least one alias (姓名), by keyword too (服务时间, 走访形式); and a register's days (day_columns). A data
    row holds no alias, and its words (劝业场街道, 失能) would match keywords."""
    distinct = {c for c in cells if c}
    named = {cell for cell in distinct if any(field_for(cell, kind, words_dir, keywords=False) for kind in KINDS)}
    # a row of tick columns' names (入户 电话 视频 under 探访方式), with nothing but column names beside them
    ticks = max((len(_tick_columns(list(distinct), kind, words_dir)) for kind in MARKS), default=0)
    aliases = len(named) + (ticks if ticks > 1 and all(
        cell in named or any(mark_of(cell, kind, words_dir) for kind in MARKS) for cell in distinct) else 0)
    # a register's days, a column each (1日 … 31日), over the row of weekdays or under the band of the month
    days = len(set(day_columns(cells).values()))
    if not aliases and not days:
        return 0
    return aliases + days + sum(1 for cell in distinct
                         if not any(field_for(cell, kind, words_dir, keywords=False) for kind in KINDS)
                         and any(field_for(cell, kind, words_dir) for kind in KINDS))


def detect_kind(header: list[str], words_dir: Path | None = None) -> str | None:
    """roster, visits or contacts, from the kind-specific columns the header has (by alias first,
    by keyword when no alias says)."""
    for keywords in (False, True):
        scores = {kind: len(marker_columns(header, kind, words_dir, keywords)) for kind in KINDS}
        best = max(scores, key=lambda kind: scores[kind])
        if scores[best] > 0:
            return best
    return None


def marker_columns(header: list[str], kind: str, words_dir: Path | None = None, keywords: bool = True) -> list[str]:
    """The header cells that say a file is of `kind` (KIND_MARKERS, and its tick columns: 独居 √ | 失能 √), not
    those another kind's file has too (联系电话)."""
    ticks = _tick_columns(header, kind, words_dir) if kind in MARKS else {}
    return [cell for index, cell in enumerate(header)
            if cell and (index in ticks or (field_for(cell, kind, words_dir, keywords) in KIND_MARKERS[kind]
                                            and not _names_another_field(cell, kind, words_dir)))]


def _names_another_field(cell: str, kind: str, words_dir: Path | None = None) -> bool:
    """Whether another kind of export has a column of this name that says nothing of its kind: 联系电话 is
    a contact list's contact phone, but also a roster's phone, so it tells neither."""
    return any(field_for(cell, other, words_dir, keywords=False) not in (None, IGNORED, UNKNOWN)
               and field_for(cell, other, words_dir, keywords=False) not in KIND_MARKERS[other]
               for other in KINDS if other != kind)


def count_columns(header: list[str], words_dir: Path | None = None) -> list[str]:
    """The header cells that count visits (探访次数, 其中上门: COUNTS), a summary's."""
    return [cell for cell in header if cell and any(field_for(cell, kind, words_dir) == COUNTS for kind in KINDS)]


def visit_columns(header: list[str], words_dir: Path | None = None, kind: str | None = None) -> list[str]:
    """The header cells that only a visit record has (探访日期, 探访方式 …): of a file of `kind`, not those that
    name one of its own fields (联系方式 is a visit's method, but a roster's phone)."""
    return [cell for cell in header if cell and field_for(cell, "visits", words_dir) in VISIT_COLUMNS
            and (kind is None or field_for(cell, kind, words_dir) in (None, UNKNOWN))]


def map_columns(header: list[str], kind: str, words_dir: Path | None = None,
                hidden: Collection[int] = ()) -> ColumnMap:
    """The column of each field. Of two columns naming one field, one shown outranks one hidden in Excel (`hidden`:
    an outdated column a street hid rather than deleted), one named by an alias (问题描述) one found by a keyword
    (是否发现问题), wherever it stands, and one found by a surer keyword (包联人电话, 关爱方式) one found by a vaguer
    (手机号 the elder's, 联系方式 a phone); else the first is taken. A contact list's columns of each contact person
    it numbers, or writes again (CONTACT_FIELDS), are that person's."""
    found = _fields(header, kind, words_dir)  # index -> (field, named by an alias, contact person, how surely)
    shown = {(field, person) for index, (field, _, person, _) in found.items() if index not in hidden}
    outranked = {index for index in hidden if index in found and found[index][0] not in (None, IGNORED)
                 and (found[index][0], found[index][2]) in shown}
    by_alias = {(field, person) for index, (field, alias, person, _) in found.items()
                if alias and index not in outranked} - {(IGNORED, 0)}
    people: dict[int, dict[str, int]] = {}
    fields: dict[str, int] = {}
    unknown, duplicates, marks, counts = [], [], {}, []
    also: dict[str, list[int]] = {}
    ticks = _tick_columns(header, kind, words_dir)
    for index, cell in enumerate(header):
        if not cell:
            continue
        field, alias, person, sureness = found[index]
        taken = people.setdefault(person, {}) if person else fields
        if index in outranked:
            duplicates.append(cell)  # hidden, where a column shown names the field
        elif field == COUNTS:
            counts.append(cell)
            unknown.append(cell)
        elif index in ticks:
            marks[index] = ticks[index]
        elif field in fields and (field in SPREAD_FIELDS.get(kind, ()) or (
                field in JOINED_FIELDS.get(kind, ()) and _unnumbered(cell) == _unnumbered(header[fields[field]]))):
            also.setdefault(field, []).append(index)
        elif (field, person) in by_alias and not alias and not (field == "visit_date" and _day_or_time(cell)):
            if sureness < FALLBACK:
                duplicates.append(cell)  # a keyword's guess, where another column names the field outright
        elif field is None:
            unknown.append(cell)
        elif field == IGNORED:
            continue
        elif field == "visit_date" and field in fields and "visit_time" not in fields and {
                _day_or_time(cell), _day_or_time(header[fields[field]])} == {"day", "time"}:
            # 探访日期 and 探访时间 side by side: the day, and the time of day on it
            if _day_or_time(cell) == "day":
                fields["visit_time"], fields["visit_date"] = fields["visit_date"], index
            else:
                fields["visit_time"] = index
        elif field == "contact_phone" and field in taken and "contact_phone_also" not in taken and (
                LANDLINE.search(header_key(cell)) or LANDLINE.search(header_key(header[taken[field]]))):
            taken["contact_phone_also"] = index  # 手机 and 座机: the contact person's phones, either may be given
        elif field in taken and sureness < found[taken[field]][3]:
            if found[taken[field]][3] < FALLBACK:
                duplicates.append(header[taken[field]])
            taken[field] = index
        elif field in taken:
            if sureness < FALLBACK:
                duplicates.append(cell)
        else:
            taken[field] = index
    if (submitted := fields.pop(SUBMITTED, None)) is not None:
        # when an online form (问卷星, 腾讯问卷, 接龙) was sent: the record's entry time, and where the form asks no
        # date, filled in on the spot, the visit's date, said so in a warning (entry_as_visit_date)
        fields.setdefault("entered_at", submitted)
        if kind == "visits" and "visit_date" not in fields and not date_parts(fields, "visit_date"):
            fields["visit_date"] = submitted
    if (date_parts(fields, "visit_date") and "visit_date" in fields
            and "visit_time" not in fields and _day_or_time(header[fields["visit_date"]]) == "time"):
        fields["visit_time"] = fields.pop("visit_date")  # beside a date in parts, 探访时间 is the time of day
    # the first contact person written is the row's contact person, the others come after
    contacts = [people[person] for person in sorted(people)]
    fields |= contacts[0] if contacts else {}
    return ColumnMap(kind, fields, unknown, duplicates, marks, more_contacts=contacts[1:], counts=counts, also=also)


def _unnumbered(cell: str) -> str:
    """A header cell's key without the number after it (特殊困难类别2, 类别（二）, 类别③: 特殊困难类别, 类别)."""
    return re.sub(r"[(]?[\d一二三四五六七八九十①-⑩]+[)]?$", "", header_key(cell)) or header_key(cell)


def _fields(header: list[str], kind: str,
            words_dir: Path | None = None) -> dict[int, tuple[str | None, bool, int, int]]:
    """Each named cell's field, whether an alias names it, for a contact's field (CONTACT_FIELDS) in a contact
    list the contact person it is of (from 1; 0 for other fields): the number its header gives (联系人2电话,
    第二联系人), else the person of the columns before it, or the next one where it names a contact person again;
    and how surely it names the field (named_field)."""
    found: dict[int, tuple[str | None, bool, int, int]] = {}
    person, named = 1, set()  # the contact people whose name a column gives
    numbered: set[int] = set()  # the columns whose header numbers their contact person
    for index, cell in enumerate(header):
        if not cell:
            continue
        number, rest = _contact_number(cell) if kind == "contacts" else (None, cell)
        if number is not None and field_for(rest, kind, words_dir) not in CONTACT_FIELDS:
            number, rest = None, cell  # 备注2 is no contact person's
        field, sureness = named_field(rest, kind, words_dir)
        alias = field is not None and sureness <= 0
        if kind == "contacts" and field in CONTACT_FIELDS:
            if number is not None:
                person = number
                numbered.add(index)
            elif field == "contact_name" and person in named:
                person = max(named) + 1
            if field == "contact_name":
                named.add(person)
            found[index] = (field, alias, person, sureness)
        else:
            found[index] = (field, alias, 0, sureness)
    # a contact person's field written before their name (联系人) where it is written as surely again after it:
    # the one before is the elder's, and the one after outranks it (姓名 | 身份证号 | 联系电话 | 联系人 | 与老人关系 |
    # 联系电话: the first phone the elder's own; probe Q: it had been taken for the contact's, the contact's not
    # imported)
    name_at = {person: index for index, (field, _, person, _) in found.items() if field == "contact_name"}
    for index, (field, alias, person, sureness) in found.items():
        after = [_by_alias_alike(found[other][3]) for other in found
                 if other > name_at.get(person, len(header)) and (found[other][0], found[other][2]) == (field, person)]
        if (field in CONTACT_FIELDS and index not in numbered and index < name_at.get(person, -1)
                and after and min(after) <= _by_alias_alike(sureness) < FALLBACK - 1):
            found[index] = (field, alias, person, FALLBACK - 1)
    return found


def _by_alias_alike(sureness: float) -> float:
    """How surely a header names its field, every alias alike (named_field ranks aliases by their order)."""
    return 0 if -1 < sureness < 0 else sureness


def _contact_number(cell: str) -> tuple[int | None, str]:
    """The number of the contact person a contact list's header cell numbers (联系人2电话 -> 2, 第二联系人 -> 2,
    联系电话2 -> 2), and the cell without it; None and the cell when it numbers none."""
    # an online form's question number is no contact person's (第4题：联系人1 is contact person 1)
    text = _QUESTION_NUMBER.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell)).lower(), count=1)
    match = _CONTACT_NUMBER.search(text)
    if match is None:
        return None, cell
    digit = next(group for group in match.groups() if group)
    return numeral_value(digit), text[:match.start()] + text[match.end():]


def numeral_value(text: str) -> int | None:
    """1 … 99 as a header numbers a contact person or a visit: in digits or in Chinese numerals (2, 二, 十二, 二十)."""
    if text.isdigit():
        return int(text)
    tens, ten, ones = text.rpartition("十") if "十" in text else ("", "", text)
    if len(tens) > 1 or len(ones) > 1 or not all(c in NUMERALS[:9] for c in tens + ones):
        return None
    return (NUMERALS.index(tens) + 1 if tens else 1 if ten else 0) * 10 + (NUMERALS.index(ones) + 1 if ones else 0)


# A roster column of another person of the row than its elder (配偶姓名, 老伴身份证号: a household's row of a couple)
OTHER_PERSON = re.compile(r"^(配偶|老伴|爱人|妻子|丈夫|夫妻另一方|另一方|老人2|老人二|第二位老人|第二老人|成员2)")


def other_person_columns(header: list[str], kind: str, words_dir: Path | None = None) -> list[int]:
    """The columns of a roster that give another person's name or ID number than the row's elder (配偶姓名,
    老伴身份证号), by index: a household's row of a couple, whose second elder the roster does not load."""
    if kind != "roster":
        return []
    return [index for index, cell in enumerate(header)
            if cell and (match := OTHER_PERSON.match(key := header_key(cell)))
            and field_for(key[match.end():], kind, words_dir) in ("name", "id_number")]


def _tick_columns(header: list[str], kind: str, words_dir: Path | None = None) -> dict[int, tuple[str, str]]:
    """The columns that tick a value each (MARKS), by index: two values of a field at least. A lone one is no tick
    column where its header names a field: a roster's lone 失能 is the disability level its keyword says (完全失能, 自理
    under it), a visit record's lone 电话 is a phone number; but a visit's outcome or method asked alone (是否见到本人,
    是否入户, beside its 探访方式 or not) is."""
    named = {index: mark for index, cell in enumerate(header) if cell and (mark := mark_of(cell, kind, words_dir))}
    ticks = {}
    for field in {field for field, _ in named.values()}:
        of_field = {index: mark for index, mark in named.items() if mark[0] == field}
        if len({value for _, value in of_field.values()}) > 1:  # 电话 twice is a phone number's columns
            ticks |= of_field
        else:  # a form's option column names its option outright (5、人员类别:独居 beside 5、人员类别:其他)
            ticks |= {index: mark for index, mark in of_field.items()
                      if ((kind == "roster" or field in ASKED_MARKS and asked_word(header[index]))
                          and field_for(header[index], kind, words_dir) is None)
                      or (option_of(header[index], kind, words_dir) == mark and mark[1] not in OTHER_OPTIONS)}
    return dict(sorted(ticks.items()))


def day_columns(header: list[str]) -> dict[int, int]:
    """Column index -> day of month, where a header names most days of a month a column each (1日, 2号, 3 …)."""
    matches = {index: match for index, cell in enumerate(header)
               if cell and (match := DAY_CELL.fullmatch(header_key(cell))) and 1 <= int(match[2]) <= 31}
    days = {index: int(match[2]) for index, match in matches.items()}
    # a day typed 10.10 into a cell Excel keeps as a number shows 10.1 (its trailing zero dropped): the 10th, 20th
    # and 30th, each after the 9th, 19th or 29th, had been read as the 1st, 2nd and 3rd again, and their ticks
    # rejected as repeats (probe 26 H3)
    before = None
    for index in sorted(days):
        if before is not None and days[index] * 10 - 1 == before and DECIMAL_DAY.fullmatch(header_key(header[index])):
            days[index] *= 10
        before = days[index]
    # the month a day's header may name: one for all, or two in a row, the one's columns before the other's (a
    # register of a 26th-to-25th cycle: 10月26日 … 11月25日)
    named = [match[1] for _, match in sorted(matches.items())]
    months = list(dict.fromkeys(named))
    in_turn = len(months) == 1 or (len(months) == 2 and None not in months
                                   and int(months[1]) == int(months[0]) % 12 + 1
                                   and named == sorted(named, key=months.index))
    return days if len(set(days.values())) >= MIN_DAYS and in_turn else {}


def _day_or_time(cell: str) -> str | None:
    """"day" for a header naming a date (探访日期), "time" for one naming a time (探访时间, 呼叫时刻), else None."""
    key = header_key(cell)
    return "day" if "日期" in key else "time" if "时间" in key or "时刻" in key else None
