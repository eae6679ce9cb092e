// Dashboard charts, drawn from the JSON the page embeds (json_script); the same figures are in tables.
(() => {
  if (typeof window.Chart === "undefined") return; // the tables still carry every figure
  const read = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : [];
  };
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#4f46e5";
  const day = (iso) => iso.slice(0, 10);

  const line = (canvas, labels, datasets, options = {}) =>
    new window.Chart(canvas, {
      type: "line",
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        ...options,
      },
    });

  // Drawn at load, and again when live updates replaced the figures (static/js/live.js).
  function draw() {
    const kpis = read("kpi-data");
    const history = read("history-data");
    document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const kind = canvas.dataset.chart;
      if (kind === "kpi-line" || kind === "kpi-spark") {
        const kpi = kpis.find((k) => String(k.id) === canvas.dataset.kpi);
        if (!kpi || kpi.series.length === 0) return;
        const labels = kpi.series.map((p) => day(p.at));
        const data = kpi.series.map((p) => p.value);
        const dataset = { label: kpi.name, data, borderColor: brand, backgroundColor: brand, tension: 0.25 };
        if (kind === "kpi-spark") {
          line(canvas, labels, [{ ...dataset, pointRadius: 0, borderWidth: 2 }], {
            plugins: { legend: { display: false } },
            scales: { x: { display: false }, y: { display: false } },
          });
        } else {
          line(canvas, labels, [{ ...dataset, pointRadius: 2 }], { plugins: { legend: { display: false } } });
        }
      } else if (kind === "history" && history.length) {
        const labels = history.map((h) => h.day);
        line(
          canvas,
          labels,
          [
            { label: "Mean progress (%)", data: history.map((h) => h.progress), borderColor: brand, backgroundColor: brand },
            {
              label: "Expected (%)",
              data: history.map((h) => h.expected),
              borderColor: "#6b7280",
              backgroundColor: "#6b7280",
              borderDash: [6, 4],
            },
          ],
          { scales: { y: { min: 0, max: 100 } } },
        );
      }
    });
  }
  draw();
  document.addEventListener("pmhub:live-refreshed", draw);
})();
