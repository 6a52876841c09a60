// Passkeys (WebAuthn) on the pages that offer them (templates/_passkey.html). A form with
// data-passkey="create" holds the options of navigator.credentials.create() in
// data-options; one with data-passkey="get" fetches fresh options from data-options-url
// (a POST with the form's CSRF token) for navigator.credentials.get(). The browser's answer
// goes into the form's hidden field "credential" and the form is sent as an ordinary POST:
// the server checks everything. With data-autofill the passkeys are also offered in the
// browser's autofill of the e-mail field (conditional mediation) where it supports that.
// Without JavaScript, or without WebAuthn, the form says so and the other ways remain.
(function () {
  "use strict";
  var FORMS = "form[data-passkey]";

  function fromB64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (c) {
      return {type: c.type, id: fromB64url(c.id), transports: c.transports};
    });
  }

  // PublicKeyCredential.parse*OptionsFromJSON where the browser has it, else by hand.
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    var options = Object.assign({}, json, {challenge: fromB64url(json.challenge),
      excludeCredentials: withIds(json.excludeCredentials)});
    options.user = Object.assign({}, json.user, {id: fromB64url(json.user.id)});
    return options;
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {challenge: fromB64url(json.challenge),
      allowCredentials: withIds(json.allowCredentials)});
  }

  // PublicKeyCredential.toJSON() where the browser has it, else the same by hand.
  function answer(credential) {
    if (typeof credential.toJSON === "function") { return credential.toJSON(); }
    var r = credential.response, response = {clientDataJSON: toB64url(r.clientDataJSON)};
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      response.userHandle = r.userHandle ? toB64url(r.userHandle) : null;
    }
    return {id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
      response: response, authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults()};
  }

  function say(form, text) {
    var place = form.querySelector("[data-passkey-error]");
    place.textContent = text || "";
    place.hidden = !text;  // shown with its text, so that it is announced
  }

  function send(form, credential) {
    form.elements.credential.value = JSON.stringify(answer(credential));
    form.submit();
  }

  // Fresh options from the server: a new challenge each time. A 409 names where to go
  // instead (the login has expired, or the user is logged in already).
  function fetchOptions(form) {
    return fetch(form.dataset.optionsUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": form.elements.csrf_token.value, "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.redirect) { window.location.assign(body.redirect); }
        if (!response.ok) { throw new Error(body.error || "options"); }
        return body;
      });
    });
  }

  function problem(form, error) {
    if (error && error.name === "AbortError") { return; }
    var key = {NotAllowedError: "msgCancelled", InvalidStateError: "msgExists"}[error && error.name];
    say(form, form.dataset[key || "msgFailed"]);
  }

  // The waiting autofill request: its AbortController and its request for options. A
  // button pressed stops it, and asks for options only once that request is answered: the
  // later answer would otherwise replace the button's challenge in the session cookie.
  var autofill = null;
  var pressed = false;  // a button was pressed: no autofill from now on

  function stopAutofill() {
    var waited = autofill ? autofill.asked : Promise.resolve();
    pressed = true;
    if (autofill) { autofill.controller.abort(); autofill = null; }
    return waited;
  }

  function start(form, button) {
    var waited = stopAutofill();
    say(form, "");
    button.disabled = true;
    var done = function () { button.disabled = false; };
    var asked;
    if (form.dataset.passkey === "create") {
      asked = navigator.credentials.create({
        publicKey: creationOptions(JSON.parse(form.dataset.options))});
    } else {
      asked = waited.then(function () { return fetchOptions(form); }).then(function (options) {
        return navigator.credentials.get({publicKey: requestOptions(options)});
      });
    }
    asked.then(function (credential) { send(form, credential); })
      .catch(function (error) { problem(form, error); })
      .then(done);
  }

  function offerInAutofill(form) {
    if (!PublicKeyCredential.isConditionalMediationAvailable) { return; }
    PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
      if (!available || pressed) { return; }
      var controller = new AbortController(), asked = fetchOptions(form);
      autofill = {controller: controller, asked: asked.catch(function () {})};
      return asked.then(function (options) {
        return navigator.credentials.get({publicKey: requestOptions(options),
          mediation: "conditional", signal: controller.signal});
      }).then(function (credential) {
        if (credential) { send(form, credential); }
      });
    }).catch(function () { /* autofill is a convenience: the button remains */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll(FORMS);
    var supported = window.PublicKeyCredential && window.isSecureContext &&
      navigator.credentials && window.fetch;
    Array.prototype.forEach.call(forms, function (form) {
      if (!supported) {
        form.querySelector("[data-passkey-unsupported]").hidden = false;
        return;
      }
      form.querySelector("[data-passkey-js]").hidden = false;
      var button = form.querySelector("[data-passkey-button]");
      button.addEventListener("click", function () { start(form, button); });
      if (form.hasAttribute("data-autofill")) { offerInAutofill(form); }
    });
  });
}());
