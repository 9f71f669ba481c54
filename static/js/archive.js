// Follows the building of a ZIP of notices and offers it when it is ready.
(function () {
  "use strict";
  var box = document.getElementById("archive");
  if (!box) { return; }
  var bar = document.getElementById("archive-progress");
  var label = document.getElementById("archive-status");
  var link = document.getElementById("archive-download");
  function poll() {
    fetch(box.dataset.url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = data.total;
        bar.value = data.done;
        label.textContent = data.done + "/" + data.total;
        if (data.download) {
          link.href = data.download;
          link.hidden = false;
        } else if (data.status === "failed") {
          label.textContent = box.dataset.failed;
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
