// Polls the run's JSON status and moves the progress bar without reloading the page.
(function () {
  var root = document.querySelector(".export-run");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var shownStatus = document.getElementById("progress").getAttribute("data-status");
  // Rows changed after the page was rendered are asked for; only the rows of this page are shown.
  var since = root.getAttribute("data-rendered-at") || null;
  var rowsPerPage = parseInt(root.getAttribute("data-rows-per-page") || "200", 10);
  var lastPage = root.getAttribute("data-last-page") !== "no";
  var afterId = null;
  // The row filter shown (?show=failed ...): rows of other states stay out of the table.
  var shownStates = (root.getAttribute("data-show-states") || "").split(" ").filter(Boolean);

  function inFilter(item) { return !shownStates.length || shownStates.indexOf(item.state) !== -1; }
  // The bar's first width comes from its data attribute: the Content Security Policy forbids style attributes.
  var firstBar = document.getElementById("progress-bar");
  firstBar.style.width = firstBar.getAttribute("data-percent") + "%";

  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }

  function upsertRow(item) {
    var row = document.getElementById("item-" + item.id);
    if (!inFilter(item)) {
      if (row) { row.parentNode.removeChild(row); }
      return;
    }
    if (!row) {
      // A row that enters this filter joins the table only on its last page, while that page has room.
      if (!lastPage || document.querySelectorAll("#results tbody tr[id]").length >= rowsPerPage) { return; }
      var empty = document.querySelector("#results tr.no-rows");
      if (empty) { empty.parentNode.removeChild(empty); }
      row = document.createElement("tr");
      row.id = "item-" + item.id;
      ["invoice", "customer", "export", "state", "remote-id", "message", "payload", "pdf"].forEach(function (name) {
        var cell = document.createElement("td");
        cell.className = name;
        row.appendChild(cell);
      });
      document.querySelector("#results tbody").appendChild(row);
    }
    var cells = row.children;
    cells[0].textContent = item.invoice;
    cells[1].textContent = item.customer;
    cells[2].textContent = item.export;
    cells[3].textContent = item.state_label;
    cells[4].textContent = item.remote_id;
    cells[5].textContent = item.message;
    setLink(cells[6], item.payload_url, item.payload_label);
    setLink(cells[7], item.pdf_url, "PDF");
    row.className = "state-" + item.state;
  }

  function setLink(cell, url, label) {
    cell.textContent = "";
    if (!url) { return; }
    var link = document.createElement("a");
    link.href = url;
    link.textContent = label;
    cell.appendChild(link);
  }

  function render(data) {
    text("count-to-export", data.to_export);
    text("count-exported", data.preview ? data.previewed : data.exported);
    text("count-skipped", data.skipped);
    text("count-failed", data.failed);
    text("status-label", data.status_label);
    text("percent", data.percent);
    text("failure-message", data.reason ? "\u00b7 " + data.reason : "");
    text("run-note", data.note || "");
    var bar = document.getElementById("progress-bar");
    bar.style.width = data.percent + "%";
    bar.className = "progress-bar status-" + data.status;
    var progress = document.getElementById("progress");
    progress.setAttribute("aria-valuenow", data.percent);
    progress.setAttribute("data-status", data.status);
    document.getElementById("run-status").className = "status-" + data.outcome;
    root.setAttribute("data-outcome", data.outcome);
    Object.keys(data.filters || {}).forEach(function (key) {
      var count = document.querySelector("#filter-" + key + " .filter-count");
      if (count) { count.textContent = data.filters[key]; }
    });
    data.items.forEach(upsertRow);
  }

  function poll() {
    var query = since ? "?since=" + encodeURIComponent(since) + (afterId ? "&after=" + afterId : "") : "";
    var started = new Date(Date.now() - 2000).toISOString();
    fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        render(data);
        // A full page of changes: read on from the last change received, at once.
        var burst = since && data.items.length >= rowsPerPage;
        var last = data.items[data.items.length - 1];
        since = burst ? last.updated_at : started;
        afterId = burst ? last.id : null;
        if (burst) { window.setTimeout(poll, 0); return; }
        if (data.finished || data.status === "stalled" || data.status === "stopped") {
          // The buttons that apply now (Retry failed, Resume) come with the page for that status.
          if (data.status !== shownStatus) { window.location.reload(); }
          return;
        }
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
