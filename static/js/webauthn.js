// Ostiary's only script: WebAuthn ceremonies for passkey forms.
//
// A form with data-webauthn="register" or "authenticate" and
// data-start="/path" gets, on submit: a POST to data-start (CSRF token from
// the form's csrf_token field in the X-CSRF-Token header), the browser's
// navigator.credentials.create()/get() with the returned options, then the
// credential as JSON in the form's hidden "credential" field, and the form is
// submitted. Elements marked data-webauthn-reveal are shown only when the
// browser supports WebAuthn. No inline script, no handlers in HTML (CSP).
(function () {
  'use strict';

  function toBuffer(value) {
    var b64 = value.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) { b64 += '='; }
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function convertList(list) {
    return (list || []).map(function (c) {
      var copy = Object.assign({}, c);
      copy.id = toBuffer(c.id);
      return copy;
    });
  }

  function creationOptions(options) {
    var pk = Object.assign({}, options.publicKey);
    pk.challenge = toBuffer(pk.challenge);
    pk.user = Object.assign({}, pk.user, { id: toBuffer(pk.user.id) });
    if (pk.excludeCredentials) { pk.excludeCredentials = convertList(pk.excludeCredentials); }
    return { publicKey: pk };
  }

  function requestOptions(options) {
    var pk = Object.assign({}, options.publicKey);
    pk.challenge = toBuffer(pk.challenge);
    if (pk.allowCredentials) { pk.allowCredentials = convertList(pk.allowCredentials); }
    return { publicKey: pk };
  }

  function extensions(cred) {
    try { return cred.getClientExtensionResults() || {}; } catch (e) { return {}; }
  }

  function registrationJson(cred) {
    var r = cred.response;
    var response = {
      attestationObject: toBase64url(r.attestationObject),
      clientDataJSON: toBase64url(r.clientDataJSON)
    };
    if (typeof r.getTransports === 'function') { response.transports = r.getTransports(); }
    return {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      response: response,
      extensions: extensions(cred)
    };
  }

  function assertionJson(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      response: {
        authenticatorData: toBase64url(r.authenticatorData),
        clientDataJSON: toBase64url(r.clientDataJSON),
        signature: toBase64url(r.signature),
        userHandle: toBase64url(r.userHandle)
      },
      extensions: extensions(cred)
    };
  }

  // The page puts its language's text in data-msg-<key> on the status
  // element; the English text is the fallback.
  function say(form, key, text) {
    var status = form.querySelector('[data-webauthn-status]');
    if (status) { status.textContent = status.getAttribute('data-msg-' + key) || text; }
  }

  function field(form, name) {
    return form.querySelector('input[name="' + name + '"]');
  }

  async function run(form) {
    var mode = form.getAttribute('data-webauthn');
    var csrf = field(form, 'csrf_token');
    var res = await fetch(form.getAttribute('data-start'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf ? csrf.value : '', 'Accept': 'application/json' }
    });
    var body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      if (body && body.location) { window.location.assign(body.location); return; }
      throw new Error('start');
    }
    say(form, 'prompt', 'Follow the instructions of your browser or security key.');
    var cred;
    if (mode === 'register') {
      cred = await navigator.credentials.create(creationOptions(body));
    } else {
      cred = await navigator.credentials.get(requestOptions(body));
    }
    if (!cred) { throw new Error('cancelled'); }
    var json = mode === 'register' ? registrationJson(cred) : assertionJson(cred);
    field(form, 'credential').value = JSON.stringify(json);
    say(form, 'checking', 'Checking…');
    form.submit();
  }

  function attach(form) {
    var busy = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) { return; }
      if (!window.PublicKeyCredential) {
        say(form, 'unsupported', 'This browser does not support passkeys.');
        return;
      }
      busy = true;
      say(form, 'starting', 'Starting…');
      run(form).catch(function () {
        say(form, 'cancelled', 'The passkey was not used. You can try again.');
      }).finally(function () { busy = false; });
    });
  }

  function init() {
    var supported = !!window.PublicKeyCredential;
    if (supported) {
      document.querySelectorAll('[data-webauthn-reveal]').forEach(function (el) {
        el.hidden = false;
      });
    }
    document.querySelectorAll('form[data-webauthn]').forEach(attach);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
