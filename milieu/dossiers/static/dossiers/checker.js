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

  document.body.addEventListener("htmx:afterSwap", function () {
    var target = document.querySelector("#verificateur [data-focus-after-swap]");
    if (target) {
      target.focus();
    }
  });

  document.body.addEventListener("htmx:responseError", function () {
    window.alert("La vérification n’a pas pu aboutir. Réessayez dans un instant.");
  });
})();
