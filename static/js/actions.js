/* Small page behaviours, declared in templates as data-action="..." because the
   Content-Security-Policy runs no inline script, on*= handler or javascript: link. */
(function () {
  "use strict";
  var clicks = {
    back: function () { window.history.back(); },
    print: function () { window.print(); }
  };
  document.addEventListener("click", function (event) {
    var element = event.target.closest("[data-action]");
    var action = element && clicks[element.dataset.action];
    if (!action) return;
    event.preventDefault();
    action();
  });
  // Inbox: once a notification is marked read, show it as read and drop its button.
  document.addEventListener("htmx:afterRequest", function (event) {
    var button = event.detail.elt;
    if (!button.matches("[data-action=mark-read]") || !event.detail.successful) return;
    var text = button.closest("li").querySelector("div");
    if (text) text.classList.remove("fw-bold");
    button.remove();
  });
})();
