// The export page's "Select all" box: django-import-export wires it with an inline onchange attribute,
// which the Content Security Policy blocks; the same handler (from the library's own script) is bound here.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof onSelectToggleChange === "function") { onSelectToggleChange(event); }
    });
  });
});
