// Now / next / later board: drag initiatives within and across columns; keyboard moves too.
(() => {
  "use strict";
  // Live updates moved cards between columns (static/js/live.js): the counts follow, for readers too.
  document.addEventListener("pmhub:live-refreshed", () => refreshCounts());
  const board = document.querySelector("[data-board][data-editable]");
  if (!board) return;
  const urlFor = (id) => board.dataset.moveUrl.replace(/\/0\/move\/$/, `/${id}/move/`);
  const columns = () => Array.from(board.querySelectorAll("[data-horizon]"));

  function refreshCounts() {
    document.querySelectorAll("[data-board] [data-horizon]").forEach((list) => {
      const section = list.closest(".board-col");
      section.querySelector(".count").textContent = list.querySelectorAll("[data-initiative-id]").length;
      const empty = section.querySelector(".empty-col");
      if (empty) empty.hidden = list.children.length > 0;
    });
  }

  async function saveMove(card) {
    const list = card.closest("[data-horizon]");
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
    } catch (error) {
      window.PMHub.toast(`Not moved: ${error.message}`, "error");
      window.setTimeout(() => window.location.reload(), 1200);
    }
    refreshCounts();
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
