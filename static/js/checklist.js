// Saves each answer of the checklist as it is given, so closing the tab loses
// nothing; a stale edit is refused by the server and the newer answer shown.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var root = document.getElementById("checklist");
  if (!root) { return; }
  var text = root.dataset;

  // Each item's answer and upload forms, built from the page's one template (the
  // server sends the item's state in data-form: "id revision answer editable").
  var forms = document.getElementById("item-forms");
  root.querySelectorAll("[data-form]").forEach(function (item) {
    var state = item.dataset.form.split(" ");
    var id = state[0];
    var editable = state[3] === "1";
    var parts = forms.content.cloneNode(true);
    var form = parts.querySelector("form.answer");
    form.querySelector("input[name=item]").value = id;
    form.querySelector("input[name=revision]").value = state[1];
    form.dataset.revision = state[1];
    var legend = form.querySelector("legend");
    legend.textContent = legend.textContent.trim() + " " + item.querySelector(".mono").textContent;
    var radio = form.querySelector('input[name=answer][value="' + state[2] + '"]');
    if (radio) { radio.checked = true; }
    var note = form.querySelector("textarea[name=note]");
    note.id = "note-" + id;
    note.previousElementSibling.htmlFor = note.id;
    note.value = item.dataset.note || "";
    form.querySelector("fieldset").disabled = !editable;
    var status = item.querySelector(".item-status");
    status.replaceWith(form);
    form.appendChild(status);
    var evidence = item.querySelector(".evidence");
    var upload = parts.querySelector(".evidence");
    if (!evidence) {
      evidence = upload;
      form.after(evidence);
    }
    var uploadForm = upload.querySelector("form.evidence-form");
    uploadForm.querySelector("input[name=item]").value = id;
    if (editable) { evidence.appendChild(uploadForm); } else { uploadForm.remove(); }
  });
  // The history's latest changes, fetched the first time it is opened (the page
  // itself carries only the link to the whole history). An answer that is not the
  // list (a login page after the session ended, say) is not placed; offline, the
  // box says so and the next opening tries again.
  var historyBox = document.querySelector("details[data-latest]");
  if (historyBox) {
    historyBox.addEventListener("toggle", function () {
      if (!historyBox.open || historyBox.dataset.loaded) { return; }
      historyBox.dataset.loaded = "1";
      var place = historyBox.querySelector("[data-history]");
      fetch(historyBox.dataset.latest, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        if (html.indexOf('<ul class="history">') !== 0) { throw new Error("not the history"); }
        place.innerHTML = html; // the server's list, escaped where it was drawn
      }).catch(function () {
        delete historyBox.dataset.loaded;
        place.textContent = historyBox.dataset.unavailable;
      });
    });
  }

  // Present when the browser keeps an offline queue (static/js/offline.js).
  var offline = window.PortalOffline;
  var here = Number(text.verification);
  var waitingHere = 0; // this checklist's changes in the queue: a new one goes behind them

  function csrf(form) {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  // {status: 0} when the network is gone, so that the change can be queued.
  function post(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; });
    }, function () { return { status: 0, data: {} }; });
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

  // The progress as the page shows it, for a change saved from the queue (the API
  // answers with the answer alone).
  function progressOnPage() {
    var items = Array.prototype.slice.call(root.querySelectorAll(".item"));
    var count = function (list) {
      return [list.filter(function (item) { return item.classList.contains("answered"); }).length, list.length];
    };
    var departments = {};
    items.forEach(function (item) {
      (departments[item.dataset.department] = departments[item.dataset.department] || []).push(item);
    });
    var total = count(items);
    return {
      answered: total[0],
      total: total[1],
      sections: Array.prototype.map.call(root.querySelectorAll(".section"), function (section) {
        return count(Array.prototype.slice.call(section.querySelectorAll(".item")));
      }),
      departments: Object.keys(departments).map(function (code) {
        return [code].concat(count(departments[code]), [true]);
      })
    };
  }

  function formOf(itemId) { return root.querySelector('#item-' + itemId + ' form.answer'); }
  function statusOf(itemId) { return root.querySelector('#item-' + itemId + ' .item-status'); }

  function label(form, answer) {
    var input = form.querySelector('input[name=answer][value="' + answer + '"]');
    return input ? input.parentNode.textContent.trim() : answer;
  }

  function fill(form, answer, note) {
    var radio = form.querySelector('input[name=answer][value="' + answer + '"]');
    if (radio) { radio.checked = true; }
    form.querySelector("textarea[name=note]").value = note || "";
  }

  function markQueued(itemId, message) {
    var item = root.querySelector("#item-" + itemId);
    item.classList.add("queued");
    var status = statusOf(itemId);
    status.classList.remove("error");
    status.textContent = message || text.queued;
  }

  function group(itemId) { return "verification:" + here + ":item:" + itemId; }

  function queueAnswer(form) {
    var checked = form.querySelector("input[name=answer]:checked");
    var itemId = Number(form.querySelector("input[name=item]").value);
    var note = form.querySelector("textarea[name=note]").value;
    waitingHere += 1;
    markQueued(itemId);
    return offline.queue({
      kind: "answer",
      verification: here,
      item: itemId,
      group: group(itemId),
      url: text.apiAnswers,
      json: { item: itemId, answer: checked.value, note: note,
              revision: Number(form.querySelector("input[name=revision]").value) }
    });
  }

  // One save at a time per item: each sends the revision the previous one got
  // back, so a quick note-then-answer is never mistaken for someone else's edit.
  function save(form) {
    form.pending = (form.pending || Promise.resolve()).then(function () { return send(form); })
      .catch(function () { // whatever failed, the next save of this item still runs
        var status = form.querySelector(".item-status");
        status.classList.add("error");
        status.textContent = text.failed;
      });
  }

  function send(form) {
    var checked = form.querySelector("input[name=answer]:checked");
    var status = form.querySelector(".item-status");
    if (!checked) { return null; }
    if (offline && (!navigator.onLine || waitingHere > 0)) { return queueAnswer(form); }
    status.classList.remove("error");
    status.textContent = text.saving;
    return post(form, new FormData(form)).then(function (result) {
      var item = form.closest(".item");
      if (result.status === 0 && offline) {
        return queueAnswer(form);
      } else if (result.status === 200) {
        form.querySelector("input[name=revision]").value = result.data.revision;
        status.textContent = text.saved + " · " + result.data.saved_by;
        item.className = "item answered answer-" + checked.value;
        showProgress(result.data);
      } else if (result.status === 409) {
        var current = result.data.current;
        form.querySelector("input[name=revision]").value = current.revision;
        fill(form, current.answer, current.note);
        status.classList.add("error");
        status.textContent = result.data.error;
      } else {
        status.classList.add("error");
        status.textContent = result.data.error || text.failed;
      }
    });
  }

  root.querySelectorAll("form.answer").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); save(form); });
    form.querySelectorAll("input[name=answer]").forEach(function (radio) {
      radio.addEventListener("change", function () { save(form); });
    });
    form.querySelector("textarea[name=note]").addEventListener("change", function () { save(form); });
  });

  // The same markup as readiness/_attachments.html renders.
  function attachment(data) {
    var link = document.createElement("a");
    link.className = "attachment";
    link.href = data.url;
    link.target = "_blank";
    link.rel = "noopener";
    if (data.thumbnail) {
      link.classList.add("photo");
      link.setAttribute("data-lightbox", "");
      var thumb = document.createElement("img");
      thumb.src = data.thumbnail;
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
    name.textContent = data.name;
    link.appendChild(name);
    var li = document.createElement("li");
    li.appendChild(link);
    return li;
  }

  function evidenceList(itemId) { return root.querySelector("#item-" + itemId + " .evidence-list"); }

  // A photo kept on the phone, shown from the phone until it is sent.
  function pendingPhoto(entry) {
    var file = entry.files[0];
    var li = attachment({ url: "#", name: file.name,
                          thumbnail: /^image\//.test(file.blob.type) ? URL.createObjectURL(file.blob) : null });
    li.className = "pending";
    li.dataset.key = entry.key;
    li.querySelector("a").removeAttribute("data-lightbox");
    li.querySelector("a").removeAttribute("href");
    var list = evidenceList(entry.item);
    if (list) { list.appendChild(li); }
  }

  function queuePhoto(form, file) {
    var itemId = Number(form.querySelector("input[name=item]").value);
    waitingHere += 1;
    return offline.shrink(file).then(function (small) {
      return offline.queue({
        kind: "evidence",
        verification: here,
        item: itemId,
        group: group(itemId),
        url: text.apiEvidence,
        fields: { item: itemId },
        files: [{ field: "file", blob: small.blob, name: small.name }]
      });
    }).then(function (entry) {
      pendingPhoto(entry);
      markQueued(itemId, text.photoQueued);
      form.querySelector("input[type=file]").value = "";
    });
  }

  root.querySelectorAll("form.evidence-form").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    function upload(event) {
      if (event) { event.preventDefault(); }
      if (!input.files.length) { return; }
      var file = input.files[0];
      if (offline && (!navigator.onLine || waitingHere > 0)) { queuePhoto(form, file); return; }
      var status = form.closest(".item").querySelector(".item-status");
      status.classList.remove("error");
      status.textContent = text.uploading;
      post(form, new FormData(form)).then(function (result) {
        if (result.status === 0 && offline) {
          queuePhoto(form, file);
        } else if (result.status === 200) {
          form.closest(".evidence").querySelector(".evidence-list").appendChild(attachment(result.data));
          status.textContent = text.saved;
          input.value = "";
        } else {
          status.classList.add("error");
          status.textContent = result.data.error || text.failed;
        }
      });
    }
    form.addEventListener("submit", upload);
    input.addEventListener("change", upload);
  });

  if (!offline) { return; }

  // A change held back: someone else's answer came first (both shown, the user
  // chooses), or the server refused it (the reason shown, kept until discarded).
  function showHeld(entry) {
    var item = root.querySelector("#item-" + entry.item);
    if (!item) { return; }
    var box = item.querySelector(".offline-held") || document.createElement("div");
    box.className = "offline-held";
    box.textContent = "";
    var form = formOf(entry.item);
    var message = document.createElement("p");
    var buttons = document.createElement("div");
    buttons.className = "buttons";
    function button(caption, act) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = caption;
      b.addEventListener("click", function () { box.remove(); act(); });
      buttons.appendChild(b);
    }
    if (entry.state === "conflict") {
      var mine = label(form, entry.json.answer) + (entry.json.note ? "（" + entry.json.note + "）" : "");
      var theirs = label(form, entry.current.answer) + (entry.current.note ? "（" + entry.current.note + "）" : "");
      message.textContent = text.conflict.replace("{mine}", mine).replace("{theirs}", theirs);
      button(text.keepMine, function () { markQueued(entry.item); offline.keep(entry); });
      button(text.keepTheirs, function () {
        fill(form, entry.current.answer, entry.current.note);
        form.querySelector("input[name=revision]").value = entry.current.revision;
        item.classList.remove("queued");
        statusOf(entry.item).textContent = "";
        waitingHere -= 1;
        offline.discard(entry.seq);
      });
    } else {
      message.textContent = text.refused.replace("{reason}", entry.reason);
      button(text.discard, function () {
        item.classList.remove("queued");
        statusOf(entry.item).textContent = "";
        var pending = item.querySelector('.pending[data-key="' + entry.key + '"]');
        if (pending) { pending.remove(); }
        waitingHere -= 1;
        offline.discard(entry.seq);
      });
    }
    box.appendChild(message);
    box.appendChild(buttons);
    item.querySelector(".item-status").after(box);
    var status = statusOf(entry.item);
    status.classList.add("error");
    status.textContent = "";
  }

  // What was queued here before the page was (re)loaded, shown over the copy.
  offline.entries().then(function (all) {
    all.filter(function (entry) { return entry.verification === here; }).forEach(function (entry) {
      waitingHere += 1;
      if (entry.kind === "answer") {
        var form = formOf(entry.item);
        if (form) { fill(form, entry.json.answer, entry.json.note); }
        markQueued(entry.item);
      } else {
        pendingPhoto(entry);
        markQueued(entry.item, text.photoQueued);
      }
      if (entry.state !== "waiting") { showHeld(entry); }
    });
  });

  document.addEventListener("offline:sent", function (event) {
    var entry = event.detail.entry;
    var data = event.detail.data;
    if (entry.verification !== here) { return; }
    // (It may come before this page has read the queue: never below zero.)
    waitingHere = Math.max(0, waitingHere - 1);
    var item = root.querySelector("#item-" + entry.item);
    if (entry.kind === "answer") {
      formOf(entry.item).querySelector("input[name=revision]").value = data.revision;
      item.className = "item answered answer-" + data.answer;
    } else {
      var pending = item.querySelector('.pending[data-key="' + entry.key + '"]');
      var li = attachment(data);
      if (pending) { pending.replaceWith(li); } else { evidenceList(entry.item).appendChild(li); }
    }
    item.classList.remove("queued");
    statusOf(entry.item).classList.remove("error");
    statusOf(entry.item).textContent = text.sent;
    showProgress(progressOnPage());
  });

  document.addEventListener("offline:held", function (event) {
    if (event.detail.entry.verification === here) { showHeld(event.detail.entry); }
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
