// Saves each answer of the checklist as it is given, so closing the tab loses
// nothing; a stale edit is refused by the server and the newer answer shown.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var root = document.getElementById("checklist");
  if (!root) { return; }
  var text = root.dataset;

  function csrf(form) {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function post(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    });
  }

  function showProgress(data) {
    document.getElementById("progress-total").textContent = data.answered + "/" + data.total;
    var sticky = document.getElementById("progress-sticky");
    if (sticky) { sticky.textContent = data.answered + "/" + data.total; }
    document.querySelectorAll(".section").forEach(function (section) {
      var part = data.sections[Number(section.dataset.index)];
      if (part) { section.querySelector(".section-progress").textContent = part[0] + "/" + part[1]; }
    });
    data.departments.forEach(function (part) {
      var row = document.querySelector('#departments tr[data-department="' + part[0] + '"]');
      if (!row) { return; }
      row.querySelector(".dept-progress").textContent = part[1] + "/" + part[2];
      var signoff = row.querySelector(".dept-signoff");
      if (!part[3] && !signoff.querySelector("form")) {
        // A changed answer withdrew the department's confirmation.
        signoff.textContent = text.waiting;
      }
    });
  }

  // One save at a time per item: each sends the revision the previous one got
  // back, so a quick note-then-answer is never mistaken for someone else's edit.
  function save(form) {
    form.pending = (form.pending || Promise.resolve()).then(function () { return send(form); });
  }

  function send(form) {
    var checked = form.querySelector("input[name=answer]:checked");
    var status = form.querySelector(".item-status");
    if (!checked) { return null; }
    status.classList.remove("error");
    status.textContent = text.saving;
    return post(form, new FormData(form)).then(function (result) {
      var item = form.closest(".item");
      if (result.status === 200) {
        form.querySelector("input[name=revision]").value = result.data.revision;
        status.textContent = text.saved + " · " + result.data.saved_by;
        item.className = "item answered answer-" + checked.value;
        showProgress(result.data);
      } else if (result.status === 409) {
        var current = result.data.current;
        form.querySelector("input[name=revision]").value = current.revision;
        form.querySelector('input[name=answer][value="' + current.answer + '"]').checked = true;
        form.querySelector("textarea[name=note]").value = current.note;
        status.classList.add("error");
        status.textContent = result.data.error;
      } else {
        status.classList.add("error");
        status.textContent = result.data.error || text.failed;
      }
    }).catch(function () {
      status.classList.add("error");
      status.textContent = text.failed;
    });
  }

  root.querySelectorAll("form.answer").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); save(form); });
    form.querySelectorAll("input[name=answer]").forEach(function (radio) {
      radio.addEventListener("change", function () { save(form); });
    });
    form.querySelector("textarea[name=note]").addEventListener("change", function () { save(form); });
  });

  root.querySelectorAll("form.evidence-form").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    function upload(event) {
      if (event) { event.preventDefault(); }
      if (!input.files.length) { return; }
      var status = form.closest(".item").querySelector(".item-status");
      status.classList.remove("error");
      status.textContent = text.uploading;
      post(form, new FormData(form)).then(function (result) {
        if (result.status === 200) {
          // The same markup as readiness/_attachments.html renders.
          var link = document.createElement("a");
          link.className = "attachment";
          link.href = result.data.url;
          link.target = "_blank";
          link.rel = "noopener";
          if (result.data.thumbnail) {
            link.classList.add("photo");
            link.setAttribute("data-lightbox", "");
            var thumb = document.createElement("img");
            thumb.src = result.data.thumbnail;
            thumb.alt = "";
            thumb.width = thumb.height = 112;
            link.appendChild(thumb);
          } else {
            var kind = document.createElement("span");
            kind.className = "file-kind";
            kind.setAttribute("aria-hidden", "true");
            kind.textContent = "PDF";
            link.appendChild(kind);
          }
          var name = document.createElement("span");
          name.className = "attachment-name";
          name.textContent = result.data.name;
          link.appendChild(name);
          var li = document.createElement("li");
          li.appendChild(link);
          form.closest(".evidence").querySelector(".evidence-list").appendChild(li);
          status.textContent = text.saved;
          input.value = "";
        } else {
          status.classList.add("error");
          status.textContent = result.data.error || text.failed;
        }
      }).catch(function () {
        status.classList.add("error");
        status.textContent = text.failed;
      });
    }
    form.addEventListener("submit", upload);
    input.addEventListener("change", upload);
  });
})();

// Moving through a long checklist: the next unanswered item after the one in view
// (or the first), and a jump to any section.
(function () {
  "use strict";
  var next = document.getElementById("next-unanswered");
  if (next) {
    next.addEventListener("click", function (event) {
      var items = Array.prototype.slice.call(document.querySelectorAll("#checklist .item:not(.answered)"));
      var answerable = items.filter(function (item) { return !item.querySelector("fieldset[disabled]"); });
      if (!answerable.length) { return; }
      var below = answerable.filter(function (item) { return item.getBoundingClientRect().top > 80; });
      var target = below[0] || answerable[0];
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      var first = target.querySelector("input[name=answer]");
      if (first) { first.focus({ preventScroll: true }); }
    });
  }
  var jump = document.querySelector("select[data-jump]");
  if (jump) {
    jump.addEventListener("change", function () {
      var section = document.querySelector(jump.value);
      if (section) { section.scrollIntoView({ block: "start" }); }
    });
  }
})();
