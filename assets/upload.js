// The 导入 page (dashboard/pages/upload.py): the files a clerk chooses or drops on #upload-files are posted as they
// are (File objects, streamed by the browser) to /upload/files as multipart form data, then the page of the batch's
// results opens. Taken before dcc.Upload sees them: it reads every file whole into a base64 string in the page, and a
// file of 120 MB crashed the tab without a word (probe 29 H1). Its drops are taken whatever their type, so that the
// server names a file it does not load (a .docx dropped had been left out silently: probe 29 M2).
(function () {
    "use strict";

    function zone(target) {
        return target && target.closest ? target.closest("#upload-files") : null;
    }

    async function send(files) {
        const sending = document.getElementById("upload-sending");
        if (!files.length || !sending || window.carevisitSending) { return; }
        // once per page: a second drop while the first batch loads would load its files twice
        window.carevisitSending = true;
        const lang = new URLSearchParams(window.location.search).get("lang");
        const open = (next) => {
            if (lang) { next += (next.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(lang); }
            window.location.assign(next);
        };
        const total = files.reduce((sum, file) => sum + file.size, 0);
        if (total > Number(sending.dataset.limit)) { open("/upload?problem=too_large"); return; }
        const form = new FormData();
        form.append("csrf_token", sending.dataset.token);
        files.forEach((file) => form.append("files", file, file.name));
        // the bar says the files are on their way and being loaded, until the results page opens
        const shown = document.getElementById("upload-progress");
        if (shown) {
            shown.hidden = false;
            const bar = shown.querySelector(".progress-bar");
            bar.style.width = "100%";
            bar.textContent = sending.dataset.loading;
        }
        let next = "/upload?problem=failed";
        try {
            const response = await fetch("/upload/files", {method: "POST", body: form, credentials: "same-origin",
                                                           headers: {"Accept": "application/json"}});
            if (response.ok) { next = (await response.json()).next; }
            else if (response.status === 413) { next = "/upload?problem=too_large"; }
        } catch (error) { /* the connection dropped: said so */ }
        open(next);
    }

    // (capturing, on the document: before React's own listeners on its root, which would hand them to dcc.Upload)
    document.addEventListener("change", function (event) {
        const input = event.target;
        if (input instanceof HTMLInputElement && input.type === "file" && zone(input)) {
            event.stopPropagation();
            send(Array.from(input.files));
            input.value = "";
        }
    }, true);
    document.addEventListener("drop", function (event) {
        if (zone(event.target) && event.dataTransfer) {
            event.preventDefault();
            event.stopPropagation();
            send(Array.from(event.dataTransfer.files));
        }
    }, true);
})();
