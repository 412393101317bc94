/* Dashboard charts: the page embeds their data with json_script ("dashboard-charts"), a list
   of {id, title, type, labels, datasets: [{label, data, color?}], stacked?, horizontal?};
   each is drawn on the canvas "chart-<id>" with the vendored Chart.js (no CDN). The figures
   themselves are in the tables beside the charts, so a browser without scripts loses
   nothing but the pictures. */
(function () {
  "use strict";

  // Colours for series that do not name one (doughnut slices, mostly).
  var PALETTE = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"];

  function dataset(spec, type) {
    var set = { label: spec.label, data: spec.data.map(Number) };
    if (type === "doughnut") {
      set.backgroundColor = spec.data.map(function (_, i) { return PALETTE[i % PALETTE.length]; });
    } else {
      set.maxBarThickness = 48;
      if (spec.color) {
        set.backgroundColor = spec.color;
        set.borderColor = spec.color;
      }
    }
    return set;
  }

  function draw(spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) return;
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: spec.type === "doughnut" ? "right" : "top" } },
    };
    if (spec.type !== "doughnut") {
      var index = { stacked: !!spec.stacked, ticks: { autoSkip: false } };
      var value = { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = spec.horizontal ? { y: index, x: value } : { x: index, y: value };
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (s) { return dataset(s, spec.type); }),
      },
      options: options,
    });
  }

  function start() {
    var source = document.getElementById("dashboard-charts");
    if (!source || !window.Chart) return;
    JSON.parse(source.textContent).forEach(draw);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
