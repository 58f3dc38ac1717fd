"""The monthly 通报: every number in its text and tables is the marts' (as `carevisit metrics` and the 汇总表 give
them), bad requests get one line and exit 1, the document carries its charts."""

import datetime as dt
import json
import shutil
import zipfile
from decimal import Decimal

import docx
import openpyxl
import pandas as pd
import pytest

from etl.cli import main
from etl.months import chinese_date
from etl.settings import ConfigError, default_config_text, parse_config, percent, points
from tests.conftest import excel_percent

MONTH, BEFORE = "2026-10", "2026-09"


def metrics(path, capsys, level: str, month: str = MONTH) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["metrics", "--month", month, "--level", level, "--format", "json", "--db", str(path)]) == 0
    return {row["name"]: row for row in json.loads(capsys.readouterr().out)}


@pytest.fixture(scope="module")
def made(demo_settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("bulletin") / "通报.docx"
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(demo_settings.db_path), "--out", str(out)]) == 0
    return docx.Document(out), out


pct = excel_percent


def test_a_rate_is_printed_as_excel_shows_the_summary_tables_cell():
    """77/80 is 96.25%: the 汇总表's cell (0.0%) shows 96.3%, the 通报 beside it had printed 96.2% (a binary float
    rounded), and its gap to 100% 3.7 points: one street, two figures, in two documents sent up the same day."""
    assert [percent(n / d) for n, d in ((77, 80), (1, 16), (199, 200), (3, 3), (0, 7))] == [
        "96.3%", "6.3%", "99.5%", "100.0%", "0.0%"]
    assert [f"{n / d:.1%}" for n, d in ((77, 80), (1, 16))] == ["96.2%", "6.2%"]  # what Python's rounding says
    assert (str(points(77 / 80, 1.0)), str(points(0.94, 77 / 80)), percent(None)) == ("3.7", "2.3", "—")


def test_the_summary_says_what_carevisit_metrics_says(made, demo_settings, capsys):
    document, _ = made
    text = "\n".join(p.text for p in document.paragraphs)
    [now] = metrics(demo_settings.db_path, capsys, "district").values()
    [before] = metrics(demo_settings.db_path, capsys, "district", BEFORE).values()
    # the change as the two rates printed differ
    change = Decimal(pct(now["visit_rate_home"])[:-1]) - Decimal(pct(before["visit_rate_home"])[:-1])
    moved = "与上月持平" if change == 0 else f"较上月{'上升' if change > 0 else '下降'} {abs(change)} 个百分点"
    # (of the streets that sent a roster, said so: probe 30 M3, 全区 of three streets of six)
    assert f"本月全区已报送底册的 3 个街道特殊困难老年人月探访率(上门)为 {pct(now['visit_rate_home'])}，{moved}" in text
    # the overview's 逾期未访, which the print had not (review 19 L1)
    assert now["overdue_count"] and f"截至月末，按各自风险等级的探访间隔，逾期未上门探访的特殊困难老年人 " \
                                    f"{now['overdue_count']:,} 人" in text
    # the streets no roster lists are named first: the figures are the others' (the demo's three streets)
    import duckdb

    with duckdb.connect(str(demo_settings.db_path), read_only=True) as con:
        missing = [name for (name,) in con.execute(
            "select name from place_tree where level = 'street' and code not in"
            " (select street_code from roster_snapshots) order by code").fetchall()]
    assert missing and f"{'、'.join(missing)}未报送底册，以下各项只计其余街道。" in text
    streets = [s for s in metrics(demo_settings.db_path, capsys, "street").values() if s["visit_rate_home"] is not None]
    lowest = min(streets, key=lambda s: s["visit_rate_home"])
    assert f"{lowest['name']}最低，为 {pct(lowest['visit_rate_home'])}" in text
    assert (f"应上门探访 {now['eligible_home']:,} 人，已上门探访 {now['visited_home']:,} 人，"
            f"距 100% 目标还需上门探访 {now['eligible_home'] - now['visited_home']:,} 人") in text
    for rate, label in (("visit_rate_any", "月探访率(任意方式)"), ("daily_contact_rate", "独居老年人日联系率"),
                        ("help_rate", "失能老年人社区帮扶率")):
        assert f"{label}为 {pct(now[rate])}" in text


def test_the_ranking_table_is_the_streets_best_first_with_their_lights(made, demo_settings, capsys):
    # probe N: ranked lowest first, 第1名 was the street furthest behind, where a leader reads the best
    document, _ = made
    streets = metrics(demo_settings.db_path, capsys, "street").values()
    table = document.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    ranked = sorted((s for s in streets if s["visit_rate_home"] is not None),
                    key=lambda s: (-s["visit_rate_home"], s["code"]))
    unranked = [s["name"] for s in sorted(streets, key=lambda s: s["code"]) if s["visit_rate_home"] is None]
    # (a street no roster lists says so: 未报送底册, not a street without elders)
    assert [r[1].removesuffix(" (未报送底册)") for r in rows[:-1]] == [s["name"] for s in ranked] + unranked
    # the demo's unranked streets sent no roster: each says so, with no count (review 21 L1: a filter on "0/0" had
    # left this check nothing to look at)
    assert unranked and all(r[1].endswith(" (未报送底册)") and r[3] == "—" for r in rows[len(ranked):-1])
    assert all(r[2] == "—" for r in rows[len(ranked):-1])
    # ranked from 1 (places at the same rate share a rank), and a street with nobody to visit unranked
    ranks = [str(1 + sum(o["visit_rate_home"] > s["visit_rate_home"] for o in ranked)) for s in ranked]
    assert [r[0] for r in rows[:-1]] == ranks + ["—"] * len(unranked)
    for row, street in zip(rows, ranked, strict=False):
        assert row[2] == pct(street["visit_rate_home"])
        assert row[3] == f"{street['visited_home']:,}/{street['eligible_home']:,}"
    assert rows[-1][1] == "合计"
    fills = [row.cells[2]._tc.xpath("./w:tcPr/w:shd/@w:fill") for row in table.rows[1:len(ranked) + 1]]
    # green at the target, amber from 90 %, red below (etl/settings.py), as on the 督查 screen
    expected = [["C6EFCE"] if s["visit_rate_home"] >= 1 else ["FFEB9C"] if s["visit_rate_home"] >= 0.9
                else ["FFC7CE"] for s in ranked]
    assert fills == expected


def test_the_problems_are_the_summary_tables(made, demo_settings, tmp_path):
    document, _ = made
    text = "\n".join(p.text for p in document.paragraphs)
    out = tmp_path / "汇总表.xlsx"
    assert main(["report", "monthly", "--month", MONTH, "--db", str(demo_settings.db_path), "--out", str(out)]) == 0
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    sub = rows[4]
    total = next(r for r in rows if r[0] and r[0].startswith("合计"))  # (合计 (不含未报送底册的 3 个街道))
    found, closed, referred = (total[sub.index(h)] for h in ("发现问题(件)", "本月办结(件)", "转介(件)"))
    assert f"本月探访发现问题 {found:,} 件，转介 {referred:,} 件；本月办结 {closed:,} 件 (含以前各月发现的)；" in text


def test_the_lagging_communities_are_the_lowest_rates_as_the_supervision_screen_ranks_them(made, demo_settings):
    # review 11b M7: the 通报 named the communities with the most people still to visit, the 督查 screen ranked by
    # rate: two lists of who lags most, sent and shown the same day
    import duckdb

    document, _ = made
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "社区"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    with duckdb.connect(str(demo_settings.db_path), read_only=True) as con:
        expected = con.execute(
            "select t.short_name, m.visited_home, m.eligible_home from place_months m join place_tree t using (code)"
            " where m.level = 'community' and m.month_start = ? and m.visit_rate_home < 1"
            " order by m.visit_rate_home, m.eligible_home - m.visited_home desc, code limit 10",
            [dt.date.fromisoformat(MONTH + "-01")]).fetchall()
    assert len({v / e for _, v, e in expected}) > 1
    assert [(r[0], r[3], r[4]) for r in rows] == [(name, f"{v:,}/{e:,}", f"{e - v:,} 人") for name, v, e in expected]
    assert f"月探访率(上门)最低的 {len(rows)} 个社区" in "\n".join(p.text for p in document.paragraphs)


def test_the_document_carries_the_map_and_the_trend(made):
    _, path = made
    images = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/media/")]
    assert len(images) == 2


def test_a_chart_the_browser_failed_to_draw_once_is_drawn_again(demo_settings, tmp_path, monkeypatch):
    import kaleido

    draw, failed = kaleido.Kaleido.calc_fig, []

    async def fails_once(self, *args, **kwargs):  # as kaleido's page did once on a busy machine
        if not failed:
            failed.append(True)
            raise RuntimeError("the page went away")
        return await draw(self, *args, **kwargs)

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", fails_once)
    out = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(demo_settings.db_path), "--out", str(out)]) == 0
    assert failed and len([n for n in zipfile.ZipFile(out).namelist() if n.startswith("word/media/")]) == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2031-01"], "2031-01 还没有数据"),
    # a month before the records begin had made a 通报 of 0.0 % everywhere, every street ranked last (a typo away)
    (["--month", "2020-01"], "2020-01 没有数据: 数据从 2026-"),
    (["--month", MONTH, "--place", "120101999000"], "地区 120101999000 不在本库的区划中"),
    (["--month", "10/2026"], "月份格式应为 YYYY-MM"),
    # a street of the demo that sent no roster (review 19 M2: "没有应探访的特殊困难老年人")
    (["--month", MONTH, "--place", "劝业场街道"], "劝业场街道 未报送底册, 无法通报 2026-10 的探访情况"),
])
def test_bad_requests_get_one_line_and_exit_1(demo_settings, tmp_path, capsys, args, message):
    capsys.readouterr()
    assert main(["report", "bulletin", "--db", str(demo_settings.db_path), "--out", str(tmp_path / "x.docx"),
                 *args]) == 1
    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error and "Traceback" not in error


@pytest.mark.parametrize("out", ["/nonexistent-folder/通报.docx", "通报.pdf"])
def test_an_output_that_cannot_be_written_gets_one_line(demo_settings, tmp_path, capsys, out):
    capsys.readouterr()
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(demo_settings.db_path), "--out", out]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("无法") and "\n" not in error


def test_without_chromium_the_command_names_the_package(demo_settings, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on the path
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    capsys.readouterr()
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(demo_settings.db_path),
                 "--out", str(tmp_path / "x.docx")]) == 1
    error = capsys.readouterr().err.strip()
    assert "apt-get install chromium" in error and "\n" not in error


def signature(document) -> list[str]:
    """The 落款: the right-aligned lines of text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return [p.text for p in document.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT and p.text]


def test_the_district_s_bulletin_is_signed_by_its_civil_affairs_bureau_and_dated(made):
    """Review 7b L4: a 通报 ended with no issuing organ. It is signed, right-aligned under the text, by the district's
    民政局 (configuration bulletin_issuer) with the day it was made: the document's last lines, after the notes
    (probe 30 L1: the notes had followed the signature, as if added to a signed text)."""
    document, _ = made
    assert signature(document) == ["和平区民政局", chinese_date(dt.date.today())]
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[-2:] == signature(document)
    assert texts.index("说明：") < texts.index("和平区民政局")
    assert texts[texts.index("说明：") + 1].startswith("1. 月探访率 = 已探访人数 / 应探访人数")


def test_a_bureaus_configuration_names_its_own_issuer_or_none(demo_settings, tmp_path, monkeypatch):
    config = tmp_path / "carevisit.toml"
    own = 'district = "{place}老龄工作委员会办公室"'
    config.write_text(default_config_text().replace('district = "{place}民政局"', own), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_settings.db_path, db)
    monkeypatch.setenv("CAREVISIT_CONFIG", str(config))
    out = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(db), "--out", str(out)]) == 0
    assert signature(docx.Document(out))[0] == "和平区老龄工作委员会办公室"
    config.write_text(default_config_text().replace('district = "{place}民政局"', 'district = ""'), encoding="utf-8")
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(db), "--out", str(out)]) == 0
    assert signature(docx.Document(out)) == []
    assert "bulletin_issuer" in str(pytest.raises(ConfigError, parse_config, default_config_text().replace(
        'street = "{place}办事处"', 'street = "{place}办事处"\ncommunity = "{place}居委会"')).value)


def test_a_street_s_bulletin_ranks_its_communities(demo_settings, tmp_path, capsys):
    out = tmp_path / "街道通报.docx"
    street = "120101003000"  # 五大道街道
    assert main(["report", "bulletin", "--month", MONTH, "--place", street, "--db", str(demo_settings.db_path),
                 "--out", str(out)]) == 0
    document = docx.Document(out)
    # the title broken between words, as a 公文's is: it had wrapped inside 情况, where the page's width ended
    assert document.paragraphs[0].text == "关于2026年10月五大道街道特殊困难老年人\n探访关爱工作情况的通报"
    communities = [c for c in metrics(demo_settings.db_path, capsys, "community").values()
                   if c["parent_code"] == street]
    [figures] = [s for s in metrics(demo_settings.db_path, capsys, "street").values() if s["code"] == street]
    assert any(p.text.startswith(f"本月全街道特殊困难老年人月探访率(上门)为 {pct(figures['visit_rate_home'])}")
               for p in document.paragraphs)
    ranking = document.tables[1]
    assert ranking.rows[0].cells[1].text == "社区" and len(ranking.rows) == len(communities) + 2  # header, 合计
    assert signature(document)[0] == "五大道街道办事处"


@pytest.mark.parametrize("stored", [False, True], ids=["recomputed", "stored-by-the-load"])
def test_a_month_in_progress_is_compared_with_the_same_day_of_the_month_before(tmp_path, monkeypatch, stored):
    from etl import build
    from tests.conftest import make_id
    from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, Warehouse, roster_row, visit_row, write_csv

    if stored:  # the load stores the comparison (build_same_day_comparison), as at a city's size
        monkeypatch.setattr(build, "SMALL_BELOW_ELDERS", 0)
    people = [make_id("19400101", n) for n in range(1, 5)]
    roster = write_csv(tmp_path / f"底册{stored}.csv", [["填报日期：2026年9月1日"], ROSTER_HEADER,
                                                     *(roster_row(n, p) for n, p in enumerate(people, 1))])
    # October: all four visited, two of them by the 12th; November, counted to the 12th: the same two
    days = (["2026-10-05", "2026-10-10", "2026-10-20", "2026-10-25"], ["2026-11-03", "2026-11-12"])
    visits = write_csv(tmp_path / "探访.csv",
                       [VISIT_HEADER, *(visit_row(p, d) for ds in days for p, d in zip(people, ds, strict=False))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(r.status == "loaded" for r in warehouse.ingest(roster, visits))
    comparisons = warehouse.rows("select schema_name from duckdb_schemas() where schema_name like 'same_day_%'")
    assert bool(comparisons) == stored
    out = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", "2026-11", "--db", str(warehouse.settings.db_path),
                 "--out", str(out)]) == 0
    document = docx.Document(out)
    text = "\n".join(p.text for p in document.paragraphs)
    # 2/4 on the 12th of each month: level, not "较上月下降 50.0 个百分点" against all of October (4/4)
    assert "本月数据截至 11 月 12 日，未满整月，与上月的比较均为上月同期 (截至 12 日)。" in text
    assert "月探访率(上门)为 50.0%，与上月同期持平" in text
    assert "截至 12 日仍有 0 位老人的问题未解决" in text
    # under the trend chart, as the dashboard's trend says it (review 11b M3: the fall to 50% read as a collapse), and
    # what the same day of the month before says (probe 30 H3: 不表示工作下滑, under a month 14.4 points behind)
    assert "末月只计到 12 日, 未满整月 (空心点、虚线), 不能与整月相比; 月探访率(上门)与上月同期持平。" in text
    headline = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert headline[0][3] == "上月同期" and headline[1][:4] == ["月探访率(上门)", "50.0%", "2/4", "50.0%"]
    # the trend names the month by the day it is counted to, its point hollow: not a month's collapse
    import duckdb

    from etl import bulletin

    with duckdb.connect(str(warehouse.settings.db_path), read_only=True) as con:
        [whole, open_month, *_] = bulletin.trend_figure(bulletin.make_bulletin(con, "2026-11"))["data"]
    assert whole["x"][-1] == "10月" and whole["name"] == open_month["name"] == "月探访率(上门)"
    assert open_month["x"] == ["10月", "11月(截至12日)"] and open_month["line"]["dash"] == "dot"
    assert open_month["marker"]["symbol"] == ["circle", "circle-open"]
    if stored:
        return  # (below: another day, which no load stored, counted the same either way)
    # asked for an earlier day (--as-of): counted to it, and the month before to the same day (1/4 on each 5th)
    assert main(["report", "bulletin", "--month", "2026-11", "--as-of", "2026-11-05",
                 "--db", str(warehouse.settings.db_path), "--out", str(out)]) == 0
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert "数据截至 11 月 5 日，未满整月，与上月的比较均为上月同期 (截至 5 日)" in text
    assert "月探访率(上门)为 25.0%，与上月同期持平" in text


def test_places_at_the_same_rate_share_a_rank_and_one_without_a_rate_is_unranked():
    import datetime as dt

    from etl import bulletin, reports

    rows = pd.DataFrame({"code": ["a", "b", "c", "d", "e", "t"], "level": ["street"] * 5 + ["total"],
                         "visit_rate_home": [0.8, 1.0, 0.8, None, 0.5, 0.7], "visits_unsent": [False] * 6})
    summary = reports.MonthlySummary("x", "和平区", "street", "2026-10", dt.date(2026, 10, 31), (), rows)
    ranked = bulletin.Bulletin(summary, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), None).ranked
    assert list(ranked["code"]) == ["b", "a", "c", "e", "d"]
    assert [None if pd.isna(r) else int(r) for r in ranked["rank"]] == [1, 2, 2, 4, None]


def test_streets_without_a_roster_are_ranked_with_no_count_and_a_street_without_a_contact_list_with_no_rate(
        made, tmp_path, capsys):
    """Review 19: a street that sent no roster was listed 0/0 with 未访人数 0 (M1), one that sent no contact list had
    its month before's 社区帮扶率 printed 0.0 % and its count 0/3 (H1): what no file said."""
    from tests.conftest import make_id
    from tests.etl.exports import VISIT_HEADER, Warehouse, visit_row, write_csv

    document, _ = made
    ranked = {row.cells[1].text: [cell.text for cell in row.cells] for row in document.tables[1].rows}
    assert ranked["劝业场街道 (未报送底册)"] == ["—", "劝业场街道 (未报送底册)", *["—"] * 7]
    # 南市街道's three 失能 elders, visited in September and October; 南市 sends no contact list
    south = [make_id("19380101", n) for n in range(11, 14)]
    header = ["街道", "社区", "姓名", "身份证号", "特殊困难类别"]
    roster = write_csv(tmp_path / "底册.csv", [["填报日期：2026年9月1日"], header,
                                              *[["南市街道", "庆有西里", f"老人{n}", p, "失能"]
                                                for n, p in enumerate(south)]])
    visits = write_csv(tmp_path / "探访.csv", [VISIT_HEADER, *[visit_row(p, day, community="庆有西里")
                                                             for p in south for day in ("2026-09-05", "2026-10-05")]])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(r.status == "loaded" for r in warehouse.ingest(roster, visits))
    out = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", "2026-10", "--place", "南市街道",
                 "--db", str(warehouse.settings.db_path), "--out", str(out)]) == 0, capsys.readouterr().err
    headline = {row.cells[0].text: [cell.text for cell in row.cells] for row in docx.Document(out).tables[0].rows}
    assert headline["失能老年人社区帮扶率"][:4] == ["失能老年人社区帮扶率", "未报送", "—", "未报送"]


def test_the_files_properties_name_the_bulletin_and_its_issuer_not_the_library(made):
    # review 19 L4: Word's 文件 > 信息 said author python-docx, created 2013-12-23, "generated by python-docx"
    document, _ = made
    properties = document.core_properties
    assert properties.title == "关于2026年10月和平区特殊困难老年人探访关爱工作情况的通报"
    assert properties.author == "和平区民政局"
    assert "python-docx" not in f"{properties.comments}{properties.last_modified_by}"
    assert properties.created.year >= 2026


def test_a_table_is_kept_on_one_page_with_its_caption(made):
    # review 19 L3: 进度滞后的社区 began at page 1's foot with 2 rows of 10, the other 8 on page 2
    document, _ = made
    for table in document.tables:
        assert all(paragraph.paragraph_format.keep_with_next
                   for row in table.rows for cell in row.cells for paragraph in cell.paragraphs)


def test_a_charts_title_writes_its_month_and_data_date_as_the_text_does(demo_settings):
    # review 19 L5: 2026-10 · 数据截至 2026-10-31 under a title of 2026年10月 and a text of 2026年10月31日
    import duckdb

    from etl import bulletin

    with duckdb.connect(str(demo_settings.db_path), read_only=True) as con:
        made = bulletin.make_bulletin(con, MONTH)
    as_of = chinese_date(made.summary.as_of)
    title = bulletin.trend_figure(made)["layout"]["title"]["text"]
    assert title == f"近期趋势 · 和平区 · 2026年10月 · 数据截至 {as_of}"


def styles_of(path) -> dict[str, dict[str, str]]:
    """Each paragraph style's (and the defaults') faces and size as the file's styles.xml sets them: the East Asian
    face, the Latin face, any theme face (which Word takes over both), the size in half-points, the colour."""
    from lxml import etree

    namespace = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = etree.fromstring(zipfile.ZipFile(path).read("word/styles.xml"))

    def of(run) -> dict[str, str]:
        faces = run.find("w:rFonts", namespace)
        attributes = {} if faces is None else {etree.QName(k).localname: v for k, v in faces.attrib.items()}
        size, colour = run.find("w:sz", namespace), run.find("w:color", namespace)
        return attributes | {"size": size.get(f"{{{namespace['w']}}}val") if size is not None else "",
                             "colour": colour.get(f"{{{namespace['w']}}}val") if colour is not None else ""}

    found = {"defaults": of(root.find("w:docDefaults/w:rPrDefault/w:rPr", namespace))}
    for style in root.iterfind("w:style[@w:type='paragraph']", namespace):
        run = style.find("w:rPr", namespace)
        if run is not None:
            found[style.find("w:name", namespace).get(f"{{{namespace['w']}}}val")] = of(run)
    return found


def test_the_text_is_set_in_the_faces_of_a_gongwen_that_a_bureaus_word_has(made):
    """Probe 30 M6: every style was the Linux face Noto Sans CJK SC (the headings a theme's Cambria and a Japanese
    face besides), which a bureau's Windows Word or WPS lacks. GB/T 9704: the title 方正小标宋简体 二号, the text
    仿宋_GB2312 三号, first-level headings 黑体 三号, second-level 楷体_GB2312 三号, black; digits in Times New Roman;
    each face named in the font table with the face Windows ships (仿宋, 楷体, SimHei) for a machine without it."""
    document, path = made
    styles = styles_of(path)
    expected = {"Normal": ("仿宋_GB2312", "32"), "Title": ("方正小标宋简体", "44"), "heading 1": ("黑体", "32"),
                "heading 2": ("楷体_GB2312", "32")}
    for name, (face, size) in expected.items():
        style = styles[name]
        assert (style["eastAsia"], style["ascii"], style["hAnsi"], style["size"]) == (face, "Times New Roman",
                                                                                      "Times New Roman", size), name
        assert not any(key.endswith("Theme") or key == "cstheme" for key in style), name
        assert style["colour"] == "000000", name
    assert styles["defaults"]["eastAsia"] == "仿宋_GB2312" and "eastAsiaTheme" not in styles["defaults"]
    assert "Noto" not in zipfile.ZipFile(path).read("word/styles.xml").decode()
    fonts = zipfile.ZipFile(path).read("word/fontTable.xml").decode()
    for face, fallback in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("黑体", "SimHei")):
        assert f'<w:font w:name="{face}"><w:altName w:val="{fallback}"/>' in fonts
    # the headings are Word's (the navigation pane lists them), numbered as a 公文's are
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、各街道排名", "三、进度滞后的社区", "四、图表"]
    assert not any(p.runs and p.runs[0].bold for p in document.paragraphs if p.style.name == "Heading 1")
    # the tables smaller than the text (五号), not its 三号
    sizes = {run.font.size.pt for table in document.tables for row in table.rows for cell in row.cells
             for paragraph in cell.paragraphs for run in paragraph.runs if run.text}
    assert sizes == {10.5}


def test_the_faces_are_the_bureaus_to_choose(demo_settings, tmp_path, monkeypatch):
    # a bureau's computers with other faces (方正仿宋_GBK): [bulletin_fonts] in its carevisit.toml, a role left out its
    # GB/T 9704 default; a role not known refused by name
    config = tmp_path / "carevisit.toml"
    config.write_text(default_config_text().replace(
        "[bulletin_fonts]\n", '[bulletin_fonts]\nbody = "方正仿宋_GBK"\nsubheading = "楷体"\n'), encoding="utf-8")
    monkeypatch.setenv("CAREVISIT_CONFIG", str(config))
    out = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", MONTH, "--db", str(demo_settings.db_path), "--out", str(out)]) == 0
    styles = styles_of(out)
    assert (styles["Normal"]["eastAsia"], styles["heading 2"]["eastAsia"], styles["Title"]["eastAsia"]) == (
        "方正仿宋_GBK", "楷体", "方正小标宋简体")
    with pytest.raises(ConfigError, match="bulletin_fonts: unknown role size"):
        parse_config(default_config_text().replace("[bulletin_fonts]\n", "[bulletin_fonts]\nsize = \"16\"\n"))


def test_the_bulletin_is_addressed_to_the_units_below_and_dated_by_its_data(made, demo_settings, tmp_path):
    """Probe 30 L1: no 主送 line, and under the title 「和平区 2026年12月7日 数据截至…」, its unit not the 落款's
    (和平区民政局). The title, the data date in brackets, then the 主送 line flush left: the streets of a district's
    通报, the communities (居委会) of a street's."""
    document, _ = made
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[1:4] == ["（数据截至2026年10月31日）", "各街道办事处：", "一、总体情况"]
    assert document.paragraphs[[p.text for p in document.paragraphs].index("各街道办事处：")].paragraph_format \
        .first_line_indent in (None, 0)
    out = tmp_path / "街道通报.docx"
    assert main(["report", "bulletin", "--month", MONTH, "--place", "五大道街道", "--db", str(demo_settings.db_path),
                 "--out", str(out)]) == 0
    texts = [p.text for p in docx.Document(out).paragraphs if p.text]
    assert texts[2:4] == ["各社区居委会：", "一、总体情况"]


def test_the_files_properties_say_no_more_than_the_bulletin_and_its_issuer(made):
    # probe 30 L2: app.xml said Microsoft Macintosh Word, 1 page, and the file carried python-docx's template's
    # thumbnail and an empty bibliography
    document, path = made
    properties = document.core_properties
    assert (properties.author, properties.last_modified_by) == ("和平区民政局", "和平区民政局")
    made_at = properties.created.replace(tzinfo=None)  # (UTC)
    assert abs(made_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(hours=1)
    assert properties.modified == properties.created
    assert not (properties.comments or properties.subject or properties.keywords or properties.category)
    names = zipfile.ZipFile(path).namelist()
    assert not [name for name in names if "thumbnail" in name or name.startswith("customXml/")
                or "stylesWithEffects" in name]
    application = zipfile.ZipFile(path).read("docProps/app.xml").decode()
    assert "Macintosh" not in application and "<Pages>" not in application and "<Template>" not in application
    assert "<Application>CareVisit 探访关爱看板</Application>" in application


def test_the_trend_names_months_as_a_reader_does_from_zero_with_the_headline_figures(made, demo_settings, capsys):
    """Probe 30 L7: the months read 2026-09, no figure at any point, and the axis began at 75 %, where a fall of 2
    points looked like a cliff. And L6: the map's legend lay over a community's outline."""
    import duckdb

    from etl import bulletin

    with duckdb.connect(str(demo_settings.db_path), read_only=True) as con:
        made_bulletin = bulletin.make_bulletin(con, MONTH)
    figure = bulletin.trend_figure(made_bulletin)
    months = figure["data"][0]["x"]
    assert months[-2:] == ["9月", "10月"] and all(m.endswith("月") and "-" not in m for m in months)
    assert figure["layout"]["yaxis"]["range"][0] == 0
    [now] = metrics(demo_settings.db_path, capsys, "district").values()
    [before] = metrics(demo_settings.db_path, capsys, "district", BEFORE).values()
    shown = [(a["x"], a["text"]) for a in figure["layout"]["annotations"] if a["text"].endswith("%")
             and a["text"] != "目标 100%"]
    assert len(shown) == len(months)
    assert shown[-2:] == [("9月", pct(before["visit_rate_home"])), ("10月", pct(now["visit_rate_home"]))]
    assert bulletin.month_labels(["2026-11", "2026-12", "2027-01"]) == ["2026年11月", "12月", "2027年1月"]
    [legend] = [a for a in bulletin.map_figure(made_bulletin)["layout"]["annotations"] if "■" in a["text"]]
    assert legend["y"] >= 1 and legend["yanchor"] == "bottom"  # above the plotting area the outlines fill


def test_a_month_in_progress_lights_each_place_against_its_own_same_day_of_the_month_before(tmp_path):
    """Probe 30 M4: on the 6th every street, community and the map was red, judged against the whole month's target.
    Two streets at 50.0 % on November 12th: 劝业场 was at 25.0 % on October 12th (ahead: green), 南市 at 75.0 %
    (25 points behind: red); the ranking shows the same day of October beside them, and the text and notes say so."""
    import duckdb

    from etl import bulletin
    from tests.conftest import make_id
    from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, Warehouse, roster_row, visit_row, write_csv

    ahead, behind = ([make_id("19400101", n) for n in range(first, first + 4)] for first in (1, 11))
    roster = write_csv(tmp_path / "底册.csv", [
        ["填报日期：2026年9月1日"], ROSTER_HEADER, *(roster_row(n, p) for n, p in enumerate(ahead, 1)),
        *(roster_row(n, p, community="庆有西里", street="南市街道") for n, p in enumerate(behind, 5))])
    october = {"ahead": ["2026-10-05", "2026-10-20", "2026-10-21", "2026-10-22"],
               "behind": ["2026-10-03", "2026-10-05", "2026-10-10", "2026-10-20"]}
    november = ["2026-11-03", "2026-11-12"]
    visits = write_csv(tmp_path / "探访.csv", [
        VISIT_HEADER, *(visit_row(p, d) for p, d in zip(ahead, october["ahead"], strict=True)),
        *(visit_row(p, d) for p, d in zip(ahead, november, strict=False)),
        *(visit_row(p, d, community="庆有西里") for p, d in zip(behind, october["behind"], strict=True)),
        *(visit_row(p, d, community="庆有西里") for p, d in zip(behind, november, strict=False))])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    assert all(r.status == "loaded" for r in warehouse.ingest(roster, visits))
    out = tmp_path / "通报.docx"
    assert main(["report", "bulletin", "--month", "2026-11", "--db", str(warehouse.settings.db_path),
                 "--out", str(out)]) == 0
    document = docx.Document(out)
    ranking = document.tables[1]
    header = [cell.text for cell in ranking.rows[0].cells]
    assert header[2:4] == ["月探访率(上门)", "上月同期"]
    rows = {row.cells[1].text: row for row in ranking.rows[1:]}
    cells = {name: [cell.text for cell in rows[name].cells] for name in ("劝业场街道", "南市街道")}
    assert cells["劝业场街道"][2:5] == ["50.0%", "25.0%", "2/4"] and cells["南市街道"][2:5] == ["50.0%", "75.0%", "2/4"]
    fills = {name: rows[name].cells[2]._tc.xpath("./w:tcPr/w:shd/@w:fill") for name in cells}
    assert fills == {"劝业场街道": ["C6EFCE"], "南市街道": ["FFC7CE"]}
    # ten columns in 小五, each figure of a district on one line
    assert {run.font.size.pt for row in ranking.rows for cell in row.cells for paragraph in cell.paragraphs
            for run in paragraph.runs if run.text} == {9}
    text = "\n".join(p.text for p in document.paragraphs)
    assert "与上月同期相比，1 个街道月探访率(上门)低于上月同期，其中 1 个低 5 个百分点及以上，列为红色。" in text
    assert "按整月的目标" not in text.split("说明：")[0]
    assert "颜色按与上月同期 (截至 12 日) 的比较" in text.split("说明：")[1]
    with duckdb.connect(str(warehouse.settings.db_path), read_only=True) as con:
        made = bulletin.make_bulletin(con, "2026-11")
    colours = {trace["customdata"][0]: trace["fillcolor"] for trace in bulletin.map_figure(made)["data"]
               if trace.get("fill") == "toself"}
    codes = dict(warehouse.rows("select name, code from place_tree where level = 'street'"))
    assert (colours[codes["劝业场街道"]], colours[codes["南市街道"]]) == ("#C6EFCE", "#FFC7CE")


def test_a_street_whose_records_begin_this_month_is_compared_with_no_month_before(tmp_path):
    # probe 29 M4: a street's first files (its first roster, its first visit records) were compared with a month
    # before at 0 %, counted for want of records: 较上月上升 100.0 个百分点
    from tests.conftest import make_id
    from tests.etl.exports import ROSTER_HEADER, VISIT_HEADER, roster_row, visit_row, write_csv

    people = [make_id("19400101", n) for n in (1, 2)]
    roster = write_csv(tmp_path / "底册.csv", [ROSTER_HEADER, roster_row(1, people[0], name="甲"),
                                              roster_row(2, people[1], name="乙", community="庆有西里",
                                                         street="南市街道")])
    visits = write_csv(tmp_path / "探访.csv", [VISIT_HEADER, visit_row(people[0], "2026-10-05", name="甲"),
                                              visit_row(people[1], "2026-09-07", name="乙", community="庆有西里"),
                                              visit_row(people[1], "2026-10-07", name="乙", community="庆有西里")])
    db = tmp_path / "w.duckdb"
    assert main(["ingest", str(roster), str(visits), "--db", str(db)]) == 0
    said = {}
    for street in ("劝业场街道", "南市街道"):
        out = tmp_path / f"{street}.docx"
        assert main(["report", "bulletin", "--month", "2026-10", "--as-of", "2026-10-31", "--place", street,
                     "--db", str(db), "--out", str(out)]) == 0
        said[street] = next(p.text for p in docx.Document(str(out)).paragraphs if "月探访率(上门)为" in p.text)
    assert "上月" not in said["劝业场街道"], said  # 100.0 %, from a September of no record
    assert "上月" in said["南市街道"], said
