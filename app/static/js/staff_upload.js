// Staff side: drop many files at once (or Bladeren) into an upload zone. The chosen files
// are listed, each with a black cross and, when publishing, a title to change; they go
// into the form's own file input, so the server sees one ordinary form post, the same as
// without JavaScript. Event delegation: the zone may be swapped in at any time.
(function () {
  "use strict";
  try {
    new DataTransfer();
  } catch (e) {
    return;  // the plain file input stays in charge
  }
  document.documentElement.classList.add("js");

  var chosen = new WeakMap();  // zone -> [{file, title}]

  function itemsOf(zone) {
    if (!chosen.has(zone)) { chosen.set(zone, []); }
    return chosen.get(zone);
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

  function problemWith(zone, file, pending) {
    var data = zone.dataset;
    var dot = file.name.lastIndexOf(".");
    var extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (data.extensions.split(",").indexOf(extension) < 0) {
      return fill(data.refused, {name: file.name});
    }
    if (file.size > Number(data.maxFile)) {
      return fill(data.tooLarge, {name: file.name});
    }
    if (pending + file.size > Number(data.maxTotal)) {
      return fill(data.noRoom, {name: file.name});
    }
    return null;
  }

  function add(zone, files) {
    var items = itemsOf(zone);
    var errors = zone.querySelector("[data-errors]");
    errors.textContent = "";
    Array.prototype.forEach.call(files, function (file) {
      var same = items.some(function (item) {
        var f = item.file;
        return f.name === file.name && f.size === file.size && f.lastModified === file.lastModified;
      });
      if (same) { return; }
      var pending = items.reduce(function (sum, item) { return sum + item.file.size; }, 0);
      var problem = problemWith(zone, file, pending);
      if (problem) {
        var line = document.createElement("li");
        line.textContent = problem;
        errors.appendChild(line);
      } else {
        items.push({file: file, title: stem(file.name)});
      }
    });
    render(zone);
  }

  // The form's own input holds exactly the listed files, in the listed order.
  function sync(zone) {
    var input = zone.closest("form").elements[zone.dataset.input];
    var transfer = new DataTransfer();
    itemsOf(zone).forEach(function (item) { transfer.items.add(item.file); });
    input.files = transfer.files;
  }

  function render(zone) {
    var items = itemsOf(zone);
    var selection = zone.querySelector("[data-selection]");
    selection.textContent = "";
    items.forEach(function (item, index) {
      var line = document.createElement("li");
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = item.file.name + " (" + sizeText(item.file.size) + ")";
      line.appendChild(name);
      if (zone.dataset.titles) {
        var title = document.createElement("input");
        title.type = "text";
        title.name = zone.dataset.titles;
        title.value = item.title;
        title.maxLength = 255;
        title.dataset.index = String(index);
        title.setAttribute("aria-label", fill(zone.dataset.titleLabel, {name: item.file.name}));
        line.appendChild(title);
      }
      var cross = document.createElement("button");
      cross.type = "button";
      cross.className = "remove-file";
      cross.dataset.index = String(index);
      cross.setAttribute("aria-label", fill(zone.dataset.remove, {name: item.file.name}));
      cross.textContent = "×";
      line.appendChild(cross);
      selection.appendChild(line);
    });
    var hint = zone.querySelector("[data-title-hint]");
    if (hint) { hint.hidden = items.length === 0; }
    sync(zone);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    var zone = button && button.closest("[data-upload-zone]");
    if (!zone) { return; }
    if (button.hasAttribute("data-browse")) {
      zone.querySelector("[data-picker]").click();
    } else if (button.classList.contains("remove-file")) {
      itemsOf(zone).splice(Number(button.dataset.index), 1);
      render(zone);
      var next = zone.querySelector(".remove-file") || zone.querySelector("[data-browse]");
      next.focus();
    }
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-upload-zone] [data-picker]")) { return; }
    add(event.target.closest("[data-upload-zone]"), event.target.files);
    event.target.value = "";
  });

  // A changed title is kept when more files are added later.
  document.addEventListener("input", function (event) {
    var zone = event.target.closest && event.target.closest("[data-upload-zone]");
    if (!zone || !event.target.dataset.index || event.target.type !== "text") { return; }
    var item = itemsOf(zone)[Number(event.target.dataset.index)];
    if (item) { item.title = event.target.value; }
  });

  // Drag and drop: onto the zone, or anywhere in its form; a file dropped elsewhere on the
  // page must not make the browser leave it to show the file.
  function zoneFor(event) {
    var form = event.target.closest && event.target.closest("form");
    var zone = form && form.querySelector("[data-upload-zone]");
    if (zone) { return zone; }
    var zones = document.querySelectorAll("[data-upload-zone]");
    return zones.length === 1 ? zones[0] : null;
  }
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = zoneFor(event);
      if (!zone) { return; }
      event.preventDefault();
      if (event.dataTransfer) { event.dataTransfer.dropEffect = "copy"; }
      zone.querySelector("[data-drop-zone]").classList.add("drag-over");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneFor(event);
    if (zone && !zone.contains(event.relatedTarget)) {
      zone.querySelector("[data-drop-zone]").classList.remove("drag-over");
    }
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneFor(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.querySelector("[data-drop-zone]").classList.remove("drag-over");
    if (event.dataTransfer) { add(zone, event.dataTransfer.files); }
  });
})();
