// Follows a background job (an import, a ZIP) on its status page: shows the
// progress while it works and reloads the page once it has finished, so that
// the server shows the outcome (links, errors) as it would to a fresh visit.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  function show(data) {
    box.querySelectorAll("[data-job-field]").forEach(function (node) {
      var value = data[node.dataset.jobField];
      node.textContent = value === null || value === undefined ? "—" : value;
    });
    if (bar && data.total) { bar.max = data.total; bar.value = data.done; }
  }
  function poll() {
    fetch(box.dataset.jobUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
