"""The 导入 page's files as a browser sends them (assets/upload.js), against a real server with real sign-in: a
module of its own, with a server of its own (test_sign_in's fixture), whose sign-ins stay within the address's limit
of sign-ins a minute (dashboard/auth.py SIGN_IN_LIMIT)."""

import duckdb

from tests.browser.test_sign_in import sign_in, signed_in_server  # noqa: F401 (a fixture: this module's own server)


def test_a_large_file_and_a_dropped_file_of_another_type_are_sent_whole_and_named(page, signed_in_server,  # noqa: F811
                                                                                  tmp_path):
    """The page had read every file into a base64 string before sending it: a file of 120 MB crashed the tab without a
    word (probe 29 H1): files are now sent as they are. A dropped .docx had been left out without a word (probe 29
    M2). Both reach the server, which names what it does not load; files over one upload's bound are refused in the
    page, saying the bound."""
    base, _id_number, db_path = signed_in_server
    large = tmp_path / "全年探访记录扫描件.pdf"
    with large.open("wb") as out:  # a file of 20 MB, as a clerk may choose by mistake: no table
        out.write(b"%PDF-1.7\n")
        for _ in range(20):
            out.write(b"\x00" * (1 << 20))
    sign_in(page, base, "staff", "/upload")
    page.set_input_files("#upload-files input[type=file]", [str(large)])
    page.wait_for_selector("text=全年探访记录扫描件.pdf", timeout=60_000)
    refused = "只能上传 xlsx、xls、csv 文件或它们的 zip 压缩包"
    assert f"全年探访记录扫描件.pdf: {refused}" in page.inner_text("#_pages_content")
    # a .docx dropped on the zone: sent, and named as not loaded
    page.goto(base + "/upload")
    page.wait_for_selector("#upload-sending", state="attached")
    page.evaluate("""() => {
        const files = new DataTransfer();
        files.items.add(new File(["不是表格"], "说明.docx", {type: "application/octet-stream"}));
        const zone = document.querySelector('#upload-files');
        zone.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: files}));
    }""")
    page.wait_for_selector("text=说明.docx")
    assert f"说明.docx: {refused}" in page.inner_text("#_pages_content")
    # over the bound of one upload (200 MB; here made small): refused in the page, the bound said
    page.goto(base + "/upload")
    page.wait_for_selector("#upload-sending", state="attached")
    page.evaluate("() => { document.getElementById('upload-sending').dataset.limit = '100'; }")
    page.set_input_files("#upload-files input[type=file]", [str(large)])
    page.wait_for_selector("text=超过一次上传的上限")
    assert "problem=too_large" in page.url
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert not con.execute("select 1 from loads where file_name like '%.pdf' or file_name like '%.docx'"
                               ).fetchall()
    assert page.console_log == []
