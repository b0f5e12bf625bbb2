// Progressive enhancement only: every page works without JavaScript.
(function () {
  // Tell the server the browser's time zone (used for anonymous visitors' time-zone overlap).
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=") === -1) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browsers: the server falls back to UTC */ }
})();
