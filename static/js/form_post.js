// Ostiary: submit the form_post response to the application at once. The
// page keeps its visible "Continue" button for browsers without script.
(function () {
  'use strict';
  function go() {
    var form = document.querySelector('form[data-autosubmit]');
    if (form) { form.submit(); }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', go);
  } else {
    go();
  }
}());
