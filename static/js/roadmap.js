// Now / next / later board: drag initiatives within and across columns; keyboard moves too.
// Each column shows its first cards and its count; "Show more" (a link, enhanced by htmx) appends
// the next ones. Moves send anchors (the neighbouring cards), so they work in a column shown in part.
(() => {
  "use strict";
  // Live updates re-rendered the columns (static/js/live.js): the empty-column hints follow.
  document.addEventListener("pmhub:live-refreshed", () => refreshEmpty());

  // "Show more" appended a page of cards: focus the first new one and say how many are shown.
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = event.target;
    if (!list.matches || !list.matches(".board-list")) return;
    const first = list.querySelector("[data-page-first]");
    if (!first) return;
    first.removeAttribute("data-page-first");
    const target = first.querySelector(".init-title");
    if (target) target.focus();
    const section = list.closest(".board-col");
    const cards = list.querySelectorAll("[data-initiative-id]");
    const shown = cards.length;
    // The address says how far the column is shown, so a reload or a live update keeps these cards.
    const horizon = list.id.replace(/^list-/, "");
    const url = new URL(window.location.href);
    if (!url.searchParams.has(`${horizon}_after`) && cards.length) {
      url.searchParams.set(`${horizon}_through`, cards[cards.length - 1].dataset.cursor);
      window.history.replaceState(window.history.state, "", url);
    }
    const total = section.querySelector("[data-col-count]").textContent.trim();
    const label = section.querySelector("h2").firstChild.textContent.trim();
    if (window.PMHub) window.PMHub.announce(`${label}: ${shown} of ${total} shown.`);
  });

  function refreshEmpty() {
    document.querySelectorAll("[data-board] .board-list").forEach((list) => {
      const empty = list.closest(".board-col").querySelector(".empty-col");
      if (empty) empty.hidden = list.children.length > 0;
    });
  }

  const board = document.querySelector("[data-board][data-editable]");
  if (!board) return;
  const urlFor = (id) => board.dataset.moveUrl.replace(/\/0\/move\/$/, `/${id}/move/`);
  const columns = () => Array.from(board.querySelectorAll("[data-horizon]"));

  // A card moved to another column: the columns' counts (of every card, shown or not) follow.
  function recount(card, from, to) {
    if (from === to) return;
    const count = (horizon) => board.querySelector(`[data-col-count="${horizon}"]`);
    [[from, -1], [to, 1]].forEach(([horizon, delta]) => {
      const el = count(horizon);
      if (!el) return;
      const value = Math.max(Number(el.textContent) + delta, 0);
      el.textContent = value;
      el.setAttribute("aria-label", `${value} initiative${value === 1 ? "" : "s"}`);
    });
    card.dataset.column = to;
  }

  async function saveMove(card) {
    const list = card.closest("[data-horizon]");
    const from = card.dataset.column;
    const next = card.nextElementSibling;
    const previous = card.previousElementSibling;
    const fields = { horizon: list.dataset.horizon };
    if (next) fields.before = next.dataset.initiativeId;
    else if (previous) fields.after = previous.dataset.initiativeId;
    else fields.position = "top";
    try {
      await window.PMHub.postJSON(urlFor(card.dataset.initiativeId), fields);
      const label = list.closest(".board-col").querySelector("h2").firstChild.textContent.trim();
      window.PMHub.announce(`“${card.dataset.title}” moved to ${label}, position ${Array.from(list.children).indexOf(card) + 1}.`);
      window.PMHub.toast("Roadmap saved.");
      recount(card, from, list.dataset.horizon);
    } catch (error) {
      window.PMHub.toast(`Not moved: ${error.message}`, "error");
      window.setTimeout(() => window.location.reload(), 1200);
    }
    refreshEmpty();
  }

  if (window.Sortable) {
    columns().forEach((list) => {
      window.Sortable.create(list, {
        group: "roadmap",
        handle: "[data-move-handle]",
        draggable: "[data-initiative-id]",
        animation: 120,
      forceFallback: true,
        ghostClass: "drag-ghost",
        onEnd(event) {
          if (event.from !== event.to || event.oldIndex !== event.newIndex) saveMove(event.item);
        },
      });
    });
  }

  document.addEventListener("keydown", (event) => {
    const handle = event.target.closest("[data-move-handle]");
    if (!handle || !board.contains(handle)) return;
    const card = handle.closest("[data-initiative-id]");
    const list = card.parentElement;
    const all = columns();
    const index = all.indexOf(list);
    if (event.key === "ArrowUp" && card.previousElementSibling) card.previousElementSibling.before(card);
    else if (event.key === "ArrowDown" && card.nextElementSibling) card.nextElementSibling.after(card);
    else if (event.key === "ArrowLeft" && index > 0) all[index - 1].prepend(card);
    else if (event.key === "ArrowRight" && index < all.length - 1) all[index + 1].prepend(card);
    else return;
    event.preventDefault();
    handle.focus();
    saveMove(card);
  });
})();
