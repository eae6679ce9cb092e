// The triage inbox: read notes one by one with the keyboard, link passages, mark them processed.
(() => {
  "use strict";
  const root = document.querySelector("[data-triage]");
  if (!root) return;
  const canEdit = root.dataset.canEdit === "1";
  const notes = () => Array.from(root.querySelectorAll("[data-note]"));
  const form = root.querySelector("[data-link-form]");
  const search = form && form.querySelector("#triage-search");
  const results = form && form.querySelector("[data-results]");
  const passage = form && form.querySelector("[name=passage]");
  const importance = form && form.querySelector("[name=importance]");
  const target = form && form.querySelector("[data-target]");
  const targetLabel = form && form.querySelector("[data-target-label]");
  const suggestions = root.querySelector("[data-suggestions]");
  let current = null;
  let searchTimer = null;

  function select(note) {
    if (!note) return;
    notes().forEach((n) => n.classList.toggle("is-current", n === note));
    current = note;
    note.setAttribute("aria-current", "true");
    notes().forEach((n) => { if (n !== note) n.removeAttribute("aria-current"); });
    note.focus({ preventScroll: true });
    note.scrollIntoView({ block: "nearest" });
    if (passage) passage.value = "";
    pick(null, "");
    if (suggestions && note.dataset.suggestUrl && window.htmx) {
      window.htmx.ajax("GET", note.dataset.suggestUrl, { target: suggestions, swap: "innerHTML" });
    }
  }

  function move(step) {
    const all = notes();
    if (!all.length) return;
    const index = current ? all.indexOf(current) : -1;
    select(all[Math.min(Math.max(index + step, 0), all.length - 1)]);
  }

  function pick(value, label) {
    if (!target) return;
    target.value = value || "";
    targetLabel.textContent = value ? `Link to: ${label}` : "";
  }

  function options() {
    return results ? Array.from(results.querySelectorAll("[data-pick-target]")) : [];
  }

  function highlight(step) {
    const all = options();
    if (!all.length) return;
    let index = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
    index = Math.min(Math.max(index + step, 0), all.length - 1);
    all.forEach((o, i) => o.setAttribute("aria-selected", i === index ? "true" : "false"));
    search.setAttribute("aria-activedescendant", all[index].id);
  }

  async function runSearch() {
    const query = search.value.trim();
    const url = `${root.dataset.searchUrl}?q=${encodeURIComponent(query)}`;
    const response = await fetch(url, { credentials: "same-origin" });
    results.innerHTML = await response.text();
    search.setAttribute("aria-expanded", options().length ? "true" : "false");
  }

  async function link() {
    if (!current || !target.value) {
      window.PMHub.toast("Choose an item, initiative or idea first.", "error");
      return;
    }
    try {
      const data = await window.PMHub.postJSON(current.dataset.linkUrl, {
        passage: passage.value, importance: importance.value, target: target.value,
      });
      const linked = current.querySelector("[data-linked]");
      linked.textContent = `${parseInt(linked.textContent, 10) + 1} linked`;
      window.PMHub.toast(`Linked to ${data.target}`);
      search.value = "";
      results.innerHTML = "";
      pick(null, "");
      current.focus();
    } catch (error) {
      const messages = error.data && error.data.errors ? Object.values(error.data.errors).flat().join(" ") : error.message;
      window.PMHub.toast(messages, "error");
    }
  }

  async function setState(state) {
    if (!current) return;
    try {
      await window.PMHub.postJSON(current.dataset.stateUrl, { state });
      current.querySelector("[data-state]").textContent = state === "processed" ? "Processed" : "Archived";
      current.classList.add("is-done");
      const badge = document.querySelector("[data-unprocessed]");
      if (badge) badge.textContent = `${Math.max(parseInt(badge.textContent, 10) - 1, 0)} new`;
      window.PMHub.announce(`Note ${state}.`);
      move(1);
    } catch (error) {
      window.PMHub.toast(error.message, "error");
    }
  }

  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!passage || !current || !selection || selection.isCollapsed) return;
    const text = current.querySelector("[data-note-text]");
    if (text && text.contains(selection.anchorNode)) passage.value = selection.toString().trim().slice(0, 2000);
  });

  root.addEventListener("click", (event) => {
    const option = event.target.closest("[data-pick-target]");
    if (option) {
      pick(option.dataset.pickTarget, option.dataset.label);
      return;
    }
    const note = event.target.closest("[data-note]");
    if (note && note !== current) select(note);
  });

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      link();
    });
    search.addEventListener("input", () => {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(runSearch, 150);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        event.preventDefault();
        const chosen = options().find((o) => o.getAttribute("aria-selected") === "true");
        if (chosen) pick(chosen.dataset.pickTarget, chosen.dataset.label);
        if (target.value) link();
      } else if (event.key === "Escape") {
        search.blur();
        if (current) current.focus();
      }
    });
  }

  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      "/": () => search && search.focus(),
      e: () => canEdit && setState("processed"),
      a: () => canEdit && setState("archived"),
      1: () => importance && (importance.value = "nice"),
      2: () => importance && (importance.value = "important"),
      3: () => importance && (importance.value = "critical"),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  select(notes()[0]);
})();
