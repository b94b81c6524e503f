// Behaviour the pages ask for with data attributes. The Content-Security-Policy allows
// scripts only from files like this one, never inline handlers (onchange="...").
(function () {
  "use strict";
  // <select data-submit-on-change> sends its form as soon as the choice changes (the
  // language switcher). Listening on the document also covers content htmx swaps in.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
