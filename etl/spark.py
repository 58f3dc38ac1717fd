"""The marts on Apache Spark: the DuckDB models of etl/sql/marts transpiled with sqlglot, over an export's Parquet."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlglot
from sqlglot import exp

from etl.build import MARTS
from etl.export import MANIFEST, STORED
from etl.sqlfiles import sql

MART_NAMES = tuple(name for name, _ in MARTS)
_MACRO = re.compile(r"create or replace temp macro (\w+)\(([^)]*)\) as\s+(.*?);\s*$", re.S | re.M)


@functools.cache
def _macros() -> dict[str, tuple[tuple[str, ...], str]]:
    """etl/sql/macros.sql as name -> (parameters, body text): parsed only when a model uses one."""
    return {name: (tuple(p.strip() for p in params.split(",") if p.strip()), body)
            for name, params, body in _MACRO.findall(sql("macros"))}


@functools.cache
def _macro_body(name: str) -> exp.Expression:
    return sqlglot.parse_one(_macros()[name][1], read="duckdb")


def _expand_macros(tree: exp.Expression) -> exp.Expression:
    """Gap 1: DuckDB macros (cv_*) do not exist on Spark. Each call is replaced by the macro's body
    with its arguments in place of its parameters, innermost first, until none is left."""
    macros = _macros()

    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() in macros:
            params, _ = macros[node.name.lower()]
            args = dict(zip(params, node.expressions, strict=True))
            body = _macro_body(node.name.lower()).copy()
            body = body.transform(lambda n: args[n.name].copy()
                                  if isinstance(n, exp.Column) and not n.table and n.name in args else n)
            return exp.Paren(this=_expand_macros(body))
        return node

    return tree.transform(expand)


def _asof_to_lateral(tree: exp.Expression) -> exp.Expression:
    """Gap 2: Spark has no ASOF join. `asof left join T a on a.k = o.k and a.t <= o.t` (or >=, >, <)
    becomes a lateral subquery that takes T's row nearest to o.t on the allowed side:
    `left join lateral (select * from T a where <on> order by a.t desc limit 1) a on true`."""
    for join in list(tree.find_all(exp.Join)):
        if join.args.get("method", "").upper() != "ASOF":
            continue
        table = join.this
        alias = table.alias_or_name
        condition = join.args["on"]
        inequality = next(c for c in condition.find_all(exp.LT, exp.LTE, exp.GT, exp.GTE)
                          if any(col.table == alias for col in c.find_all(exp.Column)))
        left, right = inequality.this, inequality.expression
        own = left if isinstance(left, exp.Column) and left.table == alias else right
        # the nearest row: the largest of T's values below the other side, the smallest above it
        below = (own is left) == isinstance(inequality, exp.LT | exp.LTE)
        subquery = (exp.select("*").from_(table.copy()).where(condition.copy())
                    .order_by(exp.Ordered(this=own.copy(), desc=below)).limit(1))
        lateral = exp.Lateral(this=exp.Subquery(this=subquery), alias=exp.TableAlias(this=exp.to_identifier(alias)))
        join.replace(exp.Join(this=lateral, side=join.side or "LEFT", on=exp.true()))
    return tree


def _columns(tree: exp.Expression, inside: exp.Expression, query: exp.Query,
             columns_of: Callable[[str], list[str]] | None) -> list[str]:
    """The column names of `query`, a query written inside `inside` (a part of the model `tree`), asked
    of the engine with the CTEs defined before the one it is in."""
    if columns_of is None:
        raise ValueError("this model needs the engine to name a query's columns (columns_of)")
    probe = query.copy()
    outer = tree.args.get("with_")
    cte = inside.find_ancestor(exp.CTE)
    if outer is not None and cte is not None:
        earlier = [c.copy() for c in outer.expressions[: outer.expressions.index(cte)]]
        if earlier:
            probe.set("with_", exp.With(expressions=earlier))
    return columns_of(_spark_text(probe))


def _union_by_name(tree: exp.Expression, columns_of: Callable[[str], list[str]] | None) -> exp.Expression:
    """Gap 3: Spark SQL has no UNION ALL BY NAME. The right side is selected in the left side's
    column order (the names asked of the engine)."""
    for union in list(tree.find_all(exp.Union)):
        if not union.args.get("by_name"):
            continue
        names = _columns(tree, union, union.left, columns_of)
        right = exp.select(*[exp.column(n, quoted=True) for n in names]).from_(
            exp.Subquery(this=union.right.copy(), alias=exp.TableAlias(this=exp.to_identifier("by_name"))))
        union.set("expression", right)
        union.set("by_name", None)
    return tree


def _star_replace(tree: exp.Expression, columns_of: Callable[[str], list[str]] | None) -> exp.Expression:
    """Gap 6: Spark has `* except (…)` but no `* replace (expr as column)`. The star becomes its columns
    (asked of the engine), in their order, each replaced one as its expression."""
    for star in list(tree.find_all(exp.Star)):
        replacements = star.args.get("replace")
        if not replacements:
            continue
        column = star.parent if isinstance(star.parent, exp.Column) else star
        select = column.find_ancestor(exp.Select)
        table = column.args.get("table") if isinstance(column, exp.Column) else None
        bare = exp.Column(this=exp.Star(), table=table.copy()) if table else exp.Star()
        probe = select.copy()
        for clause in ("where", "group", "having", "qualify", "order", "limit", "windows"):
            probe.set(clause, None)
        probe.set("expressions", [bare])
        by_name = {r.alias: r.copy() for r in replacements}
        expanded = [by_name.get(n) or exp.column(n, table=table.name if table else None, quoted=True)
                    for n in _columns(tree, select, probe.limit(0), columns_of)]
        position = select.expressions.index(column)
        select.set("expressions", select.expressions[:position] + expanded + select.expressions[position + 1:])
    return tree


def _functions(tree: exp.Expression, list_columns: frozenset[str]) -> exp.Expression:
    """Gap 4: functions sqlglot leaves as they are, or writes as Spark does not take them:
    list_has_any -> arrays_overlap, list_has_all(a, b) -> size(array_except(b, a)) = 0, len() of a
    column the warehouse stores as a list -> size() (DuckDB's len measures lists and texts alike), and
    any_value(x) -> any_value(x, true) (sqlglot writes IGNORE NULLS after the FILTER clause, where
    Spark's grammar refuses it), epoch_us -> unix_micros."""
    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ArrayOverlaps):
            return exp.func("arrays_overlap", node.this, node.expression)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "list_has_all":
            whole, part = node.expressions
            missing = exp.func("size", exp.func("array_except", part, whole))
            return exp.EQ(this=missing, expression=exp.Literal.number(0))
        if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
            return exp.Anonymous(this="any_value", expressions=[node.this.this, exp.true()])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
            return exp.func("unix_micros", *node.expressions)
        if isinstance(node, exp.Length) and isinstance(node.this, exp.Column) and node.this.name in list_columns:
            return exp.func("size", node.this)
        return node

    return tree.transform(rewrite)


def _cast_of_generator(tree: exp.Expression) -> exp.Expression:
    """Gap 5: `cast(unnest(list) as T)` puts a generator inside an expression, which Spark refuses:
    the list is cast instead (`explode(cast(list as array<T>))`)."""
    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode | exp.Unnest):
            inner = node.this
            array = inner.this if isinstance(inner, exp.Explode) else inner.expressions[0]
            return exp.Explode(this=exp.Cast(this=array.copy(), to=exp.DataType.build(f"array<{node.to.sql('spark')}>",
                                                                                          dialect="spark")))
        return node

    return tree.transform(rewrite)


def _spark_text(tree: exp.Expression) -> str:
    return tree.sql(dialect="spark")


def _counted_for(tree: exp.Expression, day: str | None) -> exp.Expression:
    """The day the marts are counted for (cv_today, etl/sql/macros.sql): the export's, where it says one,
    rather than the cluster's clock, so that marts counted again on a later day are those exported."""
    if day is None:
        return tree
    return tree.transform(lambda node: exp.cast(exp.Literal.string(day), "date")
                          if isinstance(node, exp.Anonymous) and node.name.lower() == "cv_today" else node)


def spark_sql(name: str, list_columns: Iterable[str] = (), columns_of: Callable[[str], list[str]] | None = None,
              counted_for: str | None = None) -> str:
    """The mart `name` (etl/sql/marts/<name>.sql) as Spark SQL: parsed as DuckDB, its gaps handled
    above, written by sqlglot for Spark; counted for the day `counted_for` (YYYY-MM-DD) or the cluster's."""
    tree = sqlglot.parse_one(sql(f"marts/{name}"), read="duckdb")
    tree = _counted_for(tree, counted_for)
    tree = _expand_macros(tree)
    tree = _asof_to_lateral(tree)
    tree = _functions(tree, frozenset(list_columns))
    tree = _cast_of_generator(tree)
    tree = _star_replace(tree, columns_of)
    tree = _union_by_name(tree, columns_of)
    return _spark_text(tree)  # sqlglot's own DuckDB -> Spark transpilation (what sqlglot.transpile does)


def dependencies(name: str) -> list[str]:
    """The marts `name` reads, directly or through others, in build order (MARTS), itself last."""
    needed, stack = set(), [name]
    while stack:
        current = stack.pop()
        if current in needed:
            continue
        needed.add(current)
        tree = sqlglot.parse_one(sql(f"marts/{current}"), read="duckdb")
        ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
        stack.extend(t.name for t in tree.find_all(exp.Table) if t.name in MART_NAMES and t.name not in ctes)
    return [mart for mart in MART_NAMES if mart in needed]


def session(app_name: str = "carevisit", **config):
    """A local Spark session for the tests and a quick look: two cores, few shuffle partitions, no UI,
    interpreted expressions, no adaptive execution, partition folders read as text (month=2024-05 stays
    '2024-05'). Like DuckDB, Spark takes the machine's time zone (current_date: month_frame, elder_periods, where
    an export does not say the day its marts were counted for)."""
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master("local[2]").appName(app_name)
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", "2g")
               # a local session's data is small: compiling generated code for the models' large
               # expressions (macros expanded) costs more than it saves (27 s of JVM CPU for
               # place_months and its marts on the small demo against 37 s with code generation)
               .config("spark.sql.codegen.wholeStage", "false")
               .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
               # nor does re-planning each query between its stages (adaptive execution): place_months and its
               # marts on the small demo take 28 s of JVM and Python CPU without it, 31 s with it (rows unchanged)
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false"))
    for key, value in config.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_export(spark, location: str | Path, manifest: dict | None = None) -> dict:
    """Every stored table of an export (the cleaned rows, geography, configuration) as a Spark temp view
    of its columns, partition keys that are not its own columns left out. `location` is the export's
    folder, local or a URI Spark reads (s3a://bucket/carevisit/2026-10); give the manifest when it is
    not on this machine's disk. The export's marts are not registered: build_marts computes them.
    Returns the manifest."""
    base = str(location).rstrip("/")
    if manifest is None:
        manifest = json.loads(Path(base, MANIFEST).read_text(encoding="utf-8"))
    for name in STORED:
        columns = [c for c, _ in manifest["tables"][name]["columns"]]
        frame = spark.read.option("basePath", f"{base}/{name}").parquet(f"{base}/{name}")
        frame.select(*[f"`{c}`" for c in columns]).createOrReplaceTempView(name)
    return manifest


def build_marts(spark, manifest: dict, marts: Iterable[str]) -> None:
    """The marts asked for and those they read, each computed on Spark from the transpiled model and
    cached as a temp view under its own name (the next model reads it as DuckDB would read the table),
    counted for the day the export's marts were (its manifest's counted_for)."""
    list_columns = {c for table in manifest["tables"].values() for c, t in table["columns"] if t.endswith("[]")}
    wanted: list[str] = []
    for mart in marts:
        wanted += [m for m in dependencies(mart) if m not in wanted]
    for mart in (m for m in MART_NAMES if m in wanted):
        text = spark_sql(mart, list_columns, columns_of=lambda query: spark.sql(query).columns,
                         counted_for=manifest.get("counted_for"))
        # computed now and kept in memory without its plan: the next model starts from rows, not from
        # the whole chain of models before it (whose plans would grow with every step)
        spark.sql(text).localCheckpoint().createOrReplaceTempView(mart)
