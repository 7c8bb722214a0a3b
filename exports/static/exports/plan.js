// "Preview (don't send)": when ticked, only the Preview button is offered, as in Opter.
(function () {
  var box = document.getElementById("id_preview");
  var send = document.getElementById("export-and-send");
  var preview = document.getElementById("preview-button");
  if (!box || !send || !preview) { return; }
  function sync() {
    send.style.display = box.checked ? "none" : "";
    preview.style.display = box.checked ? "" : "none";
  }
  box.addEventListener("change", sync);
  sync();
})();
