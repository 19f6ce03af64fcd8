// Tells the server the reader's time zone once, so that pages show times in it (a cookie, read
// by kazoo_zapier/display.py's TimezoneMiddleware; staff read UTC unless they chose a zone).
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // IANA names are letters, digits and _ / + -: safe in a cookie as they are.
    if (zone && /^[A-Za-z0-9_\/+-]+$/.test(zone) && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* an old browser: UTC it is */ }
})();
