// Functions the tables' column definitions name ({"function": "dateTextOrder"}, dashboard/components).
// A date column is sent as text, 2026-10-05 or 2026-10-05 09:30, and may hold words in place of a date
// (最近上门: 记录期内未上门, no home visit on record). Ascending: blanks, then the words (longer ago than
// any date), then the dates, oldest first; ISO dates sort as their text does.
(function () {
    "use strict";
    var functions = window.dashAgGridFunctions = window.dashAgGridFunctions || {};
    var isoDate = /^\d{4}-\d{2}-\d{2}/;

    function rank(value) {
        if (value === null || value === undefined || value === "") { return 0; }
        return isoDate.test(value) ? 2 : 1;
    }

    functions.dateTextOrder = function (a, b) {
        var byRank = rank(a) - rank(b);
        if (byRank !== 0) { return byRank; }
        a = a === null || a === undefined ? "" : String(a);
        b = b === null || b === undefined ? "" : String(b);
        return a < b ? -1 : a > b ? 1 : 0;
    };
})();
