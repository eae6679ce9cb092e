// Roadmap timeline: dependency arrows from each initiative to those waiting for it, the ones scheduled
// too early highlighted. The arrows come from the server (#tl-dependencies) and are drawn again whenever
// the timeline is (after a drag or a key press) and when the window is resized.
(() => {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function element(name, attributes) {
    const node = document.createElementNS(SVG, name);
    Object.entries(attributes).forEach(([key, value]) => node.setAttribute(key, value));
    return node;
  }

  function marker(id, className) {
    const head = element("marker", { id, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
    head.appendChild(element("path", { d: "M0,0 L10,5 L0,10 z", class: className }));
    return head;
  }

  function draw() {
    const root = document.querySelector("[data-timeline]");
    const data = document.getElementById("tl-dependencies");
    if (!root || !data) return;
    root.querySelectorAll("svg.tl-arrows").forEach((old) => old.remove());
    const arrows = JSON.parse(data.textContent || "[]");
    if (!arrows.length) return;
    const box = root.getBoundingClientRect();
    const svg = element("svg", { class: "tl-arrows", width: root.scrollWidth, height: root.scrollHeight, "aria-hidden": "true" });
    const defs = element("defs", {});
    defs.appendChild(marker("tl-head", "tl-arrow-head"));
    defs.appendChild(marker("tl-head-conflict", "tl-arrow-head conflict"));
    svg.appendChild(defs);
    const point = (rect, side) => ({
      x: (side === "end" ? rect.right : rect.left) - box.left + root.scrollLeft,
      y: rect.top + rect.height / 2 - box.top + root.scrollTop,
    });
    arrows.forEach((arrow) => {
      const from = root.querySelector(`[data-bar][data-initiative-id="${arrow.from}"]`);
      const to = root.querySelector(`[data-bar][data-initiative-id="${arrow.to}"]`);
      if (!from || !to) return;
      const a = point(from.getBoundingClientRect(), "end");
      const b = point(to.getBoundingClientRect(), "start");
      const bend = Math.max(Math.abs(b.x - a.x) / 2, 24);
      const path = element("path", {
        d: `M${a.x},${a.y} C${a.x + bend},${a.y} ${b.x - bend},${b.y} ${b.x},${b.y}`,
        class: `tl-arrow${arrow.conflict ? " conflict" : ""}`,
        "marker-end": `url(#${arrow.conflict ? "tl-head-conflict" : "tl-head"})`,
        "data-arrow": "",
        "data-from": arrow.from,
        "data-to": arrow.to,
      });
      const title = element("title", {});
      title.textContent = `${arrow.to_title} waits for ${arrow.from_title}${arrow.conflict ? ` (${arrow.reason})` : ""}`;
      path.appendChild(title);
      svg.appendChild(path);
    });
    root.appendChild(svg);
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    schedule();
    // timeline.js replaces the whole region after a save: draw again on the fresh bars.
    new MutationObserver((records) => {
      if (records.some((r) => Array.from(r.addedNodes).some((n) => n.nodeType === 1 && n.matches("[data-timeline-region]")))) {
        schedule();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("resize", schedule);
})();
