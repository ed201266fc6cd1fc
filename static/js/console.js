// Ostiary admin console: small enhancements only; every page works
// without this script. A search field with data-live submits its form a
// moment after typing stops (search-as-you-type); "Copy" buttons come from
// copy.js's markup (data-copy), handled here too. No inline script (CSP).
(function () {
  'use strict';
  function live() {
    document.querySelectorAll('input[data-live]').forEach(function (input) {
      var timer = null;
      var form = input.form;
      if (!form) { return; }
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { form.requestSubmit(); }, 350);
      });
    });
  }
  function copy() {
    document.querySelectorAll('button[data-copy]').forEach(function (button) {
      var source = document.getElementById(button.getAttribute('data-copy'));
      var status = document.getElementById(button.getAttribute('data-copy-status'));
      if (!source || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener('click', function () {
        var text = source.getAttribute('data-copy-text') || source.textContent;
        navigator.clipboard.writeText(text).then(function () {
          if (status) { status.textContent = status.getAttribute('data-msg-copied'); }
        }, function () {
          if (status) { status.textContent = status.getAttribute('data-msg-failed'); }
        });
      });
    });
  }
  function init() {
    live();
    copy();
    // Keep the caret at the end of a search field focused after a reload.
    var focused = document.querySelector('input[data-live][autofocus]');
    if (focused) {
      var n = focused.value.length;
      focused.setSelectionRange(n, n);
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
