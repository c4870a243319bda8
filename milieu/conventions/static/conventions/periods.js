// "Ajouter une période": a new row of the periods formset, cloned from its empty form.
(function () {
  "use strict";
  var button = document.getElementById("ajouter-periode");
  var model = document.getElementById("periode-modele");
  var list = document.getElementById("periodes-liste");
  var total = document.getElementById("id_periodes-TOTAL_FORMS");
  var max = document.getElementById("id_periodes-MAX_NUM_FORMS");
  if (!button || !model || !list || !total) { return; }
  function refresh() {
    button.hidden = max && parseInt(total.value, 10) >= parseInt(max.value, 10);
  }
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = model.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = list.querySelector("#id_periodes-" + index + "-start");
    if (first) { first.focus(); }
    refresh();
  });
  refresh();
})();
