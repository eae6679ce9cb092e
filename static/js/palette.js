// Command palette: Ctrl/⌘-K anywhere. Jump to any item, product, initiative, objective or key result
// (the search API), or run a command (the sections of the current product, new item, search page).
(() => {
  "use strict";
  const root = document.querySelector("[data-palette-url]");
  if (!root) return;
  let dialog = null;
  let input = null;
  let list = null;
  let entries = [];
  let active = 0;
  let timer = null;
  let opener = null;
  let asked = 0;
  let pending = Promise.resolve();

  function commands() {
    const found = Array.from(document.querySelectorAll("nav.subnav a")).map((a) => ({
      label: "Go to",
      title: a.textContent.trim(),
      url: a.href,
      context: "",
    }));
    const create = document.querySelector("[data-new-item-url]");
    if (create) found.unshift({ label: "New", title: "New backlog item", url: create.dataset.newItemUrl, context: "" });
    found.push({ label: "Search", title: "Open the search page", url: root.dataset.paletteSearchPage, context: "" });
    return found;
  }

  function render() {
    list.replaceChildren(
      ...entries.map((entry, n) => {
        const li = document.createElement("li");
        li.id = `palette-option-${n}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(n === active));
        const label = document.createElement("span");
        label.className = "key";
        label.textContent = entry.label;
        const title = document.createElement("span");
        title.className = "palette-title";
        title.textContent = entry.title;
        const context = document.createElement("span");
        context.className = "muted";
        context.textContent = entry.context;
        li.append(label, " ", title, " ", context);
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          window.location.assign(entry.url);
        });
        return li;
      })
    );
    if (entries.length) input.setAttribute("aria-activedescendant", `palette-option-${active}`);
    else input.removeAttribute("aria-activedescendant");
    status.textContent = entries.length ? `${entries.length} results` : "Nothing found";
  }
  let status = null;

  async function search() {
    const text = input.value.trim();
    const lower = text.toLowerCase();
    const matching = commands().filter((c) => !text || c.title.toLowerCase().includes(lower));
    active = 0;
    if (text.length < 2) {
      entries = matching;
      render();
      return;
    }
    const ticket = ++asked;
    try {
      const params = new URLSearchParams({ q: text, limit: "12" });
      const response = await fetch(`${root.dataset.paletteUrl}?${params}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (ticket !== asked) return; // a newer search is under way
      const data = response.ok ? await response.json() : { results: [] };
      entries = [...data.results, ...matching];
    } catch (error) {
      entries = matching;
    }
    render();
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "palette";
    dialog.setAttribute("aria-label", "Command palette");
    input = document.createElement("input");
    input.type = "search";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "true");
    input.setAttribute("aria-controls", "palette-options");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-label", "Search or run a command");
    input.placeholder = "Search items, products, goals… or type a command";
    input.maxLength = 200;
    list = document.createElement("ul");
    list.id = "palette-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Results");
    status = document.createElement("p");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    const hint = document.createElement("p");
    hint.className = "palette-hint";
    hint.textContent = "↑ ↓ to choose · Enter to open · Esc to close";
    dialog.append(input, list, status, hint);
    document.body.appendChild(dialog);
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        timer = null;
        pending = search();
      }, 120);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!entries.length) return;
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + entries.length) % entries.length;
        render();
      } else if (event.key === "Enter") {
        event.preventDefault();
        // Open what matches what was typed, not what matched a moment before.
        if (timer) {
          window.clearTimeout(timer);
          timer = null;
          pending = search();
        }
        pending.then(() => {
          const entry = entries[active];
          if (entry) window.location.assign(entry.url);
        });
      }
    });
    dialog.addEventListener("close", () => {
      if (opener && opener.isConnected) opener.focus();
    });
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
  }

  function open() {
    if (!dialog) build();
    opener = document.activeElement;
    input.value = "";
    dialog.showModal();
    input.focus();
    pending = search();
  }

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      if (dialog && dialog.open) dialog.close();
      else open();
    }
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-palette-open]")) open();
  });
})();
