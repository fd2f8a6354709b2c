// Idle timeout: a warning a minute before the session ends for inactivity (the server enforces the timeout;
// this only tells the person and lets them stay). "Stay" posts to the keep-alive view.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var dialog = document.getElementById("idle-warning");
  if (!idle || !dialog) { return; }
  var warnTimer, endTimer;
  function csrfToken() {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    dialog.hidden = true;
    warnTimer = setTimeout(function () {
      dialog.hidden = false;
      document.getElementById("idle-stay").focus();
    }, Math.max(idle - 60, 1) * 1000);
    endTimer = setTimeout(function () {
      window.location.href = body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(window.location.pathname);
    }, idle * 1000 + 2000);
  }
  document.getElementById("idle-stay").addEventListener("click", function () {
    fetch(body.getAttribute("data-keepalive-url"), {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrfToken()}
    }).then(function (response) {
      if (response.ok) { schedule(); } else { window.location.reload(); }
    });
  });
  document.addEventListener("htmx:afterRequest", schedule);
  schedule();
}());
