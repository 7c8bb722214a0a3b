/* The invoice export form as Opter's Invoice export window: the tabs General / File transfer / Codes, and
   only the fields and the help of the chosen type. Without this script every section is shown, one after
   the other under its heading, laid out by the server for the type the form holds. */
(function () {
  "use strict";

  var TAB_HASH = "#tab-";

  function setupTabs(form) {
    var bar = form.querySelector("[data-export-tabs]");
    if (!bar) {
      return;
    }
    var panels = {};
    form.querySelectorAll("[data-tab-panel]").forEach(function (panel) {
      panels[panel.getAttribute("data-tab-panel")] = panel;
    });
    var tabs = Array.prototype.filter.call(bar.querySelectorAll("[role=tab]"), function (tab) {
      return panels[tab.getAttribute("data-tab")];
    });
    if (!tabs.length) {
      return;
    }

    function select(slug, focus) {
      tabs.forEach(function (tab) {
        var active = tab.getAttribute("data-tab") === slug;
        tab.setAttribute("aria-selected", active ? "true" : "false");
        tab.tabIndex = active ? 0 : -1;
        panels[tab.getAttribute("data-tab")].hidden = !active;
        if (active && focus) {
          tab.focus();
        }
      });
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", TAB_HASH + slug);
      }
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        select(tab.getAttribute("data-tab"), false);
      });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") {
          next = tabs[(index + 1) % tabs.length];
        } else if (event.key === "ArrowLeft") {
          next = tabs[(index - 1 + tabs.length) % tabs.length];
        } else if (event.key === "Home") {
          next = tabs[0];
        } else if (event.key === "End") {
          next = tabs[tabs.length - 1];
        }
        if (next) {
          event.preventDefault();
          select(next.getAttribute("data-tab"), true);
        }
      });
    });

    // The browser's own checks (a malformed URL, say) cannot show their bubble on a hidden tab: open it.
    form.addEventListener("invalid", function (event) {
      var panel = event.target.closest("[data-tab-panel]");
      if (panel && panel.hidden) {
        select(panel.getAttribute("data-tab-panel"), false);
      }
    }, true);

    bar.hidden = false;
    form.classList.add("export-tabs-active");
    var withErrors = tabs.filter(function (tab) { return tab.classList.contains("has-errors"); })[0];
    var fromHash = window.location.hash.indexOf(TAB_HASH) === 0 ? window.location.hash.slice(TAB_HASH.length) : "";
    var first = withErrors ? withErrors.getAttribute("data-tab") : (panels[fromHash] ? fromHash : tabs[0].getAttribute("data-tab"));
    select(first, false);
  }

  function fillHelp(box, help) {
    var inner = box.firstElementChild || box.appendChild(document.createElement("div"));
    while (inner.firstChild) {
      inner.removeChild(inner.firstChild);
    }
    help.paragraphs.forEach(function (text) {
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      inner.appendChild(paragraph);
    });
    if (help.parameters.length) {
      var list = document.createElement("ul");
      list.className = "start-text-parameters";
      help.parameters.forEach(function (row) {
        var item = document.createElement("li");
        var name = document.createElement("code");
        name.textContent = row[0];
        item.appendChild(name);
        if (row[1]) {
          item.appendChild(document.createTextNode(" (" + box.getAttribute("data-default-word") + " " + row[1] + ")"));
        }
        item.appendChild(document.createTextNode(" " + row[2]));
        list.appendChild(item);
      });
      inner.appendChild(list);
    }
    box.hidden = !help.paragraphs.length && !help.parameters.length;
  }

  function setupTypeSwitch(form) {
    var data = document.getElementById("export-type-layouts");
    var typeSelect = form.querySelector("select[name=type]");
    if (!data || !typeSelect) {
      return;  // a read-only page: nothing to switch
    }
    var parsed = JSON.parse(data.textContent);
    var layouts = parsed.types;

    var rendered = parsed.rendered;

    function apply(type) {
      var layout = layouts[type] || layouts[""];
      form.querySelectorAll(".form-row[data-field]").forEach(function (row) {
        var name = row.getAttribute("data-field");
        if (!Object.prototype.hasOwnProperty.call(layout.help, name)) {
          return;
        }
        row.hidden = layout.shown.indexOf(name) === -1;
        row.classList.toggle("type-required", layout.required.indexOf(name) !== -1);
        var box = row.querySelector(".type-help");
        if (box) {
          fillHelp(box, layout.help[name]);
        }
      });
      rendered = type;
    }

    typeSelect.addEventListener("change", function () {
      apply(typeSelect.value);
    });
    // The browser may have restored another type than the one the server laid the page out for; and
    // before a type is chosen the server shows every field, for a page without this script.
    if (typeSelect.value !== rendered || typeSelect.value === "") {
      apply(typeSelect.value);
    }
  }

  function init() {
    var form = document.getElementById("invoiceexport_form");
    if (!form) {
      return;
    }
    setupTypeSwitch(form);
    setupTabs(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
