// The language switcher submits as soon as a language is picked; without JavaScript its button does it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("language-form");
  var select = document.getElementById("language-select");
  if (!form || !select) { return; }
  select.addEventListener("change", function () { form.submit(); });
});
