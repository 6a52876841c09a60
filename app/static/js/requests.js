// Aan te leveren stukken: a file chosen with Bladeren, or dropped on an item, is uploaded at
// once. The files go into the item form's own file input and the form is submitted: htmx
// (hx-post on the form) sends it and swaps the item; without htmx it is an ordinary post.
// Without JavaScript, or without DataTransfer (attachments.js sets html.js only with it),
// the plain file input and its button stay in charge. Event delegation: htmx swaps items.
(function () {
  "use strict";
  if (!document.documentElement.classList.contains("js")) { return; }
  var FORM = "form[data-item-upload]";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  // The checks the server makes too, done first so a wrong file is not sent at all.
  function problemWith(form, file) {
    var dot = file.name.lastIndexOf(".");
    var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (form.dataset.extensions.split(",").indexOf(extension) < 0) {
      return fill(form.dataset.refused, {name: file.name});
    }
    if (file.size > Number(form.dataset.maxFile)) {
      return fill(form.dataset.tooLarge, {name: file.name});
    }
    return null;
  }

  function upload(form, files) {
    if (form.classList.contains("uploading")) { return; }
    var errors = form.querySelector("[data-errors]");
    errors.textContent = "";
    var chosen = new DataTransfer();
    Array.prototype.forEach.call(files, function (file) {
      var problem = problemWith(form, file);
      if (problem) {
        var line = document.createElement("li");
        line.textContent = problem;
        errors.appendChild(line);
      } else {
        chosen.items.add(file);
      }
    });
    if (!chosen.files.length) { return; }
    form.elements.files.files = chosen.files;
    form.classList.add("uploading");
    form.querySelector("[data-status]").textContent = form.dataset.uploading;
    form.requestSubmit();
  }

  // A failed request is not swapped (portal.js says why): the item can be tried again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches(FORM) || event.detail.successful) { return; }
    form.classList.remove("uploading");
    form.querySelector("[data-status]").textContent = "";
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-browse]");
    var form = button && button.closest(FORM);
    if (form) { form.querySelector("[data-picker]").click(); }
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest(FORM);
    if (!form || !event.target.matches("[data-picker]")) { return; }
    upload(form, event.target.files);
    event.target.value = "";
  });

  // Drag and drop: onto an item (its zone, or anywhere in it). A file dropped beside every
  // item must not make the browser leave the page to show it.
  function formFor(event) {
    var item = event.target.closest && event.target.closest(".request-item");
    return item && item.querySelector(FORM);
  }
  function zones() {
    return document.querySelectorAll(FORM + " [data-drop-zone]");
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (!zones().length) { return; }
      event.preventDefault();
      var form = formFor(event);
      if (event.dataTransfer) { event.dataTransfer.dropEffect = form ? "copy" : "none"; }
      if (form) { form.querySelector("[data-drop-zone]").classList.add("drag-over"); }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var form = formFor(event);
    var item = form && form.closest(".request-item");
    if (item && !item.contains(event.relatedTarget)) {
      form.querySelector("[data-drop-zone]").classList.remove("drag-over");
    }
  });
  document.addEventListener("drop", function (event) {
    if (!zones().length) { return; }
    event.preventDefault();
    var form = formFor(event);
    Array.prototype.forEach.call(zones(), function (zone) { zone.classList.remove("drag-over"); });
    if (form && event.dataTransfer) { upload(form, event.dataTransfer.files); }
  });
})();
