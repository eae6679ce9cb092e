// Comments: @mention suggestions among the workspace's members (keyboard and pointer), and
// confirmation before actions that cannot be undone (forms with data-confirm).
(() => {
  "use strict";

  const MENTION = /(^|[^\w@/.])@([\w.+-]{0,150})$/;
  let active = null; // {textarea, list, items, index, start}
  let lastQuery = 0;

  function close() {
    if (!active) return;
    active.list.hidden = true;
    active.list.replaceChildren();
    active.textarea.removeAttribute("aria-activedescendant");
    active = null;
  }

  function highlight(index) {
    if (!active || !active.items.length) return;
    active.index = (index + active.items.length) % active.items.length;
    active.items.forEach((item, i) => item.setAttribute("aria-selected", i === active.index ? "true" : "false"));
    active.textarea.setAttribute("aria-activedescendant", active.items[active.index].id);
  }

  function choose(index) {
    if (!active) return;
    const item = active.items[index];
    const { textarea, start } = active;
    const caret = textarea.selectionStart;
    const name = item.dataset.username;
    textarea.value = `${textarea.value.slice(0, start)}@${name} ${textarea.value.slice(caret)}`;
    const position = start + name.length + 2;
    textarea.setSelectionRange(position, position);
    close();
    textarea.focus();
  }

  async function suggest(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = MENTION.exec(before);
    if (!match) {
      close();
      return;
    }
    const prefix = match[2];
    const start = before.length - prefix.length - 1;
    const ticket = ++lastQuery;
    let results = [];
    try {
      const url = `${textarea.dataset.mentions}?q=${encodeURIComponent(prefix)}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      results = (await response.json()).results || [];
    } catch (error) {
      return; // suggestions are a convenience: typing the name works without them
    }
    if (ticket !== lastQuery) return;
    const list = document.getElementById(textarea.getAttribute("aria-controls"));
    if (!list || !results.length) {
      close();
      return;
    }
    list.replaceChildren();
    const items = results.map((person, i) => {
      const item = document.createElement("li");
      item.id = `${list.id}-${i}`;
      item.setAttribute("role", "option");
      item.dataset.username = person.username;
      item.textContent = person.name ? `${person.username} · ${person.name}` : person.username;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(i);
      });
      list.appendChild(item);
      return item;
    });
    active = { textarea, list, items, index: 0, start };
    list.hidden = false;
    // a textarea takes no aria-expanded: the list is tied to it by aria-controls and aria-activedescendant
    highlight(0);
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (textarea instanceof HTMLTextAreaElement && textarea.dataset.mentions) suggest(textarea);
  });

  document.addEventListener("keydown", (event) => {
    if (!active || event.target !== active.textarea) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active.index + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active.index - 1);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(active.index);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  document.addEventListener("focusout", (event) => {
    if (active && event.target === active.textarea) window.setTimeout(close, 150);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
