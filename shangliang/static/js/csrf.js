// Pages a shared cache may keep (shangliang/core/publiccache.py) carry no CSRF token. The first form sent with POST, or
// htmx request that changes something, fetches one from the uncached endpoint named by data-token-url (which also sets
// the csrftoken cookie the token goes with), then proceeds: the server checks the same cookie and field/header pair.
(function () {
  var script = document.currentScript;
  var url = script && script.dataset.tokenUrl;
  var SAFE = /^(get|head|options|trace)$/i;
  var token = null;
  var pending = null;

  function fetchToken() {
    if (token) return Promise.resolve(token);
    if (!pending) {
      pending = fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("CSRF token: " + response.status);
          return response.json();
        })
        .then(function (data) { token = data.token; return token; })
        .catch(function (error) { pending = null; throw error; });
    }
    return pending;
  }

  // Capture phase: before app.js's double-submit guard and htmx's own handler see the event.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var method = (submitter && submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
    if (SAFE.test(method)) return;
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field && field.value) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    fetchToken().then(function (value) {
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "csrfmiddlewaretoken";
        form.appendChild(field);
      }
      field.value = value;
      if (submitter && submitter.form === form) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
    }, function () {
      form.submit(); // no token to be had: the server's own 403 page says what happened
    });
  }, true);

  // htmx: hold an unsafe request until the token is known, then send it with the header.
  document.addEventListener("htmx:confirm", function (event) {
    if (token || SAFE.test(event.detail.verb)) return;
    event.preventDefault();
    var go = function () { event.detail.issueRequest(false); };
    fetchToken().then(go, go);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    if (token && !SAFE.test(event.detail.verb)) event.detail.headers["X-CSRFToken"] = token;
  });
})();
