// Choosing files for a form, on both sides. A picker is one of two kinds:
// - a client's "+ Bijlagen" dialog: choose files (Bladeren, or drag and drop), list them with
//   a cross to drop one, "+ Meer toevoegen", then "Upload [x] bestanden";
// - a staff member's upload zone: drop many files at once (or Bladeren); each is listed with
//   a cross and, when publishing, a title to change;
// - a questionnaire's file question: the same zone for one file (data-single): a new file
//   replaces the chosen one.
// The chosen files go into the form's own file input, so the server sees one ordinary form
// post, the same as without JavaScript. A picker with a data-tus-target (on a page that loads
// static/js/tus.js) sends its files first as resumable uploads, each with its progress, and
// the form then names them (hidden "tus" fields) with its file input empty.
// Event delegation: htmx may swap a form in at any time.
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

  var PICKER = "dialog.attach-dialog, [data-upload-zone]";
  var chosen = new WeakMap();  // picker -> [{file, title, upload, token}] chosen so far
  var openers = new WeakMap();  // dialog -> the button that opened it
  var runs = new WeakMap();  // picker -> {cancelled} while its resumable uploads go up

  function itemsOf(picker) {
    if (!chosen.has(picker)) { chosen.set(picker, []); }
    return chosen.get(picker);
  }

  // The target of the picker's resumable uploads (static/js/tus.js), or null.
  function resumable(picker) {
    return window.Tus ? window.Tus.targetOf(picker) : null;
  }

  function isDialog(picker) {
    return picker instanceof HTMLDialogElement;
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

  function stem(name) {
    var dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(0, dot) : name;
  }

  // What a draft holds already counts towards the room of one message.
  function usedBytes(picker) {
    var form = picker.closest("form");
    var list = form && form.querySelector("#attachments");
    return list ? Number(list.dataset.usedBytes || 0) : 0;
  }

  function problemWith(picker, file, pending) {
    var data = picker.dataset;
    var dot = file.name.lastIndexOf(".");
    var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (data.extensions.split(",").indexOf(extension) < 0) {
      return fill(data.refused, {name: file.name});
    }
    if (file.size > Number(data.maxFile)) {
      return fill(data.tooLarge, {name: file.name});
    }
    if (usedBytes(picker) + pending + file.size > Number(data.maxTotal)) {
      return fill(data.noRoom, {name: file.name});
    }
    return null;
  }

  function add(picker, files) {
    var items = itemsOf(picker);
    var single = picker.hasAttribute("data-single");
    if (single) { files = Array.prototype.slice.call(files, -1); }
    var errors = picker.querySelector("[data-errors]");
    errors.textContent = "";
    Array.prototype.forEach.call(files, function (file) {
      var same = items.some(function (item) {
        var f = item.file;
        return f.name === file.name && f.size === file.size && f.lastModified === file.lastModified;
      });
      if (same) { return; }
      var pending = items.reduce(function (sum, item) { return sum + item.file.size; }, 0);
      var problem = problemWith(picker, file, pending);
      if (problem) {
        var line = document.createElement("li");
        line.textContent = problem;
        errors.appendChild(line);
      } else {
        if (single) { items.length = 0; }
        items.push({file: file, title: stem(file.name)});
      }
    });
    render(picker);
  }

  // The form's own input gets exactly the listed files, in the listed order.
  function sync(picker) {
    var input = picker.closest("form").elements[picker.dataset.input || "files"];
    var transfer = new DataTransfer();
    itemsOf(picker).forEach(function (item) { transfer.items.add(item.file); });
    input.files = transfer.files;
  }

  function render(picker) {
    var items = itemsOf(picker);
    var selection = picker.querySelector("[data-selection]");
    selection.textContent = "";
    items.forEach(function (item, index) {
      var line = document.createElement("li");
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = item.file.name + " (" + sizeText(item.file.size) + ")";
      line.appendChild(name);
      if (item.view) {  // its progress, kept when the list is drawn again
        line.classList.add("has-progress");
        line.appendChild(item.view.node);
      }
      if (picker.dataset.titles) {
        var title = document.createElement("input");
        title.type = "text";
        title.name = picker.dataset.titles;
        title.value = item.title;
        title.maxLength = 255;
        title.dataset.index = String(index);
        title.setAttribute("aria-label", fill(picker.dataset.titleLabel, {name: item.file.name}));
        line.appendChild(title);
      }
      var cross = document.createElement("button");
      cross.type = "button";
      cross.className = "remove-file";
      cross.dataset.index = String(index);
      cross.setAttribute("aria-label", fill(picker.dataset.remove, {name: item.file.name}));
      cross.textContent = "×";
      line.appendChild(cross);
      selection.appendChild(line);
    });
    if (!isDialog(picker)) {  // a zone's files go with the form as they are listed
      var hint = picker.querySelector("[data-title-hint]");
      if (hint) { hint.hidden = items.length === 0; }
      sync(picker);
      return;
    }
    var upload = picker.querySelector("[data-upload]");
    upload.disabled = items.length === 0;
    upload.textContent = fill(items.length === 1 ? picker.dataset.uploadOne
                                                 : picker.dataset.uploadMany, {n: items.length});
    picker.querySelector("[data-more]").hidden = items.length === 0;
  }

  // Drop the choice; uploads under way or finished but not sent with the form are cancelled.
  function reset(dialog) {
    itemsOf(dialog).forEach(function (item) {
      if (item.upload) { item.upload.abort(); }
    });
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
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.dataset.attachOpen) {
      open(button);
      return;
    }
    var picker = button.closest(PICKER);
    if (!picker) { return; }
    if (button.hasAttribute("data-browse")) {
      picker.querySelector("[data-picker]").click();
    } else if (button.hasAttribute("data-cancel")) {
      picker.close();
    } else if (button.classList.contains("remove-file")) {
      var removed = itemsOf(picker).splice(Number(button.dataset.index), 1)[0];
      if (removed && removed.upload) { removed.upload.abort(); }
      render(picker);
      var next = picker.querySelector(".remove-file") || picker.querySelector("[data-browse]");
      next.focus();
    } else if (button.hasAttribute("data-upload") && !resumable(picker)) {
      // Hand the chosen files to the form's own input; the click then submits the form.
      sync(picker);
      picker.classList.add("uploading");
    }
  });

  // ---- resumable uploads: the files go up first, then the form names them
  // The picker a submit is about: the dialog of the pressed Upload, else the form's zone.
  function pickerOf(form, submitter) {
    var dialog = submitter && submitter.closest("dialog.attach-dialog");
    return dialog || form.querySelector("[data-upload-zone]");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target, picker = pickerOf(form, event.submitter);
    if (!picker || !resumable(picker) || !itemsOf(picker).length || form.dataset.tusReady) {
      return;
    }
    event.preventDefault();
    if (!runs.has(picker)) { send(picker, form, event.submitter); }
  }, true);

  // Each chosen file not yet uploaded goes up in turn. A file the server refuses leaves the
  // list, its reason under the drop zone, and the form waits: the next press sends the rest.
  async function send(picker, form, submitter) {
    var run = {cancelled: false}, refused = false;
    var errors = picker.querySelector("[data-errors]");
    runs.set(picker, run);
    picker.classList.add("uploading");
    errors.textContent = "";
    var next;
    while ((next = itemsOf(picker).filter(function (item) { return !item.token; })[0])) {
      if (!next.view) {  // each file waiting shows its bar (files added meanwhile too)
        itemsOf(picker).forEach(function (item) {
          item.view = item.view || window.Tus.progress(picker, item.file);
        });
        render(picker);
      }
      next.upload = window.Tus.upload(picker, next.file, next.view);
      try {
        next.token = await next.upload.done;
      } catch (error) {
        if (run.cancelled) { return; }
        var items = itemsOf(picker), at = items.indexOf(next);
        if (at >= 0) { items.splice(at, 1); }
        if (!error.stopped) {  // refused (not removed by its cross)
          refused = true;
          var line = document.createElement("li");
          line.textContent = error.message;
          errors.appendChild(line);
        }
        render(picker);
      }
    }
    if (run.cancelled) { return; }
    runs.delete(picker);
    var items = itemsOf(picker);
    if (refused || !items.length) {
      picker.classList.remove("uploading");
      render(picker);
      return;
    }
    // The form names the uploads, in the order of the list (and of the titles).
    var input = form.elements[picker.dataset.input || "files"];
    input.value = "";
    Array.prototype.forEach.call(form.querySelectorAll("input[name=tus]"), function (old) {
      old.remove();
    });
    items.forEach(function (item) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "tus";
      hidden.value = item.token;
      form.appendChild(hidden);
      item.upload = null;  // filed by the form now: no longer cancelled with the dialog
    });
    form.dataset.tusReady = "1";
    // Later, not within the submit event this began with: the browser would ignore it.
    window.setTimeout(function () { form.requestSubmit(submitter || undefined); });
  }

  document.addEventListener("change", function (event) {
    var picker = event.target.closest && event.target.closest(PICKER);
    if (!picker || !event.target.matches("[data-picker]")) { return; }
    add(picker, event.target.files);
    event.target.value = "";
  });

  // A changed title is kept when more files are added later.
  document.addEventListener("input", function (event) {
    var zone = event.target.closest && event.target.closest("[data-upload-zone]");
    if (!zone || !event.target.dataset.index || event.target.type !== "text") { return; }
    var item = itemsOf(zone)[Number(event.target.dataset.index)];
    if (item) { item.title = event.target.value; }
  });

  // Drag and drop: onto the drop zone, anywhere in an open dialog, or anywhere in the form
  // of its only upload zone (the only zone of the page: anywhere on it). A file dropped
  // beside the zone must not make the browser leave the page to show it.
  function pickerFor(event) {
    var target = event.target.closest ? event.target : null;
    var dialog = target && target.closest("dialog.attach-dialog");
    if (dialog) { return dialog; }
    var own = target && target.closest("[data-upload-zone]");
    if (own) { return own; }
    var form = target && target.closest("form");
    var inForm = form ? form.querySelectorAll("[data-upload-zone]") : [];
    if (inForm.length === 1) { return inForm[0]; }
    var zones = document.querySelectorAll("[data-upload-zone]");
    return zones.length === 1 ? zones[0] : null;
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var picker = pickerFor(event);
      if (!picker) { return; }
      event.preventDefault();
      if (event.dataTransfer) { event.dataTransfer.dropEffect = "copy"; }
      picker.querySelector("[data-drop-zone]").classList.add("drag-over");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var picker = pickerFor(event);
    if (picker && !picker.contains(event.relatedTarget)) {
      picker.querySelector("[data-drop-zone]").classList.remove("drag-over");
    }
  });
  document.addEventListener("drop", function (event) {
    var picker = pickerFor(event);
    if (!picker) { return; }
    event.preventDefault();
    picker.querySelector("[data-drop-zone]").classList.remove("drag-over");
    if (event.dataTransfer) { add(picker, event.dataTransfer.files); }
  });

  // Escape (the dialog's own "cancel") and Annuleer both drop the choice; focus goes back.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement) || !dialog.classList.contains("attach-dialog")) {
      return;
    }
    var run = runs.get(dialog);
    if (run) {  // Annuleer or Escape while uploading: the uploads stop
      run.cancelled = true;
      runs.delete(dialog);
      dialog.classList.remove("uploading");
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
