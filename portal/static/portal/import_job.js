// Polls a background import's JSON status, moves its progress bar, and reloads the page when the task
// is done (the page then shows the preview, or the outcome).
(function () {
  var root = document.querySelector(".import-job");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var shownStatus = root.getAttribute("data-status");
  var running = ["previewing", "importing"];
  if (running.indexOf(shownStatus) < 0) { return; }

  function render(data) {
    var bar = document.getElementById("import-job-progress");
    bar.max = data.total || 1;
    bar.value = data.done;
    bar.textContent = data.percent + " %";
    var done = document.getElementById("import-job-done");
    if (done) { done.textContent = data.done; }
    document.getElementById("import-job-status-label").textContent = data.status_label;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (data.status !== shownStatus) { window.location.reload(); return; }
        render(data);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
