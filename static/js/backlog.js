// Backlog: a view (filters apply as you choose them, columns, groups), ranking by drag or keyboard
// inside any view (anchors: the visible neighbours), keyboard-first editing (j/k, e, property
// popovers, ? for the shortcuts), multi-select (click, shift-click, x) and bulk changes in place.
(() => {
  "use strict";
  const P = window.PMHub;
  const table = () => document.querySelector("[data-backlog]");
  const rows = () => Array.from(document.querySelectorAll("[data-backlog] tr[data-item-id]"));
  let choices = {};
  let customProps = {}; // the custom fields a popover edits: {"cf_<key>": {label, kind}}
  let current = null; // the row j/k and the shortcuts act on
  let lastClicked = null; // for shift-click ranges

  function readChoices() {
    const node = table();
    choices = node && node.dataset.choices ? JSON.parse(node.dataset.choices) : {};
    customProps = choices._custom || {};
  }

  // ---- ranking -------------------------------------------------------------------------------
  // Send the moved row's visible neighbour as the anchor: before the next row, or after the previous one.
  async function saveMove(row) {
    const next = row.nextElementSibling && row.nextElementSibling.closest("tr[data-item-id]");
    const previous = row.previousElementSibling && row.previousElementSibling.closest("tr[data-item-id]");
    const fields = next ? { before: next.dataset.itemId } : previous ? { after: previous.dataset.itemId } : null;
    if (!fields) return;
    try {
      await P.postJSON(row.dataset.moveUrl, fields);
      const neighbour = next ? `before ${next.dataset.itemKey}` : `after ${previous.dataset.itemKey}`;
      P.announce(`${row.dataset.itemKey} moved ${neighbour}.`);
      P.toast(`${row.dataset.itemKey} moved ${neighbour} in the backlog's order.`);
    } catch (error) {
      P.toast(`Not moved: ${error.message}`, "error");
      window.setTimeout(() => window.location.reload(), 1200);
    }
  }

  function initSortable() {
    if (!window.Sortable) return;
    document.querySelectorAll("[data-sortable-items]").forEach((body) => {
      if (body.dataset.sortableReady) return;
      body.dataset.sortableReady = "1";
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
    });
  }

  // Home / End send a row to the top or the bottom of the whole backlog (beyond this page).
  async function moveToEnd(row, position) {
    try {
      await P.postJSON(row.dataset.moveUrl, { position });
      const body = row.parentElement;
      if (position === "top") body.insertBefore(row, body.querySelector("tr[data-item-id]"));
      else body.append(row);
      row.querySelector("[data-move-handle]").focus();
      P.announce(`${row.dataset.itemKey} moved to the ${position} of the backlog.`);
      P.toast(`${row.dataset.itemKey} moved to the ${position}.`);
    } catch (error) {
      P.toast(`Not moved: ${error.message}`, "error");
    }
  }

  function handleMoveKeys(event, handle) {
    const row = handle.closest("tr");
    if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      moveToEnd(row, event.key === "Home" ? "top" : "bottom");
      return true;
    }
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return false;
    event.preventDefault();
    const sibling = event.key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling || !sibling.matches("tr[data-item-id]")) return true;
    if (event.key === "ArrowUp") sibling.before(row);
    else sibling.after(row);
    handle.focus();
    saveMove(row);
    return true;
  }

  // ---- the current row and selection -------------------------------------------------------------
  function setCurrent(row, focus = true) {
    if (current) current.classList.remove("is-current");
    current = row;
    if (!row) return;
    row.classList.add("is-current");
    if (focus) {
      const link = row.querySelector("[data-title-link]");
      if (link) link.focus();
    }
  }

  function box(row) {
    return row.querySelector("input[name=ids]");
  }

  function selected() {
    return rows().filter((row) => box(row) && box(row).checked);
  }

  function markSelection() {
    rows().forEach((row) => row.classList.toggle("is-selected", Boolean(box(row) && box(row).checked)));
    refreshBulk();
  }

  const bulk = () => document.querySelector("[data-bulk]");
  function refreshBulk() {
    const form = bulk();
    if (!form) return;
    const count = selected().length;
    form.querySelector("[data-bulk-count]").textContent = count ? `${count} selected` : "No items selected";
    form.querySelector("[data-bulk-submit]").disabled = count === 0;
    form.classList.toggle("active", count > 0);
  }

  // ---- popovers: one property, type-ahead ----------------------------------------------------------
  const PROPS = {
    status: { label: "Status", kind: "choice" },
    story_points: { label: "Points", kind: "number", min: 0, max: 1000 },
    sprint: { label: "Sprint", kind: "choice" },
    owner: { label: "Assignee", kind: "choice" },
    moscow: { label: "MoSCoW", kind: "choice" },
    reach: { label: "RICE reach", kind: "number", min: 0 },
    impact: { label: "RICE impact", kind: "choice" },
    confidence: { label: "RICE confidence (%)", kind: "number", min: 0, max: 100 },
    effort: { label: "RICE effort (person-months)", kind: "number", min: 0.01, step: "0.01" },
  };
  const specOf = (field) => PROPS[field] || customProps[field];
  const KEYS = { s: "status", p: "story_points", i: "sprint", a: "owner", m: "moscow", R: "reach", I: "impact", C: "confidence", F: "effort" };

  function propsUrl(row) {
    const columns = table() ? table().dataset.columns : "";
    return `${row.dataset.propsUrl}?columns=${encodeURIComponent(columns || "")}`;
  }

  async function saveProperty(row, field, value) {
    const body = new URLSearchParams({ field, value, version: row.dataset.version });
    const response = await fetch(propsUrl(row), {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": P.csrfToken(), Accept: "text/html" },
    });
    if (!response.ok) {
      let detail = "Not saved.";
      try {
        detail = (await response.json()).detail || detail;
      } catch (error) {
        /* keep the generic message */
      }
      throw new Error(`${row.dataset.itemKey}: ${detail}`);
    }
    const holder = document.createElement("tbody");
    holder.innerHTML = (await response.text()).trim();
    const fresh = holder.firstElementChild;
    const wasChecked = box(row) && box(row).checked;
    row.replaceWith(fresh);
    if (box(fresh)) box(fresh).checked = wasChecked;
    if (window.htmx) window.htmx.process(fresh);
    return fresh;
  }

  let popover = null;
  function closePopover(focusRow) {
    if (!popover) return;
    popover.remove();
    popover = null;
    if (focusRow) setCurrent(focusRow);
  }

  async function apply(targets, field, value, label) {
    const keyOfCurrent = current && current.dataset.itemId;
    let done = 0;
    for (const row of targets) {
      try {
        const fresh = await saveProperty(row, field, value);
        if (fresh.dataset.itemId === keyOfCurrent) current = fresh;
        done += 1;
      } catch (error) {
        P.toast(error.message, "error");
      }
    }
    markSelection();
    const row = rows().find((r) => r.dataset.itemId === keyOfCurrent) || rows()[0];
    setCurrent(row);
    if (done) {
      const what = targets.length > 1 ? `${done} items` : targets[0].dataset.itemKey;
      const name = specOf(field) ? specOf(field).label : field;
      P.announce(`${name} of ${what} set to ${label}.`);
      P.toast(`${what}: ${name} → ${label}`);
    }
  }

  function openPopover(row, field) {
    if (!row || !row.dataset.propsUrl || !specOf(field)) return;
    closePopover();
    const spec = specOf(field);
    const targets = selected().includes(row) && selected().length > 1 ? selected() : [row];
    const title = targets.length > 1 ? `${spec.label} of ${targets.length} selected items` : `${spec.label} of ${row.dataset.itemKey}`;
    popover = document.createElement("div");
    popover.className = "popover";
    popover.setAttribute("role", "dialog");
    popover.setAttribute("aria-label", title);
    const heading = document.createElement("p");
    heading.className = "popover-title";
    heading.textContent = title;
    popover.appendChild(heading);
    const input = document.createElement("input");
    input.className = "popover-input";
    input.setAttribute("aria-label", title);
    popover.appendChild(input);
    const cell = row.querySelector(`[data-prop="${field}"]`) || row.querySelector(".title-cell");
    const rect = cell.getBoundingClientRect();
    popover.style.setProperty("--top", `${window.scrollY + rect.bottom + 4}px`);
    popover.style.setProperty("--left", `${Math.max(8, Math.min(window.scrollX + rect.left, window.innerWidth - 280))}px`);
    document.body.appendChild(popover);

    if (spec.kind === "number") {
      input.type = "number";
      if (spec.min !== undefined) input.min = spec.min;
      if (spec.max !== undefined) input.max = spec.max;
      input.step = spec.step || "1";
      const hint = document.createElement("p");
      hint.className = "popover-hint";
      hint.textContent = "Enter saves, empty clears, Escape cancels.";
      popover.appendChild(hint);
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          const value = input.value.trim();
          closePopover();
          apply(targets, field, value, value || "none");
        }
      });
    } else {
      const options = (choices[field] || []).map(([value, label]) => ({ value, label: label.replace(/^-+$/, "None") }));
      input.type = "text";
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "true");
      input.placeholder = "Type to filter…";
      const list = document.createElement("ul");
      list.className = "popover-list";
      list.id = `popover-list-${field}`;
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", spec.label);
      input.setAttribute("aria-controls", list.id);
      popover.appendChild(list);
      let active = 0;
      let shown = options;
      const render = () => {
        const text = input.value.trim().toLowerCase();
        shown = options.filter((o) => o.label.toLowerCase().includes(text));
        active = Math.min(active, Math.max(shown.length - 1, 0));
        list.replaceChildren(
          ...shown.map((o, n) => {
            const li = document.createElement("li");
            li.id = `${list.id}-${n}`;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", String(n === active));
            li.textContent = o.label;
            li.addEventListener("mousedown", (event) => {
              event.preventDefault();
              closePopover();
              apply(targets, field, o.value, o.label);
            });
            return li;
          })
        );
        if (shown.length) input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
        else input.removeAttribute("aria-activedescendant");
      };
      input.addEventListener("input", () => {
        active = 0;
        render();
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          active = (active + (event.key === "ArrowDown" ? 1 : -1) + shown.length) % Math.max(shown.length, 1);
          render();
        } else if (event.key === "Enter") {
          event.preventDefault();
          const choice = shown[active];
          if (!choice) return;
          closePopover();
          apply(targets, field, choice.value, choice.label);
        }
      });
      render();
    }
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closePopover(row);
      } else if (event.key === "Tab") {
        closePopover(row);
      }
    });
    input.focus();
  }

  // ---- the title in place -------------------------------------------------------------------------
  function editTitle(row) {
    const link = row && row.querySelector("[data-title-link]");
    if (!link || !row.dataset.propsUrl) return;
    const input = document.createElement("input");
    input.type = "text";
    input.value = link.textContent;
    input.maxLength = 250;
    input.className = "title-input";
    input.setAttribute("aria-label", `Title of ${row.dataset.itemKey}: Enter saves, Escape cancels`);
    link.hidden = true;
    link.after(input);
    input.focus();
    input.select();
    const cancel = () => {
      input.remove();
      link.hidden = false;
      setCurrent(row);
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        cancel();
      } else if (event.key === "Enter") {
        event.preventDefault();
        const value = input.value.trim();
        if (!value || value === link.textContent) {
          cancel();
          return;
        }
        apply([row], "title", value, `“${value}”`);
      }
    });
    input.addEventListener("blur", () => {
      if (input.isConnected) cancel();
    });
  }

  // ---- shortcuts help ---------------------------------------------------------------------------------
  const HELP = [
    ["j / k", "Next / previous item"],
    ["x", "Select or unselect the item (shift-click a box for a range)"],
    ["e", "Edit the title in place (Enter saves, Escape cancels)"],
    ["s · p · i · a · m", "Status · points · sprint · assignee · MoSCoW (of every selected item)"],
    ["Shift + R · I · C · F", "RICE reach · impact · confidence · effort"],
    ["Enter", "Open the item"],
    ["Shift + Tab, then ↑ / ↓", "Move the item among its visible neighbours (Home / End: top / bottom)"],
    ["/", "Search titles; Escape in the filters goes back to the rows"],
    ["Ctrl / ⌘ + K", "Command palette: jump anywhere"],
    ["?", "This list"],
  ];

  function showHelp() {
    let dialog = document.querySelector("[data-shortcuts]");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "shortcuts";
      dialog.setAttribute("data-shortcuts", "");
      dialog.setAttribute("aria-labelledby", "shortcuts-title");
      const h = document.createElement("h2");
      h.id = "shortcuts-title";
      h.textContent = "Keyboard shortcuts";
      const dl = document.createElement("dl");
      HELP.forEach(([keys, what]) => {
        const dt = document.createElement("dt");
        const kbd = document.createElement("kbd");
        kbd.textContent = keys;
        dt.appendChild(kbd);
        const dd = document.createElement("dd");
        dd.textContent = what;
        dl.append(dt, dd);
      });
      const close = document.createElement("button");
      close.className = "btn";
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", () => dialog.close());
      dialog.append(h, dl, close);
      dialog.addEventListener("close", () => setCurrent(current || rows()[0]));
      document.body.appendChild(dialog);
    }
    dialog.showModal();
    dialog.querySelector("button").focus();
  }

  // ---- keys ---------------------------------------------------------------------------------------
  function typing(target) {
    return target.closest("input, select, textarea, [contenteditable], dialog, .popover");
  }

  document.addEventListener("keydown", (event) => {
    if (!table() && event.key !== "?") return;
    const handle = event.target.closest("[data-move-handle]");
    if (handle && handleMoveKeys(event, handle)) return;
    if (event.key === "Escape" && event.target.closest("[data-view-form]")) {
      // Done choosing filters: back to the rows.
      event.preventDefault();
      setCurrent(current && current.isConnected ? current : rows()[0]);
      return;
    }
    if (event.key === "Escape") {
      const form = event.target.closest(".inline-edit");
      const cancel = form && form.querySelector("[data-cancel]");
      if (cancel) cancel.click();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const list = rows();
    const row = event.target.closest("tr[data-item-id]") || current;
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
    } else if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      if (!list.length) return;
      const at = list.indexOf(row);
      const next = at < 0 ? 0 : Math.max(0, Math.min(list.length - 1, at + (event.key === "j" ? 1 : -1)));
      setCurrent(list[next]);
    } else if (event.key === "/") {
      const search = document.querySelector("[data-view-search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    } else if (!row) {
      /* the other keys act on a row */
    } else if (event.key === "x" && box(row)) {
      event.preventDefault();
      box(row).checked = !box(row).checked;
      markSelection();
    } else if (event.key === "e") {
      event.preventDefault();
      editTitle(row);
    } else if (KEYS[event.key]) {
      event.preventDefault();
      setCurrent(row, false);
      openPopover(row, KEYS[event.key]);
    }
  });

  // Rows take focus where people click; a property cell opens its popover.
  document.addEventListener("click", (event) => {
    const checkbox = event.target.closest("input[name=ids][form=bulk-form]");
    if (checkbox) {
      const row = checkbox.closest("tr[data-item-id]");
      if (event.shiftKey && lastClicked && lastClicked !== row) {
        const list = rows();
        const [from, to] = [list.indexOf(lastClicked), list.indexOf(row)].sort((a, b) => a - b);
        list.slice(from, to + 1).forEach((r) => {
          if (box(r)) box(r).checked = checkbox.checked;
        });
      }
      lastClicked = row;
      markSelection();
      return;
    }
    const cell = event.target.closest("tr[data-props-url] td[data-prop]");
    if (cell && !event.target.closest("a, button")) {
      const row = cell.closest("tr");
      setCurrent(row, false);
      openPopover(row, cell.dataset.prop);
      return;
    }
    if (popover && !event.target.closest(".popover")) closePopover();
    const row = event.target.closest("tr[data-item-id]");
    if (row) setCurrent(row, false);
  });

  document.addEventListener("focusin", (event) => {
    const row = event.target.closest && event.target.closest("tr[data-item-id]");
    if (row && row !== current) {
      if (current) current.classList.remove("is-current");
      current = row;
      row.classList.add("is-current");
    }
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=ids][form=bulk-form]").forEach((b) => {
        b.checked = event.target.checked;
      });
    }
    if (event.target.matches("[data-select-all], input[name=ids]")) markSelection();
  });

  // Columns: the checkboxes write the one `columns` parameter before the view form is sent.
  document.addEventListener(
    "change",
    (event) => {
      if (!event.target.matches("[data-column-toggle]")) return;
      const form = event.target.closest("form");
      const chosen = Array.from(form.querySelectorAll("[data-column-toggle]:checked"), (b) => b.value);
      form.querySelector("[data-columns-value]").value = chosen.join(",");
    },
    true
  );

  // Inline edit (the full row form): focus its first field, and back on the row after a save or cancel.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    const first = target.querySelector && target.querySelector(".inline-edit input:not([type=hidden])");
    if (first) first.focus();
    else if (target.matches && target.matches("tr[data-item-id]")) setCurrent(target);
    else if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("tr")) {
      const id = event.detail.elt.closest("tr").dataset.itemId;
      const row = rows().find((r) => r.dataset.itemId === id);
      if (row) setCurrent(row);
    }
  });
  // A new page of results (a filter changed): sortable rows again, selection counted again.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "backlog-results") {
      initSortable();
      current = null;
      readChoices();
      refreshBulk();
    }
  });
  document.addEventListener("htmx:pushedIntoHistory", (event) => {
    const query = new URLSearchParams((event.detail.path || "").split("?")[1] || "");
    query.delete("page");
    const field = document.querySelector("[data-view-query]");
    if (field) field.value = query.toString();
  });

  // Bulk changes without a reload: each selected row through the property endpoint.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-bulk]");
    if (!form) return;
    const targets = selected();
    const sprint = form.querySelector("[name=sprint]");
    const status = form.querySelector("[name=status]");
    const back = form.querySelector("[name=clear_sprint]");
    const release = form.querySelector("[name=release]");
    if (release && release.value) return; // the release is not a row property: the plain form saves it
    const changes = [];
    if (back && back.checked) changes.push(["sprint", "", "the backlog"]);
    else if (sprint && sprint.value) changes.push(["sprint", sprint.value, sprint.selectedOptions[0].textContent]);
    if (status && status.value) changes.push(["status", status.value, status.selectedOptions[0].textContent]);
    if (!changes.length || !targets.every((r) => r.dataset.propsUrl)) return;
    event.preventDefault();
    (async () => {
      for (const [field, value, label] of changes) await apply(selected(), field, value, label);
      form.reset();
      markSelection();
    })();
  });

  document.documentElement.classList.add("js");
  readChoices();
  initSortable();
  refreshBulk();
  // Live updates re-rendered rows (static/js/live.js): the selection count follows.
  document.addEventListener("pmhub:live-refreshed", refreshBulk);
})();
