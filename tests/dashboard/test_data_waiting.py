"""退回修改 on the 数据 page: at a city's or a province's top it would list every file with a row waiting;
it shows the longest waiting, still by street with each street's whole count, and says how many there are."""

import sys

import dash
import pytest

from dashboard import queries
from dashboard.accounts import User
from dashboard.app import create_app
from etl.ingest import ingest
from etl.settings import Settings, default_config_text, parse_config
from tests.conftest import BINXI, HUAYUANLU, QUANYECHANG, make_id
from tests.dashboard.test_pages import find, render, texts
from tests.etl.exports import ROSTER_HEADER, roster_row, write_csv

FILES = (("花园路", "劝业场街道", 2), ("滨西", "劝业场街道", 1), ("庆有西里", "南市街道", 3))  # rows waiting


def make_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("waiting")
    paths = []
    for n, (community, street, bad) in enumerate(FILES, 1):
        rows = [roster_row(1, make_id("19400101", n), community=community, street=street)]
        rows += [roster_row(k, "123", community=community, street=street) for k in range(2, 2 + bad)]  # no ID
        paths.append(write_csv(folder / f"{community}底册.csv", [ROSTER_HEADER, *rows]))
    settings = Settings(db_path=folder / "w.duckdb", config=parse_config(default_config_text()))
    ingest(paths, settings)
    return create_app(settings, User("test", "admin", "all"))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory)


@pytest.fixture(scope="module")
def data(app):
    return next(sys.modules[page["module"]] for page in dash.page_registry.values() if page["path"] == "/data")


def waiting_lines(app, data) -> list[str]:
    return texts(find(render(app, data.layout), "data-waiting"))


def test_every_file_is_listed_when_they_are_few(app, data):
    shown = waiting_lines(app, data)
    assert sum(name.endswith("底册.csv") for name in shown) == 3
    assert "劝业场街道 (3)" in shown and "南市街道 (3)" in shown
    assert find(render(app, data.layout), "data-waiting-limit") is None


def test_past_the_rows_shown_the_longest_waiting_with_each_streets_whole_count_and_a_note(
        tmp_path_factory, data, monkeypatch):
    monkeypatch.setattr(data, "ROWS_SHOWN", 2)
    app = make_app(tmp_path_factory)  # sections are kept per warehouse: this one is first seen with 2
    shown = waiting_lines(app, data)
    assert sum(name.endswith("底册.csv") for name in shown) == 2
    assert "劝业场街道 (3)" in shown  # both of its files' rows, though one file is not listed
    note = texts(find(render(app, data.layout), "data-waiting-limit"))
    assert note == ["仅显示等待最久的 2 个文件, 共 3 个文件、6 行待修改"]


def test_rows_of_a_roster_a_newer_one_replaced_wait_nowhere(tmp_path, capsys):
    """Review 2026-12-04: the 退回修改 list said 17 rows waited, the table below it and `carevisit rejects` 50 (every
    row of the superseded September rosters), and `carevisit corrections` wrote a workbook of them to fix."""
    from dashboard import queries, tables
    from etl.cli import main

    september = write_csv(tmp_path / "花园路底册9月.csv", [
        ["填报日期：2026年9月30日"], ROSTER_HEADER, roster_row(1, make_id("19400101", 1), community="花园路"),
        roster_row(2, "123", community="花园路")])
    october = write_csv(tmp_path / "花园路底册10月.csv", [
        ["填报日期：2026年10月31日"], ROSTER_HEADER, roster_row(1, make_id("19400101", 1), community="花园路"),
        roster_row(2, make_id("19400101", 2), community="花园路"), roster_row(3, "456", community="花园路")])
    settings = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(default_config_text()))
    first, second = ingest([september, october], settings)
    frame = tables.build({"table": "rejects", "lang": "zh"}, queries.Warehouse(settings.db_path), queries.ALL).frame
    assert sorted(zip(frame["file_name"], frame["reject_status"], strict=True)) == [
        ("花园路底册10月.csv", "待修改"), ("花园路底册9月.csv", "无需修改 (已有更新的底册)")]
    capsys.readouterr()
    assert main(["rejects", "--db", str(settings.db_path), "--format", "json"]) == 0
    import json

    assert sorted(r["status"] for r in json.loads(capsys.readouterr().out)) == ["待修改", "无需修改 (已有更新的底册)"]
    out = tmp_path / "退回修改.xlsx"
    assert main(["corrections", "--load", str(first.load_id), "--db", str(settings.db_path), "--out", str(out)]) == 0
    assert "没有待修改的行" in capsys.readouterr().out and not out.exists()
    assert main(["corrections", "--load", str(second.load_id), "--db", str(settings.db_path), "--out", str(out)]) == 0
    assert "1 行待修改" in capsys.readouterr().out and out.exists()


def test_a_community_sees_its_rejected_rows_of_its_streets_file_and_no_other(tmp_path):
    """The rows of a community in its street's roster wait for its staff (退回修改 counts them): the rejects table
    lists them too, not 没有符合条件的记录 beside a count (review 7b L11); a sibling community's stay out."""
    rows = [roster_row(1, make_id("19400101", 1), community="花园路"),
            roster_row(2, "123", community="花园路"), roster_row(3, "456", community="滨西"),
            roster_row(4, "789", community="滨西")]
    settings = Settings(db_path=tmp_path / "w.duckdb", config=parse_config(default_config_text()))
    [result] = ingest([write_csv(tmp_path / "劝业场街道底册.csv", [ROSTER_HEADER, *rows])], settings)
    assert result.rows_rejected == 3
    wh = queries.Warehouse(settings.db_path)
    assert list(queries.rejects(wh, HUAYUANLU)["row_number"]) == [3]  # the file's line, under its header
    assert sorted(queries.rejects(wh, BINXI)["row_number"]) == [4, 5]
    assert len(queries.rejects(wh, QUANYECHANG)) == 3
