// The portal's own script: only what htmx does not do. No inline scripts (CSP).
(function () {
  "use strict";
  // htmx 2 does not swap 4xx/5xx answers; show their message instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    var doc = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    var found = doc.querySelector(".error-page p, .error-message, p");
    box.textContent = found ? found.textContent.trim() : event.detail.xhr.statusText;
    box.hidden = false;
  });
  // The request never reached the server: say so in the page's language (set on <body>).
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.textContent = document.body.dataset.networkError || "";
      box.hidden = !box.textContent;
    }
  });
  // After a failed submit, move focus to the error summary so it is read out first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
