// "+ Bijlagen": a dialog to choose files (Bladeren, or drag and drop), list them with a
// cross to drop one, "+ Meer toevoegen", then "Upload [x] bestanden". The chosen files go
// into the message form's own file input, so the server sees one ordinary form post, the
// same as without JavaScript. Event delegation: htmx may swap the form in at any time.
(function () {
  "use strict";
  function supported() {
    try {
      new DataTransfer();
      return typeof HTMLDialogElement === "function" && "showModal" in HTMLDialogElement.prototype;
    } catch (e) {
      return false;
    }
  }
  if (!supported()) { return; }  // the plain file input stays in charge
  document.documentElement.classList.add("js");

  var chosen = new WeakMap();  // dialog -> the files chosen so far
  var openers = new WeakMap();  // dialog -> the button that opened it

  function filesOf(dialog) {
    if (!chosen.has(dialog)) { chosen.set(dialog, []); }
    return chosen.get(dialog);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function sizeText(bytes) {
    var lang = document.documentElement.lang || undefined;
    var format = function (n) { return n.toLocaleString(lang, {maximumFractionDigits: 1}); };
    var mb = bytes / (1024 * 1024);
    return mb >= 1 ? format(mb) + " MB" : format(Math.max(bytes / 1024, 0.1)) + " kB";
  }

  function usedBytes(dialog) {
    var form = dialog.closest("form");
    var list = form && form.querySelector("#attachments");
    return list ? Number(list.dataset.usedBytes || 0) : 0;
  }

  function problemWith(dialog, file, pending) {
    var data = dialog.dataset;
    var dot = file.name.lastIndexOf(".");
    var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (data.extensions.split(",").indexOf(extension) < 0) {
      return fill(data.refused, {name: file.name});
    }
    if (file.size > Number(data.maxFile)) {
      return fill(data.tooLarge, {name: file.name});
    }
    if (usedBytes(dialog) + pending + file.size > Number(data.maxMessage)) {
      return fill(data.noRoom, {name: file.name});
    }
    return null;
  }

  function add(dialog, files) {
    var list = filesOf(dialog);
    var errors = dialog.querySelector("[data-errors]");
    errors.textContent = "";
    Array.prototype.forEach.call(files, function (file) {
      var same = list.some(function (f) {
        return f.name === file.name && f.size === file.size && f.lastModified === file.lastModified;
      });
      if (same) { return; }
      var pending = list.reduce(function (sum, f) { return sum + f.size; }, 0);
      var problem = problemWith(dialog, file, pending);
      if (problem) {
        var item = document.createElement("li");
        item.textContent = problem;
        errors.appendChild(item);
      } else {
        list.push(file);
      }
    });
    render(dialog);
  }

  function render(dialog) {
    var list = filesOf(dialog);
    var selection = dialog.querySelector("[data-selection]");
    selection.textContent = "";
    list.forEach(function (file, index) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name + " (" + sizeText(file.size) + ")";
      var cross = document.createElement("button");
      cross.type = "button";
      cross.className = "remove-file";
      cross.dataset.index = String(index);
      cross.setAttribute("aria-label", fill(dialog.dataset.remove, {name: file.name}));
      cross.textContent = "×";
      item.appendChild(name);
      item.appendChild(cross);
      selection.appendChild(item);
    });
    var upload = dialog.querySelector("[data-upload]");
    upload.disabled = list.length === 0;
    upload.textContent = fill(list.length === 1 ? dialog.dataset.uploadOne
                                                : dialog.dataset.uploadMany, {n: list.length});
    dialog.querySelector("[data-more]").hidden = list.length === 0;
  }

  function reset(dialog) {
    chosen.set(dialog, []);
    dialog.querySelector("[data-errors]").textContent = "";
    render(dialog);
  }

  function open(button) {
    var dialog = document.getElementById(button.dataset.attachOpen);
    if (!dialog || dialog.open) { return; }
    openers.set(dialog, button);
    reset(dialog);
    dialog.showModal();
    dialog.querySelector("[data-browse]").focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) { return; }
    if (target.dataset.attachOpen) {
      open(target);
      return;
    }
    var dialog = target.closest("dialog.attach-dialog");
    if (!dialog) { return; }
    if (target.hasAttribute("data-browse")) {
      dialog.querySelector("[data-picker]").click();
    } else if (target.hasAttribute("data-cancel")) {
      dialog.close();
    } else if (target.classList.contains("remove-file")) {
      filesOf(dialog).splice(Number(target.dataset.index), 1);
      render(dialog);
      var next = dialog.querySelector(".remove-file") || dialog.querySelector("[data-browse]");
      next.focus();
    } else if (target.hasAttribute("data-upload")) {
      // Hand the chosen files to the form's own input; the click then submits the form.
      var transfer = new DataTransfer();
      filesOf(dialog).forEach(function (file) { transfer.items.add(file); });
      dialog.closest("form").elements.files.files = transfer.files;
      dialog.classList.add("uploading");
    }
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches("dialog.attach-dialog [data-picker]")) { return; }
    add(event.target.closest("dialog"), event.target.files);
    event.target.value = "";
  });

  // Drag and drop: onto the drop zone, or anywhere in the dialog (a file dropped beside
  // the zone must not make the browser leave the page to show it).
  function dropZoneOf(event) {
    var dialog = event.target.closest && event.target.closest("dialog.attach-dialog");
    return dialog ? dialog.querySelector("[data-drop-zone]") : null;
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = dropZoneOf(event);
      if (!zone) { return; }
      event.preventDefault();
      if (event.dataTransfer) { event.dataTransfer.dropEffect = "copy"; }
      zone.classList.add("drag-over");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = dropZoneOf(event);
    if (zone && !zone.closest("dialog").contains(event.relatedTarget)) {
      zone.classList.remove("drag-over");
    }
  });
  document.addEventListener("drop", function (event) {
    var zone = dropZoneOf(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("drag-over");
    if (event.dataTransfer) { add(zone.closest("dialog"), event.dataTransfer.files); }
  });

  // Escape (the dialog's own "cancel") and Annuleer both drop the choice; focus goes back.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement) || !dialog.classList.contains("attach-dialog")) {
      return;
    }
    if (!dialog.classList.contains("uploading")) { reset(dialog); }
    var opener = openers.get(dialog);
    if (opener && document.contains(opener)) { opener.focus(); }
  }, true);

  // Tab and Shift+Tab go round inside the open dialog. showModal makes the page behind it
  // inert, but at either end the browser lets the focus out into its own toolbar.
  function stopsIn(dialog) {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("button, [href], input, select, textarea, [tabindex]"),
      function (el) { return !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0; });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab" || !event.target.closest) { return; }
    var dialog = event.target.closest("dialog.attach-dialog[open]");
    var stops = dialog ? stopsIn(dialog) : [];
    if (!stops.length) { return; }
    var first = stops[0], last = stops[stops.length - 1];
    if (event.shiftKey ? event.target === first : event.target === last) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  });

  // After a bin removed a file, keep the keyboard in the list that was swapped in.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "attachments") {
      var list = document.getElementById("attachments");
      if (list) { list.focus(); }
    }
  });
})();
