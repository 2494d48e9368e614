// FrontDesk panel: a little plain JavaScript, no build step and no dependencies. Loaded with `defer` from
// /app/static (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";

  // The session's CSRF token, for scripts that change something: send it as X-CSRF-Token.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // fetch() with the CSRF token and a JSON Accept header (errors then come back as {"error": {code, message}}).
  window.frontdeskFetch = function (url, options) {
    options = options || {};
    var headers = new Headers(options.headers || {});
    headers.set("X-CSRF-Token", csrfToken());
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    options.headers = headers;
    options.credentials = "same-origin";
    return fetch(url, options);
  };

  // <form data-confirm="Delete this entry?">: asks before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // <button data-copy="element-id">: copies that element's text (a password shown once).
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!target || !navigator.clipboard) return;
    var source = document.getElementById(target.getAttribute("data-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.textContent).then(function () {
      target.textContent = "Copied";
    });
  });
})();
