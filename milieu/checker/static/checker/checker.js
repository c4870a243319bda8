// "Vérifier un dossier": load a sample into the form without reloading, and move the focus
// to what changed after htmx swaps the result in. Without JavaScript, the links and the form
// work as plain requests.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-sample]");
    if (!link) {
      return;
    }
    var data = document.getElementById(link.getAttribute("data-sample"));
    var textarea = document.getElementById("id_dossier");
    if (!data || !textarea) {
      return;
    }
    event.preventDefault();
    textarea.value = JSON.parse(data.textContent);
    var upload = document.getElementById("id_fichier");
    if (upload) {
      upload.value = "";
    }
    textarea.focus();
  });

  // A refusal (413: too large, 429: too many checks) comes with its French explanation: show it
  // in place, and keep what was typed, which the server did not read back.
  var keptText = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 413 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      var textarea = document.getElementById("id_dossier");
      keptText = textarea ? textarea.value : null;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function () {
    var textarea = document.getElementById("id_dossier");
    if (keptText !== null && textarea && !textarea.value) {
      textarea.value = keptText;
    }
    keptText = null;
    var target = document.querySelector("#verificateur [data-focus-after-swap]");
    if (target) {
      target.focus();
    }
  });

  document.body.addEventListener("htmx:responseError", function () {
    window.alert("La vérification n’a pas pu aboutir. Réessayez dans un instant.");
  });
})();
