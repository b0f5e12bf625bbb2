// Starts ReDoc on /api/redoc/ (a file: the policy allows no inline script). ReDoc styles itself by
// inserting <style> elements; they carry the page's nonce, so the policy needs no 'unsafe-inline'.
// The nonce comes from a data attribute because browsers hide a nonce attribute's value from scripts.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  window.Redoc.init(
    container.dataset.schemaUrl,
    { nonce: container.dataset.styleNonce, disableSearch: true },
    container
  );
})();
