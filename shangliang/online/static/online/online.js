// The online room: the opinion map (ECharts, from the numbers the server put in a JSON script) and the vote card
// (after htmx swaps in the next statement, focus moves to it so that keyboard and screen-reader users follow).
// Every page works without this file: the map's numbers are also in the table under it.
(function () {
  "use strict";
  var charts = [];

  function renderMaps(root) {
    if (typeof window.echarts === "undefined") return;
    (root || document).querySelectorAll("[data-map]:not([data-rendered])").forEach(function (el) {
      var source = document.getElementById(el.dataset.map);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var existing = window.echarts.getInstanceByDom(el);
      if (existing) existing.dispose();
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var series = data.series.map(function (s) {
        return {
          name: s.name, type: "scatter", data: s.points, symbolSize: 7,
          itemStyle: { color: s.colour, opacity: 0.75 }, emphasis: { scale: 1.6 }
        };
      });
      if (data.you) {
        series.push({
          name: data.you_label, type: "scatter", data: [data.you], symbol: "pin", symbolSize: 30, z: 10,
          itemStyle: { color: "#b3261e" }
        });
      }
      chart.setOption({
        animation: false,
        aria: { enabled: true },
        legend: { top: 0, left: "center", itemWidth: 12, itemHeight: 12 },
        grid: { left: 8, right: 8, top: 34, bottom: 8, containLabel: false },
        xAxis: { type: "value", show: false, scale: true },
        yAxis: { type: "value", show: false, scale: true },
        tooltip: { trigger: "item", formatter: function (p) { return p.seriesName; } },
        series: series
      });
      el.dataset.rendered = String(data.series.reduce(function (n, s) { return n + s.points.length; }, 0));
      charts.push(chart);
    });
  }

  function resizeAll() {
    charts = charts.filter(function (c) { return !c.isDisposed(); });
    charts.forEach(function (c) { c.resize(); });
  }

  // Live pages: an element with data-live-events follows that event stream (server-sent events). Each event ("run": a
  // new analysis is stored; "queue": the moderation queue changed) becomes an htmx event "live:run" / "live:queue"
  // on the elements inside it, whose hx-trigger fetches the fresh part. The server ends each answer at once and the
  // browser reconnects by itself after the server's retry time (see online/views/public.py for why). If the stream
  // is refused for good, try again later; meanwhile the elements' slow "every …" poll keeps them fresh.
  function connectLive(root) {
    if (typeof window.EventSource === "undefined" || typeof window.htmx === "undefined") return;
    (root || document).querySelectorAll("[data-live-events]").forEach(function (el) {
      if (el.liveSource) return;
      var source = new EventSource(el.dataset.liveEvents);
      el.liveSource = source;
      ["run", "queue"].forEach(function (name) {
        source.addEventListener(name, function () {
          el.querySelectorAll("[hx-trigger*='live:" + name + "']").forEach(function (target) {
            window.htmx.trigger(target, "live:" + name);
          });
        });
      });
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CLOSED) {
          el.liveSource = null;
          window.setTimeout(function () { connectLive(el.parentNode); }, 30000);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { renderMaps(document); connectLive(document); });
  window.addEventListener("resize", resizeAll);
  document.addEventListener("htmx:afterSettle", function (event) {
    renderMaps(document); // a new results fragment brings a new, not yet rendered map
    var target = event.detail && event.detail.elt;
    var card = document.getElementById("vote-card");
    if (!card || !target || !(card === target || card.contains(target) || target.contains(card))) return;
    var text = document.getElementById("statement-text") || card.querySelector("p");
    if (text) {
      if (!text.hasAttribute("tabindex")) text.setAttribute("tabindex", "-1");
      text.focus();
    }
  });
})();
