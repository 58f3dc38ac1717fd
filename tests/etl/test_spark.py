"""The marts on Apache Spark (local mode) over an export's Parquet equal DuckDB's, row for row."""

from __future__ import annotations

import importlib.util
import math
import os
import shutil

import duckdb
import pytest
import sqlglot

from etl.export import export_parquet
from etl.sqlfiles import prepare


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("sqlglot") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "no Java (apt-get install openjdk-17-jre-headless)"
    return None


if _missing() and os.environ.get("CI"):
    raise pytest.UsageError(f"Spark tests must run in CI, but {_missing()}: .ci/run installs it")
pytestmark = [pytest.mark.spark, *([pytest.mark.skip(reason=_missing())] if _missing() else [])]

# The marts compared, each with the columns that name a row. place_months is what the issue asks for;
# the others are built on the way to it.
COMPARED = {
    "place_months": ("code", "month"),
    "elder_months": ("elder_id", "month"),
    "elder_contact_months": ("elder_id", "month"),
    "elder_periods": ("elder_id", "period_id"),
    "problems": ("elder_id", "opened_at"),
    "designated_contacts": ("elder_id", "contact_name", "contact_phone"),
    "signal_notes": ("findings",),
    "signal_visits": ("load_id", "source_row_number"),
}


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole run (its start costs tens of seconds)."""
    from etl.spark import session

    # The JVM's quick compiler only, one compiler thread and the serial collector: a run of a minute does not
    # repay the optimising compiler (the JVM's CPU for the session and place_months on the small demo:
    # 70 s with the defaults, 40 s so; rows unchanged). Nor is the bytecode of pyspark's own jars verified as it
    # loads (some 15,000 classes): the module 45 CPU-s (three runs) against 42 (two), on 2026-11-30.
    # One core and one shuffle partition: the suite's workers share the machine's cores (the module 77 CPU-s,
    # the small demo built for it included, against 84 with local[2] and two partitions; 2026-12-01).
    # Nor does Catalyst infer constraints (IS NOT NULL and equalities) from every filter and join of the models'
    # wide expressions: on the small demo's rows that planning costs more than it saves (the module, measured by
    # machine-wide busy CPU: 79 and 80 CPU-s against 86 with it, the same session; rows unchanged).
    spark = session("carevisit-tests", **{"spark.master": "local[1]", "spark.sql.shuffle.partitions": "1",
                                          "spark.default.parallelism": "1",
                                          "spark.sql.constraintPropagation.enabled": "false",
                                          "spark.driver.extraJavaOptions":
                                          "-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC "
                                          "-XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote"})
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def built(spark, demo_settings, tmp_path_factory):
    """The small demo exported, and place_months with every mart it reads computed on Spark from the
    exported stored tables only (the export's own marts are not read)."""
    from etl.spark import build_marts, register_export

    out = tmp_path_factory.mktemp("spark") / "export"
    con = duckdb.connect(str(demo_settings.db_path), read_only=True)
    prepare(con)
    try:
        export_parquet(con, out)
    finally:
        con.close()
    manifest = register_export(spark, out)
    build_marts(spark, manifest, ["place_months", "signal_visits"])
    return spark


def same(a, b) -> bool:
    """Equal, floating rates within a relative 1e-9 (Spark and DuckDB may sum in another order)."""
    if isinstance(a, float) or isinstance(b, float):
        return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))
    return a == b


@pytest.mark.parametrize("mart", list(COMPARED))
def test_a_mart_on_spark_equals_duckdbs_row_for_row(built, demo_settings, mart):
    key = COMPARED[mart]
    on_spark = built.table(mart)
    con = duckdb.connect(str(demo_settings.db_path), read_only=True)
    try:
        relation = con.table(mart)
        columns, stored = relation.columns, relation.fetchall()
    finally:
        con.close()
    assert on_spark.columns == columns
    expected = {tuple(row[columns.index(k)] for k in key): row for row in stored}
    rows = [row.asDict() for row in on_spark.collect()]
    assert len(rows) == len(expected) == len(stored) > 0
    differences = [
        (k, column, expected[k][i], row[column])
        for row in rows
        for k in [tuple(row[c] for c in key)]
        for i, column in enumerate(columns)
        if k not in expected or not same(expected[k][i], row[column])
    ]
    assert differences == []


def test_the_demo_has_rows_that_the_comparison_can_get_wrong(demo_settings):
    """The comparison above means something only if the demo has what the dialect gaps touch: visits
    found by the as-of joins, problems closed, lists measured, daily contacts missed, and elders listed by
    more than one community (the shared listings that UNION BY NAME and * REPLACE handle)."""
    con = duckdb.connect(str(demo_settings.db_path), read_only=True)
    try:
        counts = con.sql("""select
            (select count(*) from elder_months where last_visit_date is not null),
            (select count(*) from problems where closed_at is not null),
            (select count(*) from place_months where median_days_to_close is not null),
            (select count(*) from elder_months where len(categories) > 1),
            (select count(*) from place_months where daily_contact_rate < 1),
            (select count(*) from (select elder_id from elder_periods group by all
                                   having count(distinct community_code) > 1))""").fetchall()[0]
    finally:
        con.close()
    assert all(count > 0 for count in counts), counts


def test_the_marts_on_spark_are_counted_for_the_day_the_export_says(built, demo_settings):
    """A cluster counts the marts for the day the exported ones were counted for (the manifest's counted_for),
    not for its own clock: who is 80 by then, which visits are past. Counted for a day in the demo's second
    month, the month frame ends there."""
    from etl.spark import spark_sql

    with duckdb.connect(str(demo_settings.db_path), read_only=True) as con:
        day = con.execute("select min(visit_date) + interval 40 day from visit_rows").fetchone()[0].date()
    frame = built.sql(spark_sql("month_frame", counted_for=day.isoformat())).collect()
    assert len(frame) >= 2
    assert max(row.month for row in frame) == day.strftime("%Y-%m")
    assert max(row.as_of for row in frame) == day


def test_no_duckdb_only_construct_reaches_spark():
    from etl.spark import dependencies, spark_sql

    for mart in dependencies("place_months"):
        if mart == "elder_periods":
            continue  # needs the engine to name columns; it is run against Spark above
        tree = sqlglot.parse_one(spark_sql(mart, ["categories"]), read="spark")
        assert not [j for j in tree.find_all(sqlglot.exp.Join) if j.args.get("method")], mart
        assert not [f for f in tree.find_all(sqlglot.exp.Anonymous) if f.name.lower().startswith("cv_")], mart
