// Polls the run's JSON status and moves the progress bar without reloading the page.
(function () {
  var root = document.querySelector(".export-run");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var shownStatus = document.getElementById("progress").getAttribute("data-status");
  var since = null;
  // The bar's first width comes from its data attribute: the Content Security Policy forbids style attributes.
  var firstBar = document.getElementById("progress-bar");
  firstBar.style.width = firstBar.getAttribute("data-percent") + "%";

  function text(id, value) { var el = document.getElementById(id); if (el) { el.textContent = value; } }

  function upsertRow(item) {
    var row = document.getElementById("item-" + item.id);
    if (!row) {
      row = document.createElement("tr");
      row.id = "item-" + item.id;
      ["invoice", "customer", "export", "state", "remote-id", "message", "pdf"].forEach(function (name) {
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
    cells[6].innerHTML = "";
    if (item.pdf_url) {
      var link = document.createElement("a");
      link.href = item.pdf_url;
      link.textContent = "PDF";
      cells[6].appendChild(link);
    }
    row.className = "state-" + item.state;
  }

  function render(data) {
    text("count-to-export", data.to_export);
    text("count-exported", data.preview ? data.previewed : data.exported);
    text("count-skipped", data.skipped);
    text("count-failed", data.failed);
    text("status-label", data.status_label);
    text("percent", data.percent);
    text("failure-message", data.failure_message ? "\u00b7 " + data.failure_message : "");
    text("run-note", data.note || "");
    var bar = document.getElementById("progress-bar");
    bar.style.width = data.percent + "%";
    bar.className = "progress-bar status-" + data.status;
    var progress = document.getElementById("progress");
    progress.setAttribute("aria-valuenow", data.percent);
    progress.setAttribute("data-status", data.status);
    document.getElementById("run-status").className = "status-" + data.status;
    data.items.forEach(upsertRow);
  }

  function poll() {
    var query = since ? "?since=" + encodeURIComponent(since) : "";
    var started = new Date(Date.now() - 2000).toISOString();
    fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        render(data);
        since = started;
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
