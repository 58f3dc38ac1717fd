"""数据导入 Upload: send the streets' exports from the browser; each file's result as the CLI prints it."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from dashboard import context, queries, tables, uploads
from dashboard.components import make_message, make_table
from dashboard.i18n import t

dash.register_page(__name__, path="/upload", title="探访关爱看板 · 数据导入")

RESULT_COLUMNS = ("file_name", "kind", "status", "rows_read", "rows_loaded", "rows_rejected", "warning_count",
                  "note")
PROBLEMS = {"expired": "upload_expired", "count": "upload_count", "failed": "upload_failed",
            "too_large": "upload_too_large"}
# the batch's rejected and warned rows listed under its results (the Data page and the corrections workbook have all)
BATCH_ROW_COLUMNS = ("file_name", "sheet_name", "row_number", "row_kind", "reason")
BATCH_ROWS_SHOWN = 500
FILES, SENDING = "upload-files", "upload-sending"

# The chosen or dropped files are posted by assets/upload.js, never through a Dash callback: the server streams
# the form to disk (dashboard/uploads.py). Its data: the form's token, the bar's words, the bound of one upload.


def _hint(lang: str) -> str:
    """What to drop here, said to whoever sends: the bureau's files of its streets, or a street's or a community's
    staff's own place's (probe 29 L4: a street's clerk was asked for 各街道报来的 files)."""
    root = queries.root_place(context.warehouse(), context.scope())
    if root.level in ("street", "community"):
        return t("upload_hint_place", lang, place=root.name)
    return t("upload_hint", lang)


def layout(lang: str = "zh", batch: str | None = None, problem: str | None = None, **_query) -> html.Div:
    if not context.may("load"):
        context.record_refusal("load")
        return make_message(t("forbidden", lang), "danger")
    parts = [
        html.H4(t("upload_title", lang)),
        html.Div(_hint(lang), className="chart-note mb-3"),
        # The files go to POST /upload/files as a multipart form (streamed to disk on the server), sent by the
        # browser once chosen (assets/upload.js); the page then shows the result of the batch. (dcc.Upload for its
        # drop zone and file chooser only: the script takes the files before it reads them.)
        dcc.Upload(html.Div([html.Div(t("upload_drop", lang), className="upload-drop-title"),
                             html.Div(t("upload_types", lang), className="chart-note")]),
                   id=FILES, multiple=True, className="upload-drop mb-2"),
        # that the files are on their way and being loaded (assets/upload.js shows it)
        html.Div(dbc.Progress(value=0, striped=True, animated=True, style={"height": "1.6rem"}),
                 id="upload-progress", hidden=True, className="mb-3"),
        html.Div(id=SENDING, **{"data-token": generate_csrf(), "data-loading": t("upload_loading", lang),
                                "data-limit": str(uploads.MAX_UPLOAD_BYTES)}),
    ]
    if problem in PROBLEMS:
        parts.append(make_message(t(PROBLEMS[problem], lang, limit=uploads.MAX_UPLOAD_BYTES >> 20), "warning"))
    record = uploads.batch_results(batch)
    if batch and record is None:
        parts.append(make_message(t("upload_unknown_batch", lang), "warning"))
    if record:
        parts.append(html.H5(t("upload_results", lang, at=record["at"].replace("T", " ")), className="mt-2"))
        for refused in record["refused"]:
            parts.append(make_message(refused, "danger"))
        if not record["results"]:  # the whole batch refused (a full disk, …): its message says why
            return html.Div(parts)
        frame = pd.DataFrame(record["results"]).rename(columns={"message": "note"})[list(RESULT_COLUMNS)]
        frame["kind"] = [t(f"kind_{k}", lang) if isinstance(k, str) else "" for k in frame["kind"]]
        frame["status"] = [t(f"upload_status_{s}", lang) for s in frame["status"]]
        frame["note"] = frame["note"].fillna("")
        parts.append(make_table("upload-results", frame, tables.headers(RESULT_COLUMNS, lang), None, lang))
        for alert in record.get("alerts", []):  # as the command line says them after a load (请注意)
            parts.append(make_message(t("upload_alert", lang, message=alert), "warning"))
        parts.append(_batch_rows(record["results"], lang))
        if any(_to_fix(r) for r in record["results"] if r["status"] == "loaded"):
            parts.append(html.Div(t("upload_rejects_hint", lang), className="chart-note mt-2"))
            parts.append(_corrections_links(record["results"], lang))
    return html.Div(parts)


def _batch_rows(results: list[dict], lang: str) -> html.Div:
    """The batch's rejected rows and rows loaded with a warning, each with its reason, and its files' notes: what the
    result table counts (review 16 M3: 警告 1 said nothing of what, the reasons were on the Data page only)."""
    loads = [load for r in results for load in r.get("load_ids", [r["load_id"]] if r.get("load_id") else [])]
    frame = queries.batch_rows(context.warehouse(), loads, BATCH_ROWS_SHOWN) if loads else pd.DataFrame()
    if frame.empty:
        return html.Div()
    frame["row_kind"] = [t(f"upload_row_{kind}", lang) if pd.isna(status) else
                         f"{t('upload_row_rejected', lang)} · {t(f'reject_{status}', lang, load=None)}"
                         for kind, status in zip(frame["row_kind"], frame["status"], strict=True)]
    frame["sheet_name"] = frame["sheet_name"].fillna("")
    frame["row_number"] = frame["row_number"].astype("Int64")  # a file's own note has none
    return html.Div([html.H6(t("upload_rows_title", lang), className="mt-3"),
                     make_table("upload-rows", frame[list(BATCH_ROW_COLUMNS)], tables.headers(BATCH_ROW_COLUMNS, lang),
                                None, lang, limit=BATCH_ROWS_SHOWN)])


def _to_fix(result: dict) -> int:
    """A loaded file's rows waiting for a correction (its repeats are not: FileResult.rows_to_fix); of a batch
    recorded before the repeats were told apart, every row rejected."""
    return result.get("rows_to_fix", result["rows_rejected"])


def _corrections_links(results: list[dict], lang: str) -> html.Ul:
    """For each loaded file with rejected rows: its corrections workbook (退回修改), to fix and upload back."""
    if not context.may("correct"):
        return html.Ul()
    return html.Ul([
        html.Li(html.A(t("upload_corrections", lang, file=uploads.corrections_name(r["file_name"])),
                       href=f"/corrections/{r['load_id']}", download="",
                       id={"type": "corrections-download", "load": r["load_id"]}))
        for r in results if r["status"] == "loaded" and _to_fix(r) and r.get("load_id")
    ], className="mt-2", id="upload-corrections")


def register(app) -> None:
    """No callback: the files are sent from the browser (assets/upload.js) to /upload/files (dashboard/uploads.py)."""
