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

  // ---- forms: error summary links, live announcements of htmx swaps and the counter ----
  // A summary link focuses its field and shows the field's label or legend above it,
  // which the plain jump to the anchor would scroll out of view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var input = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!input) { return; }
    event.preventDefault();
    // A file input that a drop zone stands in for is hidden: its Bladeren takes the focus.
    var zone = input.getClientRects().length ? null : input.closest(".field");
    var browse = zone && zone.querySelector("[data-browse]");
    var group = input.closest("fieldset");
    var caption = (group && group.querySelector("legend")) ||
      document.querySelector("label[for='" + CSS.escape(input.id) + "']") || input;
    caption.scrollIntoView({block: "start"});
    (browse || input).focus({preventScroll: true});
  });

  // Say in words what an htmx swap changed, through the polite region in base.html,
  // without moving focus; an error summary in the new content takes focus instead.
  function announce(text) {
    var box = document.getElementById("live-status");
    if (!box || !text) { return; }
    box.textContent = "";
    // Emptied first and filled a moment later, so the same text twice is read twice.
    window.setTimeout(function () { box.textContent = text; }, 100);
  }
  // An out-of-band swap (a request's status line beside the item swapped in) is no news
  // of its own: the focus and the words go by the swap's own target, which settles later.
  var outOfBand = new WeakSet();
  document.addEventListener("htmx:oobAfterSwap", function (event) { outOfBand.add(event.target); });
  var handled = new WeakSet();
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr, fresh = event.target;
    if (outOfBand.has(fresh)) { return; }
    if (!xhr || handled.has(xhr) || !fresh.isConnected || fresh === document.body) { return; }
    handled.add(xhr);
    var trigger = event.detail.elt;
    if (fresh.id === "body-counter" || (trigger && trigger.getAttribute("hx-swap") === "none")) { return; }
    var summary = fresh.id === "error-summary" ? fresh : fresh.querySelector("#error-summary");
    if (summary) { summary.focus(); return; }
    var active = document.activeElement;
    // A heading with autofocus (a new questionnaire step) is read out already.
    if (active && active !== trigger && fresh.contains(active) && active.hasAttribute("autofocus")) { return; }
    var found = fresh.querySelector("[data-announce], [aria-current='page'], .flash, .step-count, h1, h2, h3");
    var box = document.getElementById("live-status");
    announce(found ? (found.dataset.announce || found.textContent).replace(/\s+/g, " ").trim()
                   : box && box.dataset.updated);
  });

  // The message counter speaks only when the text nears or hits the maximum (at the
  // thresholds in data-thresholds, once per crossing), not after every pause in typing:
  // the count itself is in the textarea's description, read when it gets focus.
  var lastLevel = new WeakMap();
  document.addEventListener("htmx:afterSwap", function (event) {
    var counter = event.target;
    if (counter.id !== "body-counter") { return; }
    var text = counter.querySelector("[data-count]"), polite = document.getElementById("body-counter-status");
    if (!text || !polite) { return; }
    var count = Number(text.dataset.count), maximum = Number(text.dataset.maximum);
    var levels = (polite.dataset.thresholds || "").split(" ").map(Number).concat([maximum]);
    var level = levels.filter(function (n) { return count >= n; }).length;
    var before = lastLevel.get(polite) || 0, alert = document.getElementById("body-counter-alert");
    lastLevel.set(polite, level);
    if (count < maximum && alert) { alert.textContent = ""; }
    if (level <= before) { return; }
    var dialog = document.getElementById("body-limit-dialog");
    if (count >= maximum && dialog && dialog.showModal) {
      // "Maximum bereikt" with its OK, as the manual shows it; it says itself when opened.
      if (!dialog.open) { dialog.showModal(); dialog.querySelector("button").focus(); }
    } else if (count >= maximum && alert) {
      alert.textContent = counter.querySelector(".limit-notice").textContent.replace(/\s+/g, " ").trim();
    } else {
      polite.textContent = text.textContent.trim();
    }
  });
  // A notice dialog closes by its OK (or Escape) and gives the focus back to where the
  // typing was.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-close-dialog]");
    if (button) { button.closest("dialog").close(); }
  });
  document.addEventListener("close", function (event) {
    var back = event.target.dataset && document.getElementById(event.target.dataset.returnFocus || "");
    if (back) { back.focus(); }
  }, true);
  // A Print button prints the page it is on; without JavaScript its form opens a page to
  // print instead (the codes of two-step verification).
  document.addEventListener("click", function (event) {
    if (!(event.target.closest && event.target.closest("[data-print]"))) { return; }
    event.preventDefault();
    window.print();
  });
  // ---- keyboard: where the focus goes after an htmx swap ----
  // A link that swapped itself away (Nieuw bericht, Open, a page link) would leave the
  // focus nowhere, and the next Tab would start again at the top of the page. Elements
  // with an id keep it (htmx itself), [autofocus] takes it (htmx itself); otherwise the
  // new tab panel, or the new content, takes it, so the next Tab goes on from there.
  document.addEventListener("htmx:afterSwap", function (event) {
    var fresh = event.target;
    if (outOfBand.has(fresh)) { return; }
    var active = document.activeElement;
    if ((active && active !== document.body) || !fresh.isConnected || fresh === document.body) { return; }
    if (fresh.querySelector("[autofocus]")) { return; }
    var target = fresh.querySelector(".tab-panel") || fresh;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  });
})();
