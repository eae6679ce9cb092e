// Search-as-you-type choice fields (core.forms.SearchSelect): a combobox that asks the server for
// matches as the user types and keeps the chosen id in a hidden input. Keyboard: ↑/↓ move, Enter
// picks, Escape closes; clearing the text clears the choice.
(function () {
  "use strict";

  function setup(root) {
    var input = root.querySelector("[data-search-input]");
    var hidden = root.querySelector("[data-search-value]");
    var list = root.querySelector("[data-search-list]");
    var status = root.querySelector("[data-search-status]");
    var url = root.getAttribute("data-search-url");
    var timer = null;
    var active = -1;
    var request = 0;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, n) { option.setAttribute("aria-selected", n === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function pick(option) {
      hidden.value = option.getAttribute("data-value");
      input.value = option.textContent;
      close();
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result, n) {
        var li = document.createElement("li");
        li.id = list.id + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", result.id);
        li.textContent = result.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(li); });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      status.textContent = results.length ? results.length + " matches" : "No match";
      active = -1;
    }

    function search() {
      var mine = ++request;
      var query = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(input.value.trim());
      fetch(query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (mine === request) { show(body.results || []); } })
        .catch(function () { if (mine === request) { show([]); } });
    }

    input.addEventListener("input", function () {
      if (!input.value.trim()) { hidden.value = ""; }
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("focus", function () { if (!input.value.trim()) { search(); } });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { search(); } else { highlight(active + 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) { event.preventDefault(); pick(options()[active]); }
      else if (event.key === "Escape") { close(); }
    });
  }

  function init() { document.querySelectorAll("[data-search-select]").forEach(setup); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
