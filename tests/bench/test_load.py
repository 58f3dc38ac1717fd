"""The load test's short version (bench/load.py): 10 users for 30 s while a month's visit files load."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.ingest import ingest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not os.environ.get("CAREVISIT_LOAD_TEST"),
                                reason="starts a server and Locust for a minute: set CAREVISIT_LOAD_TEST=1")


def test_users_of_every_role_are_served_while_a_month_loads(demo_build, tmp_path):
    settings, exports, _ = demo_build
    last_month = f"{exports.as_of.year}年{exports.as_of.month:02d}月"
    month_files = [path for path in exports.files if "探访关爱服务记录" in path.name and last_month in path.name]
    base = dataclasses.replace(settings, db_path=tmp_path / "base.duckdb")
    loaded = ingest([path for path in exports.files if path not in month_files], base)
    assert {result.status for result in loaded} == {"loaded"}

    out = tmp_path / "load.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench/load.py"), "--db", str(base.db_path), "--users", "10",
                           "--duration", "30", "--publish", *map(str, month_files), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    result = json.loads(out.read_text(encoding="utf-8"))

    assert result["total"]["failures"] == 0, done.stdout
    roles = {row["name"].split()[0] for row in result["requests"] if row["requests"] > 0} - {"Aggregated"}
    assert roles == {"leader", "staff", "inspector", "analyst"}
    assert result["publish"]["exit_code"] == 0
    assert result["publish"]["figures_changed"], result["publish"]
    assert 0 < result["server_peak_rss_bytes"] < 2 * 2**30
