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
  // <input type=file data-load-into=ID data-max=BYTES>: the chosen file's
  // text goes into the textarea ID (the form posts text, not a file);
  // larger files are refused with the input's data-msg-too-large.
  function load() {
    document.querySelectorAll('input[type=file][data-load-into]').forEach(function (input) {
      var target = document.getElementById(input.getAttribute('data-load-into'));
      var status = document.getElementById(input.getAttribute('data-load-status'));
      if (!target || !window.FileReader) { return; }
      input.hidden = false;
      input.addEventListener('change', function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        if (file.size > Number(input.getAttribute('data-max'))) {
          if (status) { status.textContent = input.getAttribute('data-msg-too-large'); }
          input.value = '';
          return;
        }
        var reader = new FileReader();
        reader.onload = function () {
          target.value = reader.result;
          if (status) { status.textContent = input.getAttribute('data-msg-loaded'); }
        };
        reader.readAsText(file);
      });
    });
  }
  function init() {
    live();
    copy();
    load();
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
