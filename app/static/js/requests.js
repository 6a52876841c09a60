// Aan te leveren stukken: a file chosen with Bladeren, or dropped on an item, is uploaded at
// once. The files go into the item form's own file input and the form is submitted: htmx
// (hx-post on the form) sends it and swaps the item; without htmx it is an ordinary post.
// An item form with a data-tus-target (static/js/tus.js loaded) first sends each file as a
// resumable upload with its progress, then the form names them (hidden "tus" fields) with
// its file input empty. Without JavaScript, or without DataTransfer (attachments.js sets
// html.js only with it), the plain file input and its button stay in charge. Event
// delegation: htmx swaps items.
(function () {
  "use strict";
  if (!document.documentElement.classList.contains("js")) { return; }
  var FORM = "form[data-item-upload]";
  var refusals = new Map();  // item id -> {form, problems}: said again in the item swapped in
  var cancels = new WeakMap();  // the cross of a file going up -> its Upload (tus.js)

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
    if (window.Tus && window.Tus.targetOf(form)) {
      resumable(form, Array.prototype.slice.call(chosen.files));
      return;
    }
    form.elements.files.files = chosen.files;
    form.classList.add("uploading");
    form.querySelector("[data-status]").textContent = form.dataset.uploading;
    form.requestSubmit();
  }

  function say(form, problems) {
    var errors = form.querySelector("[data-errors]");
    problems.forEach(function (problem) {
      var line = document.createElement("li");
      line.textContent = problem;
      errors.appendChild(line);
    });
  }

  // Each file goes up in turn, with its bar and a cross to cancel it; then the form names
  // the ones that arrived. The reasons of refused ones are shown in the item swapped in.
  async function resumable(form, files) {
    form.classList.add("uploading");
    var list = form.querySelector("[data-progress]");
    list.textContent = "";
    var lines = files.map(function (file) {
      var line = document.createElement("li"), name = document.createElement("span");
      var view = window.Tus.progress(form, file), cross = document.createElement("button");
      name.className = "file-name";
      name.textContent = file.name;
      cross.type = "button";
      cross.className = "remove-file";
      cross.setAttribute("aria-label", fill(form.dataset.remove, {name: file.name}));
      cross.textContent = "×";
      line.className = "has-progress";
      line.appendChild(name);
      line.appendChild(view.node);
      line.appendChild(cross);
      list.appendChild(line);
      return {file: file, view: view, line: line, cross: cross};
    });
    var tokens = [], problems = [];
    for (var i = 0; i < lines.length; i++) {
      var entry = lines[i];
      if (!entry.line.isConnected) { continue; }  // cancelled before its turn
      var upload = window.Tus.upload(form, entry.file, entry.view);
      cancels.set(entry.cross, upload);
      try {
        tokens.push(await upload.done);
        entry.cross.remove();
      } catch (error) {
        entry.line.remove();
        if (!error.stopped) { problems.push(error.message); }
      }
    }
    if (!tokens.length) {
      form.classList.remove("uploading");
      list.textContent = "";
      say(form, problems);
      return;
    }
    form.elements.files.value = "";
    Array.prototype.forEach.call(form.querySelectorAll("input[name=tus]"), function (old) {
      old.remove();
    });
    tokens.forEach(function (token) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "tus";
      hidden.value = token;
      form.appendChild(hidden);
    });
    if (problems.length) {
      refusals.set(form.closest(".request-item").id, {form: form, problems: problems});
    }
    form.querySelector("[data-status]").textContent = form.dataset.uploading;
    form.requestSubmit();
  }

  // A file's cross cancels its upload, or takes it off the list while it waits its turn;
  // the keyboard goes on from Bladeren.
  document.addEventListener("click", function (event) {
    var cross = event.target.closest &&
      event.target.closest(FORM + " [data-progress] .remove-file");
    if (!cross) { return; }
    var browse = cross.closest(FORM).querySelector("[data-browse]");
    if (cancels.has(cross)) {
      cancels.get(cross).abort();
    } else {
      cross.closest("li").remove();
    }
    browse.focus();
  });

  // The item swapped in says which files were refused on the way.
  document.addEventListener("htmx:afterSettle", function () {
    refusals.forEach(function (refusal, id) {
      var item = document.getElementById(id);
      var form = item && item.querySelector(FORM);
      if (item && form !== refusal.form) {
        refusals.delete(id);
        if (form) { say(form, refusal.problems); }
      }
    });
  });

  // A failed request is not swapped (portal.js says why): the item can be tried again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches(FORM) || event.detail.successful) { return; }
    form.classList.remove("uploading");
    form.querySelector("[data-status]").textContent = "";
    var list = form.querySelector("[data-progress]");
    if (list) { list.textContent = ""; }
    var refusal = refusals.get(form.closest(".request-item").id);
    if (refusal && refusal.form === form) {
      refusals.delete(form.closest(".request-item").id);
      say(form, refusal.problems);
    }
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
