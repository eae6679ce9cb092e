// Roadmap timeline: drag a bar to reschedule it (or into another lane to change its theme),
// drag its right edge to change its end; with the keyboard, arrows do the same a week at a time.
(() => {
  "use strict";
  const DAY = 86400000;

  const parse = (text) => (text ? new Date(`${text}T00:00:00Z`) : null);
  const iso = (date) => date.toISOString().slice(0, 10);
  const addDays = (date, days) => new Date(date.getTime() + days * DAY);

  function timeline() {
    return document.querySelector("[data-timeline][data-editable]");
  }

  function dayWidth(root) {
    const track = root.querySelector(".tl-track");
    return track.getBoundingClientRect().width / Number(root.dataset.days);
  }

  // After a save, the server renders the timeline again (positions, lanes and dependency warnings).
  async function refresh(focusId) {
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    const html = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = html.querySelector("[data-timeline-region]");
    document.querySelector("[data-timeline-region]").replaceWith(fresh);
    if (focusId) {
      const bar = document.querySelector(`[data-bar][data-initiative-id="${focusId}"]`);
      if (bar) bar.focus();
    }
  }

  async function save(bar, start, end, lane) {
    const fields = { start_date: start ? iso(start) : "", end_date: end ? iso(end) : "", version: bar.dataset.version };
    if (lane !== undefined) fields.theme = lane;
    try {
      await window.PMHub.postJSON(bar.dataset.rescheduleUrl, fields);
      window.PMHub.toast("Timeline saved.");
      window.PMHub.announce(`Now ${iso(start)} to ${end ? iso(end) : "open"}.`);
    } catch (error) {
      window.PMHub.toast(`Not saved: ${error.message}`, "error");
    }
    await refresh(bar.dataset.initiativeId);
  }

  let drag = null;

  document.addEventListener("pointerdown", (event) => {
    const root = timeline();
    const bar = event.target.closest("[data-bar]");
    if (!root || !bar || !root.contains(bar) || event.button !== 0) return;
    event.preventDefault();
    drag = {
      bar,
      root,
      resize: Boolean(event.target.closest("[data-resize]")),
      x: event.clientX,
      y: event.clientY,
      left: bar.offsetLeft,
      width: bar.offsetWidth,
      dayWidth: dayWidth(root),
      moved: false,
    };
    bar.setPointerCapture(event.pointerId);
    bar.classList.add("dragging");
  });

  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) > 3 || Math.abs(dy) > 3) drag.moved = true;
    if (drag.resize) drag.bar.style.width = `${Math.max(drag.width + dx, 8)}px`;
    else drag.bar.style.transform = `translate(${dx}px, ${dy}px)`;
  });

  document.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const { bar, root, resize } = drag;
    const days = Math.round((event.clientX - drag.x) / drag.dayWidth);
    const moved = drag.moved && Number.isFinite(days);
    drag = null;
    bar.classList.remove("dragging");
    if (!moved || !root.isConnected) {
      bar.style.transform = "";
      bar.style.width = "";
      return;
    }
    const start = parse(bar.dataset.start);
    const end = parse(bar.dataset.end);
    if (resize) {
      const base = end || addDays(start, 30);
      save(bar, start, addDays(base, days) < start ? start : addDays(base, days));
      return;
    }
    bar.style.visibility = "hidden";
    const target = document.elementFromPoint(event.clientX, event.clientY);
    bar.style.visibility = "";
    const lane = target && target.closest("[data-lane]");
    const laneKey = lane && root.contains(lane) ? lane.dataset.lane : undefined;
    const current = bar.closest("[data-lane]").dataset.lane;
    save(bar, addDays(start, days), end ? addDays(end, days) : null, laneKey !== current ? laneKey : undefined);
  });

  document.addEventListener("keydown", (event) => {
    const root = timeline();
    const bar = event.target.closest && event.target.closest("[data-bar]");
    if (!root || !bar || !root.contains(bar)) return;
    const start = parse(bar.dataset.start);
    const end = parse(bar.dataset.end);
    const step = event.key === "ArrowLeft" ? -7 : event.key === "ArrowRight" ? 7 : 0;
    if (step) {
      event.preventDefault();
      if (event.shiftKey) {
        const base = end || addDays(start, 30);
        save(bar, start, addDays(base, step) < start ? start : addDays(base, step));
      } else {
        save(bar, addDays(start, step), end ? addDays(end, step) : null);
      }
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      const lanes = Array.from(root.querySelectorAll("[data-lane]"));
      const index = lanes.indexOf(bar.closest("[data-lane]")) + (event.key === "ArrowUp" ? -1 : 1);
      if (index < 0 || index >= lanes.length) return;
      event.preventDefault();
      save(bar, start, end, lanes[index].dataset.lane);
    }
  });
})();
