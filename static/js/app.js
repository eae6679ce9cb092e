// Small progressive enhancements; every page works without them.
(() => {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // POST form fields and get JSON back; rejects with the server's message on an error status.
  async function postJSON(url, fields) {
    const body = new URLSearchParams();
    Object.entries(fields).forEach(([key, value]) => {
      if (value !== undefined && value !== null) body.append(key, value);
    });
    document.body.classList.add("is-saving");
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      let data = {};
      try {
        data = await response.json();
      } catch (error) {
        data = { detail: "The server did not answer as expected." };
      }
      if (!response.ok) {
        const failure = new Error(data.detail || "Not saved.");
        failure.status = response.status;
        failure.data = data;
        throw failure;
      }
      return data;
    } finally {
      document.body.classList.remove("is-saving");
    }
  }

  // A short message in the corner ("Saved", or what went wrong), also read out by screen readers.
  function toast(message, kind) {
    let box = document.querySelector("[data-toasts]");
    if (!box) {
      box = document.createElement("div");
      box.className = "toasts";
      box.setAttribute("data-toasts", "");
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    const note = document.createElement("p");
    note.className = `toast ${kind || "ok"}`;
    note.textContent = message;
    box.appendChild(note);
    window.setTimeout(() => note.remove(), kind === "error" ? 6000 : 2500);
  }

  function announce(message) {
    const region = document.querySelector("[data-announce]");
    if (region) region.textContent = message;
  }

  window.PMHub = { postJSON, toast, announce, csrfToken };
  document.documentElement.classList.add("js");

  document.addEventListener("keydown", (event) => {
    // Escape closes the open workspace/product switcher.
    if (event.key === "Escape") {
      document.querySelectorAll(".switcher details[open]").forEach((d) => d.removeAttribute("open"));
    }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
    // On a phone the product menu is one button that opens the list of sections.
    const toggle = event.target.closest("[data-subnav-toggle]");
    if (toggle) {
      const open = toggle.closest("[data-subnav]").classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    }
  });

  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-share-url]")) event.target.select();
  });

  // Buttons of plain forms show that they are waiting.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && !event.target.hasAttribute("hx-post")) button.classList.add("is-busy");
  });

  // htmx: a failed request tells the user instead of failing silently.
  document.addEventListener("htmx:responseError", () => toast("That did not work. Reload the page and try again.", "error"));
  document.addEventListener("htmx:sendError", () => toast("The server cannot be reached.", "error"));
})();

// A long multi-select (key results) gets a search box that hides the options which do not match.
(() => {
  document.querySelectorAll("select[data-filterable]").forEach((select) => {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "select-filter";
    input.placeholder = select.dataset.filterable;
    input.setAttribute("aria-label", select.dataset.filterable);
    input.setAttribute("aria-controls", select.id);
    select.before(input);
    input.addEventListener("input", () => {
      const text = input.value.trim().toLowerCase();
      select.querySelectorAll("optgroup").forEach((group) => {
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const match = !text || `${group.label} ${option.textContent}`.toLowerCase().includes(text);
          option.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
  });
})();

// The product navigation marks the section the page belongs to.
(() => {
  const links = Array.from(document.querySelectorAll(".subnav a"));
  // Initiative pages belong to the roadmap section.
  const path = window.location.pathname.replace(/\/initiatives\/.*$/, "/roadmap/");
  let best = null;
  links.forEach((link) => {
    const href = new URL(link.href, window.location.origin).pathname;
    const section = href.replace(/(roadmap|initiatives|items|sprints)\/.*$/, "$1/");
    if (path.startsWith(section) && (!best || section.length > best.section.length)) best = { link, section };
  });
  if (best) best.link.setAttribute("aria-current", "page");
})();

// Templates pass sizes, positions and colours as data-vars="name:value;…"; they become CSS custom
// properties (--name) that the stylesheets use. The Content-Security-Policy forbids inline style
// attributes but not properties set from a script. Only percentages and hex colours are taken.
(() => {
  const VALUE = /^(-?\d+(\.\d+)?(e-?\d+)?%|#[0-9a-f]{3,8})$/i;
  const NAME = /^[a-z][a-z0-9-]*$/;

  function apply(element) {
    (element.getAttribute("data-vars") || "").split(";").forEach((pair) => {
      const colon = pair.indexOf(":");
      const name = pair.slice(0, colon).trim();
      const value = pair.slice(colon + 1).trim();
      if (colon > 0 && NAME.test(name) && VALUE.test(value)) element.style.setProperty(`--${name}`, value);
    });
  }

  function applyWithin(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    if (node.hasAttribute("data-vars")) apply(node);
    node.querySelectorAll("[data-vars]").forEach(apply);
  }

  applyWithin(document.documentElement);
  // Content that arrives later (htmx swaps, the timeline's refresh) gets its values too.
  new MutationObserver((records) => {
    records.forEach((record) => {
      if (record.type === "attributes") apply(record.target);
      else record.addedNodes.forEach(applyWithin);
    });
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-vars"] });
})();
