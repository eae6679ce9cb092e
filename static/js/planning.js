// Sprint planning: drag items between the backlog and the sprint; the capacity bar follows.
(() => {
  "use strict";
  // Live updates moved cards (static/js/live.js): the counts follow, for readers too.
  document.addEventListener("pmhub:live-refreshed", () => refreshCounts());
  const board = document.querySelector("[data-plan]");
  if (!board || !window.Sortable) return;
  const canPlan = board.querySelector(".plan-move") !== null;
  if (!canPlan) return;

  function refreshCounts() {
    document.querySelectorAll("[data-plan] [data-plan-list]").forEach((list) => {
      list.closest(".plan-col").querySelector(".count").textContent = list.querySelectorAll("[data-item-id]").length;
      list.querySelectorAll(".empty-card").forEach((empty) => {
        empty.hidden = list.querySelectorAll("[data-item-id]").length > 0;
      });
    });
  }

  async function save(card) {
    const list = card.closest("[data-plan-list]");
    const next = card.nextElementSibling && card.nextElementSibling.closest("[data-item-id]");
    const previous = card.previousElementSibling && card.previousElementSibling.closest("[data-item-id]");
    const fields = { item: card.dataset.itemId, target: list.dataset.planList };
    if (next) fields.before = next.dataset.itemId;
    else if (previous) fields.after = previous.dataset.itemId;
    try {
      const data = await window.PMHub.postJSON(board.dataset.planUrl, fields);
      document.querySelectorAll("[data-capacity]").forEach((box) => {
        box.outerHTML = data.capacity_html;
      });
      const where = list.dataset.planList === "sprint" ? "the sprint" : "the backlog";
      window.PMHub.announce(`${card.dataset.itemKey} moved to ${where}.`);
      window.PMHub.toast(`${card.dataset.itemKey} moved to ${where}.`);
      // The fallback button of the card now points the other way.
      const form = card.querySelector(".plan-move");
      if (form) {
        const inSprint = list.dataset.planList === "sprint";
        form.querySelector("input[name=target]").value = inSprint ? "backlog" : "sprint";
        const button = form.querySelector("button");
        button.textContent = inSprint ? "← Remove" : "Add →";
        button.setAttribute("aria-label", inSprint ? `Move ${card.dataset.itemKey} back to the backlog` : `Add ${card.dataset.itemKey} to the sprint`);
      }
    } catch (error) {
      window.PMHub.toast(`Not planned: ${error.message}`, "error");
      window.setTimeout(() => window.location.reload(), 1200);
    }
    refreshCounts();
  }

  board.querySelectorAll("[data-plan-list]").forEach((list) => {
    window.Sortable.create(list, {
      group: "plan",
      draggable: "[data-item-id]",
      filter: "a, button, input",
      preventOnFilter: false,
      animation: 120,
      forceFallback: true,
      ghostClass: "drag-ghost",
      onEnd(event) {
        if (event.from !== event.to || event.oldIndex !== event.newIndex) save(event.item);
      },
    });
  });
})();
