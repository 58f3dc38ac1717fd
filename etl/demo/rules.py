"""The warehouse's data rules (macros.sql, the configured risk rules) asked of DuckDB for generated arrays."""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from etl.settings import Config, default_config_text, engine_config, parse_config
from etl.warehouse import prepare, write_config

_lock = threading.Lock()


@functools.cache
def _macros() -> duckdb.DuckDBPyConnection:
    """One in-memory connection with the macros, opened on first use (temp macros belong to it)."""
    con = duckdb.connect(config=engine_config())
    con.execute("set enable_progress_bar = false")
    prepare(con)
    return con


def _ask(query: str, values: Sequence) -> np.ndarray:
    """A query over the values (table `arg`, column `v`) that returns one row per value, in order."""
    frame = pd.DataFrame({"v": pd.Series(list(values), dtype=object)})
    with _lock:
        con = _macros()
        con.register("arg", frame)
        try:
            result = con.execute(query).fetchnumpy()
        finally:
            con.unregister("arg")
    return np.asarray(next(iter(result.values())), dtype=object)


def id_check_characters(bodies: Sequence[str]) -> np.ndarray:
    """The GB 11643 check character of each 17-digit ID body (cv_id_check_digit)."""
    return _ask("select cv_id_check_digit(v) from arg", bodies).astype(str)


@functools.cache
def check_character_cycle() -> str:
    """The eleven check characters in the order of the weighted sum (mod 11) they stand for: a digit k in
    the eighth place of an otherwise blank body weighs k, a 1 in the third place weighs 10."""
    bodies = [f"0000000{k}000000000" for k in range(10)] + ["00100000000000000"]
    return "".join(id_check_characters(bodies))


def valid_ids(cells: Sequence[str]) -> np.ndarray:
    """The valid 18-digit form of each ID cell (cv_id_normalize), None where cv_id_problem finds one."""
    # normalised once in a subquery: each mention of a macro's parameter copies the whole expression
    return _ask("select case when cv_id_problem(id18) is null then id18 end"
                " from (select cv_id_normalize(v) as id18 from arg)", cells)


def place_keys(names: Sequence[str]) -> np.ndarray:
    """The suffix-insensitive key of each street or community name (cv_place_key)."""
    return _ask("select cv_place_key(v) from arg", names).astype(str)


def risk_levels(categories: Sequence[Sequence[str]], has_open_problem: Sequence[bool] | None = None,
                config: Config | None = None) -> np.ndarray:
    """The derived risk level (高, 中 or 低) of each list of categories (with 高龄 for the aged), by the
    configured rules, as the rule_levels and with_risk steps of marts/elder_months.sql derive it."""
    config = config or parse_config(default_config_text())
    people = pd.DataFrame({
        "person": np.arange(len(categories)),
        "categories": pd.Series([list(c) for c in categories], dtype=object),
        "has_open_problem": (np.zeros(len(categories), bool) if has_open_problem is None
                             else np.asarray(has_open_problem, bool)),
    })
    with duckdb.connect(config=engine_config()) as con:
        write_config(con, config)
        con.register("people", people)
        levels = con.execute("""
            with rule_levels as (
                select p.person, min(case r.level when '高' then 1 when '中' then 2 end) as rule_rank
                from people p
                join cfg_risk_rules r on list_has_all(p.categories::varchar[], r.categories)
                group by p.person
            )
            select case
                       when rl.rule_rank = 1 or (s.high_on_open_problem and p.has_open_problem) then '高'
                       when rl.rule_rank = 2 then '中'
                       else '低'
                   end as risk_level
            from people p
            cross join cfg_settings s
            left join rule_levels rl using (person)
            order by p.person""").fetchnumpy()["risk_level"]
    return np.asarray(levels, dtype=str)
