// Ostiary: "Copy" buttons. A button with data-copy="ID" (hidden until this
// script runs) copies the text of element ID to the clipboard and says so
// in the element named by its data-copy-status, using that element's
// data-msg-copied / data-msg-failed text. No inline script (CSP).
(function () {
  'use strict';
  function init() {
    document.querySelectorAll('button[data-copy]').forEach(function (button) {
      var source = document.getElementById(button.getAttribute('data-copy'));
      var status = document.getElementById(button.getAttribute('data-copy-status'));
      if (!source || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener('click', function () {
        var text = source.getAttribute('data-copy-text') || source.innerText;
        navigator.clipboard.writeText(text).then(function () {
          if (status) { status.textContent = status.getAttribute('data-msg-copied'); }
        }, function () {
          if (status) { status.textContent = status.getAttribute('data-msg-failed'); }
        });
      });
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
