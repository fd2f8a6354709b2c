// Small progressive enhancements; every page works without them.
(function () {
  // Double-submit guard: a form disables its submit buttons once it is sent (the server also refuses duplicates).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
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
  // Language switch submits on change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.submit(); }
  });
})();
