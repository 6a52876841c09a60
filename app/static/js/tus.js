// Resumable uploads for the pickers that name a data-tus-target (attachments.js, requests.js):
// the tus 1.0 protocol that app/tus.py serves at /uploads/ (creation, PATCH, HEAD, DELETE).
// A file goes up in chunks; after a dropped connection, a closed lid or a reload it goes on
// where the server stands (the browser keeps the upload's address in localStorage under the
// file's fingerprint). Our own few kB rather than tus-js-client (about 100 kB): the portal
// only talks to its own server. Tus.progress() makes the bar and the words of one file.
(function () {
  "use strict";
  var VERSION = "1.0.0", ENDPOINT = "/uploads/";
  var CHUNK = 8 * 1024 * 1024;  // bytes per PATCH
  var DELAYS = [0, 1, 3, 5, 10, 20];  // seconds before each new try (a lost connection: 20 on)
  var STALL = 30000;  // ms without a byte sent: the connection counts as lost
  var PREFIX = "tus:";  // localStorage: "tus:" + fingerprint -> {url, expires}

  function supported() {
    try {
      localStorage.setItem(PREFIX, "1");
      localStorage.removeItem(PREFIX);
      return typeof Blob.prototype.slice === "function" && typeof Promise === "function" &&
        typeof TextEncoder === "function" && "upload" in new XMLHttpRequest();
    } catch (e) {
      return false;  // no localStorage (private mode of an old browser, or blocked)
    }
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function base64(text) {
    var bytes = new TextEncoder().encode(text), binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // ---- the address of an unfinished upload, kept across reloads until it expires
  function recall(key) {
    try {
      var kept = JSON.parse(localStorage.getItem(key) || "null");
      if (kept && kept.url && !(kept.expires < Date.now())) { return kept.url; }
    } catch (e) { /* unreadable: forgotten below */ }
    localStorage.removeItem(key);
    return null;
  }

  function keep(key, url, xhr) {
    var expires = Date.parse(xhr.getResponseHeader("Upload-Expires") || "") || null;
    try {
      localStorage.setItem(key, JSON.stringify({url: url, expires: expires}));
    } catch (e) { /* full: it cannot resume after a reload, that is all */ }
  }

  function forgetExpired() {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var key = localStorage.key(i);
      if (key && key.indexOf(PREFIX) === 0) { recall(key); }
    }
  }

  function wait(upload, seconds) {
    return new Promise(function (resolve) {
      var timer = null;
      function go() {
        clearTimeout(timer);
        window.removeEventListener("online", go);
        upload.wake = null;
        resolve();
      }
      upload.wake = go;
      if (navigator.onLine === false) {
        window.addEventListener("online", go);  // offline: until the connection is back
      } else {
        timer = setTimeout(go, seconds * 1000);
      }
    });
  }

  function problem(text, stopped) {
    var error = new Error(text);
    error.stopped = !!stopped;
    return error;
  }

  // One file for one target. hooks: progress(sent, total), paused(), resumed(), checking()
  // (all bytes sent; the server checks the file), done(), and `failed`: the words when it
  // fails without the server saying why ({name}). `done` is a promise of the token
  // that the form names; it fails with the sentence for the user, or `stopped` after abort().
  function Upload(file, target, hooks, chunk) {
    this.file = file;
    this.target = target;
    this.hooks = hooks || {};
    this.chunk = Number(chunk) || CHUNK;
    this.key = PREFIX + [target, file.name, file.size, file.lastModified].join("/");
    this.url = null;
    this.xhr = null;
    this.wake = null;
    this.stopped = false;
    this.done = this.run();
  }

  Upload.prototype.hook = function (name, a, b) {
    if (this.hooks[name] && !this.stopped) { this.hooks[name](a, b); }
  };

  // One request; resolves with the XMLHttpRequest, or null when no answer came.
  Upload.prototype.send = function (method, url, headers, body) {
    var self = this;
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest(), timer = null;
      function stalled() {
        clearTimeout(timer);
        timer = setTimeout(function () { xhr.abort(); }, STALL);
      }
      xhr.open(method, url);
      headers["Tus-Resumable"] = VERSION;
      if (method !== "HEAD") { headers["X-CSRFToken"] = csrfToken(); }
      Object.keys(headers).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      if (body) {
        xhr.upload.onprogress = function (event) {
          stalled();
          self.hook("progress", self.offset + event.loaded, self.file.size);
        };
        // Every byte is out: the answer may take a while (the last chunk is checked).
        xhr.upload.onload = function () {
          clearTimeout(timer);
          if (self.offset + body.size === self.file.size) { self.hook("checking"); }
        };
        stalled();
      } else {
        xhr.timeout = STALL;
      }
      xhr.onloadend = function () {
        clearTimeout(timer);
        self.xhr = null;
        resolve(xhr.status ? xhr : null);
      };
      self.xhr = xhr;
      xhr.send(body || null);
    });
  };

  Upload.prototype.run = async function () {
    var file = this.file, failures = 0, restarts = 0, paused = false, self = this;
    var lost = function () { if (self.xhr) { self.xhr.abort(); } };
    window.addEventListener("offline", lost);
    this.url = recall(this.key);
    this.offset = null;  // unknown until HEAD says
    try {
      while (!this.stopped) {
        var xhr, finished = false;
        if (!this.url) {
          xhr = await this.send("POST", ENDPOINT, {
            "Upload-Length": String(file.size),
            "Upload-Metadata": "filename " + base64(file.name) + ",target " + base64(this.target)});
          if (xhr && xhr.status === 201) {
            this.url = xhr.getResponseHeader("Location");
            this.offset = 0;
            keep(this.key, this.url, xhr);
          }
        } else if (this.offset === null) {
          xhr = await this.send("HEAD", this.url, {});
          if (xhr && xhr.status === 200) {
            this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
          }
        } else {
          // At the end already (a reload after the last byte): an empty PATCH finishes it.
          var end = Math.min(this.offset + this.chunk, file.size);
          xhr = await this.send("PATCH", this.url, {
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": String(this.offset)}, file.slice(this.offset, end));
          if (xhr && xhr.status === 204) {
            this.offset = Number(xhr.getResponseHeader("Upload-Offset"));
            keep(this.key, this.url, xhr);
            finished = this.offset === file.size;
          }
          finished = finished || (xhr && xhr.status === 409 && xhr.responseText === "finished");
        }
        if (this.stopped) { break; }
        if (xhr && xhr.status < 300 && !xhr.getResponseHeader("Tus-Resumable")) {
          // Not the upload server's answer: the login page, once the session has ended.
          throw problem(fill(this.hooks.failed, {name: file.name}));
        }
        var status = xhr ? xhr.status : 0;
        if (status >= 200 && status < 300) {
          failures = 0;
          if (paused) {
            paused = false;
            this.hook("resumed");
          }
          if (this.offset !== null) { this.hook("progress", this.offset, file.size); }
        }
        if (finished) {
          localStorage.removeItem(this.key);
          this.hook("progress", file.size, file.size);
          this.hook("done");
          return this.url.split("/").pop();
        }
        if (status >= 200 && status < 300) { continue; }
        var conflict = status === 409 && this.url;  // (at creation a 409 is a refusal)
        if (conflict) {  // not where the server stands: ask, then go on from there
          this.offset = null;
          if (++failures < DELAYS.length) { continue; }
        }
        if ((status === 404 || status === 410) && this.url && ++restarts < 3) {
          localStorage.removeItem(this.key);  // gone or expired: a new upload from the start
          this.url = this.offset = null;
          continue;
        }
        var retry = status === 0 || status === 423 || (status >= 500 && status !== 507);
        if (!retry || (status !== 0 && failures >= DELAYS.length)) {
          localStorage.removeItem(this.key);
          // A refusal says why in the user's language (text/plain); else our own words.
          var says = !retry && !conflict && xhr.responseText &&
            /^text\/plain/.test(xhr.getResponseHeader("Content-Type") || "");
          throw problem(says ? xhr.responseText : fill(this.hooks.failed, {name: file.name}));
        }
        if (status === 0 && !paused) {
          paused = true;
          this.hook("paused");
        }
        await wait(this, DELAYS[Math.min(failures++, DELAYS.length - 1)]);
        this.offset = null;
      }
      throw problem("", true);
    } finally {
      window.removeEventListener("offline", lost);
    }
  };

  // Cancel: the upload stops, and the server drops what it has (termination).
  Upload.prototype.abort = function () {
    if (this.stopped) { return; }
    this.stopped = true;
    localStorage.removeItem(this.key);
    if (this.xhr) { this.xhr.abort(); }
    if (this.wake) { this.wake(); }
    if (this.url) { terminate(this.url); }
  };

  // DELETE, sent again when the connection is back if it did not get through.
  function terminate(url) {
    var xhr = new XMLHttpRequest();
    xhr.open("DELETE", url);
    xhr.setRequestHeader("Tus-Resumable", VERSION);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.onloadend = function () {
      if (!xhr.status) {
        window.addEventListener("online", function () { terminate(url); }, {once: true});
      }
    };
    xhr.send();
  }

  // The progress of one file: a <progress> named after the file and "45 % — about 2 min
  // left" beside it; `live` (a polite region) hears only every quarter, a lost connection,
  // its return and the end. `texts`: the data-tus-* strings of the picker.
  function Progress(file, texts, live) {
    this.name = file.name;
    this.texts = texts;
    this.live = live;
    this.node = document.createElement("span");
    this.node.className = "upload-progress";
    this.node.setAttribute("aria-live", "off");  // in a polite list: only `live` speaks
    this.bar = document.createElement("progress");
    this.bar.max = 100;
    this.bar.value = 0;
    this.bar.setAttribute("aria-label", file.name);
    this.text = document.createElement("span");
    this.text.className = "upload-progress-text";
    this.text.textContent = texts.tusWaiting || "";
    this.node.appendChild(this.bar);
    this.node.appendChild(this.text);
    this.quarter = 0;
    this.samples = [];
    this.shown = 0;
    this.failed = texts.tusFailed;
  }

  Progress.prototype.say = function (text) {
    var live = this.live, line = this.name + ": " + text;
    if (!live) { return; }
    live.textContent = "";
    // Emptied first and filled a moment later, so the same words twice are read twice.
    window.setTimeout(function () { live.textContent = line; }, 100);
  };

  Progress.prototype.state = function (name, text) {
    this.node.className = "upload-progress" + (name ? " upload-" + name : "");
    this.text.textContent = text;
  };

  Progress.prototype.progress = function (sent, total) {
    var now = Date.now(), percent = Math.floor(sent * 100 / total);
    this.bar.value = percent;
    if (/paused|checking|done/.test(this.node.className)) { return; }
    var samples = this.samples;
    samples.push([now, sent]);
    while (samples.length > 2 && now - samples[1][0] > 20000) { samples.shift(); }
    if (now - this.shown >= 500 || percent === 0) {  // the words change twice a second at most
      this.shown = now;
      this.text.textContent = this.describe(percent, total - sent);
    }
    var quarter = Math.floor(percent / 25);
    if (quarter > this.quarter && quarter < 4) {
      this.quarter = quarter;
      this.say(quarter * 25 + "\u00a0%");
    }
  };

  // "45 %", then with the time left at the rate of the last 20 seconds once it is known.
  Progress.prototype.describe = function (percent, left) {
    var first = this.samples[0], last = this.samples[this.samples.length - 1];
    var span = (last[0] - first[0]) / 1000, rate = (last[1] - first[1]) / span;
    var values = {percent: percent};
    if (!(span >= 2 && rate > 0)) { return percent + "\u00a0%"; }
    var seconds = left / rate;
    if (seconds < 60) { return fill(this.texts.tusSoon, values); }
    values.minutes = Math.max(1, Math.round(seconds / 60));
    if (seconds < 3600) { return fill(this.texts.tusMinutes, values); }
    values.hours = Math.floor(seconds / 3600);
    values.minutes = Math.round((seconds % 3600) / 60);
    return fill(this.texts.tusHours, values);
  };

  Progress.prototype.paused = function () {
    this.samples = [];
    this.state("paused", this.texts.tusPaused);
    this.say(this.texts.tusPaused);
  };

  Progress.prototype.resumed = function () {
    this.state("", this.texts.tusResumed);
    this.say(this.texts.tusResumed);
  };

  Progress.prototype.checking = function () {
    this.bar.value = 100;
    this.state("checking", this.texts.tusChecking);
  };

  Progress.prototype.done = function () {
    this.bar.value = 100;
    this.state("done", this.texts.tusDone);
    this.say(this.texts.tusDone);
  };

  // The hooks of an Upload that move this bar.
  Progress.prototype.hooks = function () {
    var self = this;
    return {failed: this.failed,
            progress: function (sent, total) { self.progress(sent, total); },
            paused: function () { self.paused(); }, resumed: function () { self.resumed(); },
            checking: function () { self.checking(); }, done: function () { self.done(); }};
  };

  var ok = supported();
  if (ok) { forgetExpired(); }
  window.Tus = {
    supported: ok,
    // The target of `element`'s resumable uploads (its data-tus-target), or null: then the
    // form carries the files itself, as without JavaScript.
    targetOf: function (element) {
      return ok && element && element.dataset.tusTarget ? element.dataset.tusTarget : null;
    },
    // The progress line of `file` in the picker `element` (its texts and live region).
    progress: function (element, file) {
      return new Progress(file, element.dataset, element.querySelector("[data-tus-live]"));
    },
    // Upload `file` for the picker `element` (its target), moving the bar of `view`;
    // returns the Upload (its promise `done`, and `abort()`).
    upload: function (element, file, view) {
      return new Upload(file, element.dataset.tusTarget, view.hooks(), element.dataset.tusChunk);
    },
  };
})();
