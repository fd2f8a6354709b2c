// Small progressive enhancements; every page works without them.
(function () {
  // Double-submit guard: a form disables its submit buttons once it is sent (the server also refuses duplicates).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    // A disabled button is left out of the form's data, so the button that sent it (its name and value, e.g.
    // decision=done) goes along as a hidden field before the buttons are disabled.
    var sender = event.submitter;
    if (sender && sender.name && !form.querySelector("input[type=hidden][data-sender]")) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = sender.name;
      field.value = sender.value;
      field.dataset.sender = "1";
      form.appendChild(field);
    }
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
  });
  // Demo login: clicking a listed account fills the username and password fields.
  document.addEventListener("click", function (event) {
    var b = event.target.closest("[data-demo-username]");
    if (!b) return;
    var form = document.querySelector("form#login-form");
    form.querySelector("[name=username]").value = b.dataset.demoUsername;
    form.querySelector("[name=password]").value = b.dataset.demoPassword;
    form.querySelector("[name=password]").focus();
  });
  // Print layouts: the 打印 button opens the browser's print dialog (A4, see print.css).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  // Large-text mode (适老化): one click in the header switches it without a reload; remembered in a cookie (which the
  // server reads, so the next page starts large) and in localStorage (which restores the cookie if it was cleared).
  var LARGE = "large_text";
  function setLarge(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.cookie = LARGE + "=" + (on ? "1; max-age=31536000" : "; max-age=0") + "; path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    try { localStorage.setItem(LARGE, on ? "1" : "0"); } catch (e) { /* private mode: the cookie is enough */ }
    document.querySelectorAll("[data-large-text]").forEach(function (b) { b.setAttribute("aria-pressed", on ? "true" : "false"); });
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-large-text]")) return;
    event.preventDefault();
    setLarge(!document.documentElement.classList.contains("large-text"));
  });
  try {
    if (localStorage.getItem(LARGE) === "1" && !document.documentElement.classList.contains("large-text")) { setLarge(true); }
  } catch (e) { /* no storage */ }
  // Language switch submits on change (requestSubmit: as if sent by a button, so that csrf.js can add its token).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.requestSubmit(); }
  });
})();
