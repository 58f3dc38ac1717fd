// dcc.Graph loads plotly.js when a page first shows a chart, from the address Dash's renderer puts in
// window._dashPlotlyJSURL: the full bundle (4.8 MB). Every chart here is a scatter or a bar, which
// plotly.js's basic bundle draws (assets/vendor/plotly-basic.min.js, 1.2 MB; the app leaves it out of the
// scripts every page loads, assets_ignore): the address is turned to it, under the same path prefix.
// Pages without a chart load neither. tests/browser/test_dashboard.py checks both.
(function () {
    "use strict";
    var address;
    Object.defineProperty(window, "_dashPlotlyJSURL", {
        configurable: true,
        get: function () { return address; },
        set: function (dashs) {
            address = String(dashs).replace(/_dash-component-suites\/plotly\/package_data\/plotly\.min\.js$/,
                                            "assets/vendor/plotly-basic.min.js");
        }
    });
})();
