// A form with data-confirm asks before it is sent (Disconnect on /connect/ says what will stop).
// Without JavaScript the form is sent as it is: the confirmation is a courtesy, not a guard.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
