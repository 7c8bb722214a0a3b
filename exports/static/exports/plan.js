// The Export invoices page: choosing another export shows its plan at once (a GET of the same page, so
// without JavaScript the "Show the plan" button does the same); with "Preview (don't send)" ticked only
// the Preview button is offered, as in Opter.
(function () {
  var planForm = document.getElementById("plan-form");
  var choice = document.getElementById("id_export");
  var show = document.getElementById("show-plan");
  if (planForm && choice) {
    if (show) { show.hidden = true; }
    choice.addEventListener("change", function () { planForm.submit(); });
  }

  var box = document.getElementById("id_preview");
  var send = document.getElementById("export-and-send");
  var preview = document.getElementById("preview-button");
  if (!box || !send || !preview) { return; }
  function sync() {
    send.hidden = box.checked;
    // While Export and send is blocked, Preview stays in sight (when the target allows one).
    preview.hidden = !box.checked && !send.disabled;
  }
  box.addEventListener("change", sync);
  sync();
})();
