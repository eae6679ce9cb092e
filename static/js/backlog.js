// Backlog: drag-and-drop and keyboard reordering through the move endpoint, inline edit keys,
// multi-select for bulk actions.
(() => {
  "use strict";
  const body = document.querySelector("[data-sortable-items]");

  function rows() {
    return Array.from(document.querySelectorAll("[data-backlog] tbody > tr[data-item-id]"));
  }

  // Send the moved row's neighbour as the anchor: before the next row, or after the previous one.
  async function saveMove(row) {
    const next = row.nextElementSibling && row.nextElementSibling.closest("tr[data-item-id]");
    const previous = row.previousElementSibling && row.previousElementSibling.closest("tr[data-item-id]");
    const fields = next ? { before: next.dataset.itemId } : previous ? { after: previous.dataset.itemId } : null;
    if (!fields) return;
    try {
      await window.PMHub.postJSON(row.dataset.moveUrl, fields);
      const position = rows().indexOf(row) + 1;
      window.PMHub.announce(`${row.dataset.itemKey} moved to position ${position}.`);
      window.PMHub.toast(`${row.dataset.itemKey} moved.`);
    } catch (error) {
      window.PMHub.toast(`Not moved: ${error.message}`, "error");
      window.setTimeout(() => window.location.reload(), 1200);
    }
  }

  if (body && window.Sortable) {
    window.Sortable.create(body, {
      handle: "[data-move-handle]",
      draggable: "tr[data-item-id]",
      animation: 120,
      forceFallback: true,
      ghostClass: "drag-ghost",
      onEnd(event) {
        if (event.oldIndex !== event.newIndex) saveMove(event.item);
      },
    });
  }

  // Home / End send a row to the top or the bottom of the whole backlog (beyond this page).
  async function moveToEnd(row, position) {
    try {
      await window.PMHub.postJSON(row.dataset.moveUrl, { position });
      if (position === "top") body.prepend(row);
      else body.append(row);
      row.querySelector("[data-move-handle]").focus();
      window.PMHub.announce(`${row.dataset.itemKey} moved to the ${position} of the backlog.`);
      window.PMHub.toast(`${row.dataset.itemKey} moved to the ${position}.`);
    } catch (error) {
      window.PMHub.toast(`Not moved: ${error.message}`, "error");
    }
  }

  // Keyboard: focus a row's handle and press Arrow Up / Arrow Down to move it one place.
  document.addEventListener("keydown", (event) => {
    const handle = event.target.closest("[data-move-handle]");
    if (!handle || !body) return;
    if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      moveToEnd(handle.closest("tr"), event.key === "Home" ? "top" : "bottom");
      return;
    }
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const row = handle.closest("tr");
    const sibling = event.key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling || !sibling.matches("tr[data-item-id]")) return;
    if (event.key === "ArrowUp") sibling.before(row);
    else sibling.after(row);
    handle.focus();
    saveMove(row);
  });

  // Inline edit: Escape cancels.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const form = event.target.closest(".inline-edit");
    const cancel = form && form.querySelector("[data-cancel]");
    if (cancel) cancel.click();
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const first = event.detail.target.querySelector && event.detail.target.querySelector(".inline-edit input:not([type=hidden])");
    if (first) first.focus();
  });

  // Multi-select for bulk actions.
  const bulk = document.querySelector("[data-bulk]");
  function refreshBulk() {
    if (!bulk) return;
    const count = document.querySelectorAll("input[name=ids][form=bulk-form]:checked").length;
    bulk.querySelector("[data-bulk-count]").textContent = count ? `${count} selected` : "No items selected";
    bulk.querySelector("[data-bulk-submit]").disabled = count === 0;
    bulk.classList.toggle("active", count > 0);
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=ids][form=bulk-form]").forEach((box) => {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches("[data-select-all], input[name=ids]")) refreshBulk();
  });
  refreshBulk();
  // Live updates re-rendered rows (static/js/live.js): the selection count follows.
  document.addEventListener("pmhub:live-refreshed", refreshBulk);
})();
