// Charts of the dashboards (ECharts). Each chart reads its numbers from a json_script block; the same numbers are
// in the table next to it, so the page is complete without JavaScript. Clicking a unit's bar opens its dashboard.
(function () {
  "use strict";
  var COLORS = ["#b3261e", "#0b57d0", "#1e7e34", "#b06000", "#6a1b9a", "#00838f", "#5f6368", "#c2185b"];
  var charts = [];

  function wrap(label) {
    // Long unit names wrap onto a second line instead of pushing the chart off a phone screen.
    return label.length > 8 ? label.slice(0, 8) + "\n" + label.slice(8, 16) : label;
  }

  function barOption(d) {
    var n = d.labels.length;
    return {
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      legend: d.series.length > 1 ? { top: 0 } : undefined,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: d.labels, inverse: true, axisLabel: { formatter: wrap, interval: 0 } },
      series: d.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.data, barMaxWidth: 22, label: { show: n <= 12, position: "right" } };
      })
    };
  }

  function lineOption(d) {
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "category", data: d.labels, axisLabel: { formatter: function (v) { return v.slice(2); } } },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map(function (s) { return { type: "line", name: s.name, data: s.data, smooth: false }; })
    };
  }

  function pieOption(d) {
    var data = d.labels.map(function (l, i) { return { name: l, value: d.series[0].data[i] }; })
      .filter(function (x) { return x.value > 0; });
    return {
      tooltip: { trigger: "item", confine: true },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "62%"], center: ["50%", "45%"], data: data,
                 label: { formatter: "{b}\n{c}" } }]
    };
  }

  function funnelOption(d) {
    var data = d.labels.map(function (l, i) { return { name: l, value: d.series[0].data[i] }; });
    return {
      tooltip: { trigger: "item", confine: true },
      series: [{ type: "funnel", left: "5%", width: "90%", top: 8, bottom: 8, sort: "none", minSize: "8%",
                 data: data, label: { position: "inside", formatter: "{b} {c}" } }]
    };
  }

  var BUILDERS = { bar: barOption, line: lineOption, pie: pieOption, funnel: funnelOption };

  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source) { return; }
    var d = JSON.parse(source.textContent);
    var build = BUILDERS[d.kind];
    if (!build) { return; }
    if (d.kind === "bar") {
      // Height grows with the number of rows (set through the style object, which the CSP allows).
      el.style.height = Math.max(200, 34 * d.labels.length * Math.max(1, d.series.length * 0.7) + 60) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var option = build(d);
    option.color = COLORS;
    option.aria = { enabled: true };
    option.animation = false;
    chart.setOption(option);
    if (d.links && d.links.length) {
      chart.on("click", function (p) {
        var url = d.links[p.dataIndex];
        if (url) { window.location.href = url; }
      });
    }
    el.dataset.drawn = "1";
    charts.push(chart);
  }

  function init() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(draw);
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
