// Small progressive enhancements; every page works without them.
document.addEventListener("keydown", (event) => {
  // Escape closes the open workspace/product switcher.
  if (event.key === "Escape") {
    document.querySelectorAll(".switcher details[open]").forEach((d) => d.removeAttribute("open"));
  }
});
