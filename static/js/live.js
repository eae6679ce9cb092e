// Live updates: pages that include notifications/_live.html hear of other people's changes within
// about a second and re-render what changed. Server-Sent Events when the server offers a stream
// (ASGI + Redis), polling with ETags otherwise. The page is fetched again and its live regions are
// reconciled row by row (rows move, fields change); a row someone is editing is never replaced:
// it shows a notice instead, and saving it goes through the usual version check.
(() => {
  "use strict";
  const config = document.querySelector("[data-live]");
  if (!config) return;
  const me = Number(config.dataset.liveMe);
  const productId = config.dataset.liveProduct ? Number(config.dataset.liveProduct) : null;
  const scope = config.dataset.liveScope;
  const regionSelectors = (config.dataset.liveRegions || "").split(",").map((s) => s.trim()).filter(Boolean);
  const replaceSelectors = (config.dataset.liveReplace || "").split(",").map((s) => s.trim()).filter(Boolean);
  const interval = Number(config.dataset.liveInterval) || 3000;
  const VERBS = { created: "added", updated: "changed", moved: "moved", deleted: "deleted", checked_in: "checked in", bulk_saved: "changed" };

  let lastId = null;
  let pending = null;
  const changedKeys = new Set();
  const names = new Set();

  // ---- which events concern this page --------------------------------------------------------
  function concerns(message) {
    if (message.event === "inbox") return false;
    if (productId === null) return true; // a workspace page (the dashboard): any change may move a figure
    if (message.product === undefined || message.product === null) return scope.startsWith("dashboard");
    return Number(message.product) === productId;
  }

  function keyOf(message) {
    const kind = message.event.split(".")[0];
    return message.id ? `${kind}-${message.id}` : null;
  }

  function elementKey(el) {
    if (el.id) return el.id;
    if (el.dataset.liveKey) return el.dataset.liveKey;
    if (el.dataset.itemId) return `item-${el.dataset.itemId}`;
    if (el.dataset.initiativeId) return `initiative-${el.dataset.initiativeId}`;
    return null;
  }

  function handle(message) {
    if (message.event === "inbox") {
      if ((message.users || []).includes(me)) document.body.dispatchEvent(new Event("pmhub:inbox"));
      return;
    }
    if (!concerns(message)) return;
    if (message.actor === me) return; // this page (or another of mine) made it and shows it already
    const key = keyOf(message);
    if (key) changedKeys.add(key);
    (message.ids || []).forEach((id) => changedKeys.add(`item-${id}`));
    const verb = VERBS[message.event.split(".").pop()] || "changed";
    const what = message.title ? `“${message.title}”` : message.ids ? `${message.ids.length} items` : "something";
    names.add(`${message.actor_name || "Someone"} ${verb} ${what}`);
    schedule();
  }

  function schedule() {
    if (pending) return;
    pending = window.setTimeout(refresh, 120);
  }

  // ---- re-rendering ----------------------------------------------------------------------------
  function isEditing(el) {
    if (el.classList.contains("editing") || el.querySelector("form.inline-edit")) return true;
    const active = document.activeElement;
    return !!(active && el.contains(active) && active.matches("input, textarea, select, [contenteditable]"));
  }

  function markConflict(el, who) {
    if (el.querySelector("[data-live-conflict]")) return;
    const note = document.createElement("p");
    note.className = "live-conflict";
    note.setAttribute("role", "alert");
    note.dataset.liveConflict = "";
    note.textContent = `${who} changed this meanwhile. Saving will not overwrite it: you will see their values next to yours.`;
    const host = el.querySelector("form") || el.querySelector("td") || el;
    host.prepend(note);
  }

  function adopt(fresh) {
    const node = document.importNode(fresh, true);
    if (window.htmx) window.htmx.process(node);
    return node;
  }

  function reconcile(current, fresh, who) {
    const old = new Map();
    Array.from(current.children).forEach((el) => {
      const key = elementKey(el);
      if (key) old.set(key, el);
    });
    const wanted = [];
    Array.from(fresh.children).forEach((el) => {
      const key = elementKey(el);
      const mine = key ? old.get(key) : null;
      if (mine) old.delete(key);
      if (mine && isEditing(mine)) {
        if (changedKeys.has(key)) markConflict(mine, who);
        wanted.push(mine);
      } else if (mine && mine.outerHTML === el.outerHTML) {
        wanted.push(mine);
      } else {
        const node = adopt(el);
        if (mine || key) node.classList.add("live-changed");
        wanted.push(node);
      }
    });
    old.forEach((el) => {
      if (isEditing(el)) {
        markConflict(el, who);
        wanted.push(el);
      }
    });
    // Put the wanted children in order, moving only those out of place (a focused row keeps its focus).
    let cursor = current.firstElementChild;
    wanted.forEach((el) => {
      if (el === cursor) cursor = cursor.nextElementSibling;
      else current.insertBefore(el, cursor);
    });
    while (cursor) {
      const next = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
  }

  async function refresh() {
    pending = null;
    const who = Array.from(names).join("; ");
    const someone = who.split(" ")[0] || "Someone";
    names.clear();
    let html;
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      html = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      return;
    }
    regionSelectors.forEach((selector) => {
      const mine = document.querySelectorAll(selector);
      const theirs = html.querySelectorAll(selector);
      mine.forEach((region, index) => {
        if (theirs[index]) reconcile(region, theirs[index], someone);
      });
    });
    replaceSelectors.forEach((selector) => {
      const theirs = html.querySelectorAll(selector);
      document.querySelectorAll(selector).forEach((mine, index) => {
        if (!theirs[index]) return;
        if (isEditing(mine)) markConflict(mine, someone);
        else if (mine.outerHTML !== theirs[index].outerHTML) mine.replaceWith(adopt(theirs[index]));
      });
    });
    changedKeys.clear();
    document.dispatchEvent(new CustomEvent("pmhub:live-refreshed"));
    if (who && window.PMHub) window.PMHub.toast(who.length > 160 ? `${who.slice(0, 157)}…` : who);
  }

  function resync() {
    names.add("Someone changed this page");
    schedule();
  }

  // ---- transport -------------------------------------------------------------------------------
  function startStream() {
    const source = new EventSource(config.dataset.liveStream, { withCredentials: true });
    source.addEventListener("change", (event) => {
      try {
        handle(JSON.parse(event.data));
      } catch (error) {
        /* a message this page cannot read is skipped */
      }
    });
    source.addEventListener("resync", resync);
    source.addEventListener("ready", () => document.body.setAttribute("data-live-ready", "sse"));
    source.addEventListener("denied", () => source.close());
    // EventSource reconnects by itself and sends Last-Event-ID; nothing else to do on error.
  }

  let etag = null;
  async function poll() {
    const url = new URL(config.dataset.livePoll, window.location.origin);
    if (lastId) url.searchParams.set("after", lastId);
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(url, { headers, credentials: "same-origin" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        const body = await response.json();
        if (body.resync && lastId) resync();
        (body.events || []).forEach(handle);
        if (body.last) lastId = body.last;
        document.body.setAttribute("data-live-ready", "poll");
      }
    } catch (error) {
      /* offline for a moment: the next poll catches up */
    }
    window.setTimeout(poll, document.hidden ? interval * 4 : interval);
  }

  // ---- presence --------------------------------------------------------------------------------
  const presenceList = document.querySelector("[data-live-presence-list]");
  async function presence(leaving) {
    const body = new URLSearchParams({ scope });
    if (leaving) body.set("leaving", "1");
    const csrf = window.PMHub ? window.PMHub.csrfToken() : "";
    if (leaving) {
      body.set("csrfmiddlewaretoken", csrf);
      navigator.sendBeacon(config.dataset.livePresence, body);
      return;
    }
    try {
      const response = await fetch(config.dataset.livePresence, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
      if (!response.ok || !presenceList) return;
      const others = (await response.json()).others || [];
      presenceList.hidden = others.length === 0;
      presenceList.textContent = others.length ? `Also here: ${others.join(", ")}` : "";
    } catch (error) {
      /* presence is a hint; the next beat tries again */
    }
  }

  if (config.dataset.liveStream && window.EventSource) startStream();
  else poll();
  presence(false);
  window.setInterval(() => presence(false), 10000);
  window.addEventListener("pagehide", () => presence(true));
})();
