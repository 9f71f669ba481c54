// Follows an import of person files and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        document.getElementById("job-status").textContent = data.status_label;
        document.getElementById("job-rows").textContent = data.rows;
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
