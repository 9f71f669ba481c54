// A planned visit without signal: the visit record and the findings (with their
// photos, made smaller on the phone) are kept on the phone in the order given and
// sent through the API when the network returns (static/js/offline.js). The copy of
// a planned visit is removed from the phone once the visit is recorded.
(function () {
  "use strict";
  var offline = window.PortalOffline;
  var box = document.getElementById("visit");
  if (!box || !offline) { return; }
  var text = box.dataset;
  var here = Number(text.visit);
  var group = "visit:" + here;
  var codes = JSON.parse(document.getElementById("place-codes").textContent);
  var recordForm = document.getElementById("record-form");
  var findingForm = document.getElementById("finding-form");
  var addFinding = document.getElementById("add-finding");
  var list = document.getElementById("visit-queued");
  var waitingHere = 0;

  function say(message) {
    box.hidden = false;
    box.querySelector(".offline-box-message").textContent = message;
  }

  // Online with nothing waiting, the forms post as they always do.
  function useQueue() { return !navigator.onLine || waitingHere > 0; }

  function recordJson() {
    var data = new FormData(recordForm);
    var checks = [];
    Object.keys(codes).forEach(function (name) {
      var result = data.get(name);
      if (!result) { return; }
      var check = { result: result, note: data.get(name + "-note") || "" };
      Object.keys(codes[name]).forEach(function (key) { check[key] = codes[name][key]; });
      checks.push(check);
    });
    return {
      visited_at: data.get("visited_at"),
      present: data.getAll("present").map(Number),
      checks: checks,
      summary: data.get("summary") || ""
    };
  }

  function fillRecord(json) {
    recordForm.querySelector("[name=visited_at]").value = json.visited_at;
    recordForm.querySelectorAll("input[name=present]").forEach(function (box) {
      box.checked = json.present.indexOf(Number(box.value)) >= 0;
    });
    Object.keys(codes).forEach(function (name) {
      var code = codes[name];
      var check = json.checks.filter(function (c) {
        return c.key_area === code.key_area && c.aspect === code.aspect;
      })[0];
      if (!check) { return; }
      var radio = recordForm.querySelector('input[name="' + name + '"][value="' + check.result + '"]');
      if (radio) { radio.checked = true; }
      recordForm.querySelector('[name="' + name + '-note"]').value = check.note;
    });
    recordForm.querySelector("[name=summary]").value = json.summary;
  }

  function findingFields() {
    var data = new FormData(findingForm);
    var fields = {
      description: data.get("description"),
      requirement: data.get("requirement"),
      severity: data.get("severity")
    };
    var place = codes[data.get("place")] || {};
    Object.keys(place).forEach(function (key) { fields[key] = place[key]; });
    if (data.get("deadline")) { fields.deadline = data.get("deadline"); }
    return fields;
  }

  function rowOf(entry) { return list.querySelector('[data-key="' + entry.key + '"]'); }

  function addRow(entry) {
    var li = document.createElement("li");
    li.dataset.key = entry.key;
    li.className = "queued-change";
    var what = document.createElement("span");
    what.textContent = entry.kind === "record" ? text.recordLabel
      : text.findingQueued + "：" + entry.fields.description;
    li.appendChild(what);
    (entry.files || []).forEach(function (file) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file.blob);
      img.alt = file.name;
      img.width = img.height = 56;
      li.appendChild(img);
    });
    list.appendChild(li);
    box.hidden = false;
    if (entry.state !== "waiting") { showHeld(entry); }
  }

  function showHeld(entry) {
    var li = rowOf(entry);
    if (!li) { return; }
    li.classList.add("held");
    var reason = document.createElement("p");
    reason.className = "error";
    reason.textContent = text.refused.replace("{reason}", entry.reason || "");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = text.discard;
    discard.addEventListener("click", function () {
      if (entry.kind === "record") { fillRecord(entry.json); }  // what was typed, to correct online
      li.remove();
      waitingHere -= 1;
      offline.discard(entry.seq);
    });
    li.appendChild(reason);
    li.appendChild(discard);
  }

  function queueRecord() {
    waitingHere += 1;
    // Once recorded, the planned visit's copy leaves the phone (offline.js drops it
    // when this change is sent, whatever page is open then).
    return offline.queue({ kind: "record", visit: here, group: group, url: text.apiRecord,
                           json: recordJson(), dropOnSent: location.pathname })
      .then(function (entry) {
        addRow(entry);
        say(text.recordQueued);
        addFinding.hidden = false;
      });
  }

  function queueFinding() {
    var photos = Array.prototype.slice.call(findingForm.querySelector("input[type=file]").files);
    var fields = findingFields();
    waitingHere += 1;
    return Promise.all(photos.map(offline.shrink)).then(function (small) {
      return offline.queue({
        kind: "finding", visit: here, group: group, url: text.apiFindings, fields: fields,
        files: small.map(function (photo) { return { field: "photos", blob: photo.blob, name: photo.name }; })
      });
    }).then(function (entry) {
      addRow(entry);
      findingForm.reset();
    });
  }

  // A form is posted as usual only when the portal answers: a phone that says it is
  // online may have a signal without a connection, and a post that fails there
  // would lose what was typed. Otherwise the change is queued.
  function guard(form, queueIt) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.reachable) { delete form.dataset.reachable; return; }
      event.preventDefault();
      if (useQueue()) { queueIt(); return; }
      fetch(text.probe, { cache: "no-store", credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        form.dataset.reachable = "1";
        form.requestSubmit();
      }).catch(queueIt);
    });
  }

  guard(recordForm, queueRecord);
  guard(findingForm, queueFinding);

  offline.entries().then(function (all) {
    all.filter(function (entry) { return entry.visit === here; }).forEach(function (entry) {
      waitingHere += 1;
      if (entry.kind === "record") {
        fillRecord(entry.json);
        addFinding.hidden = false;
      }
      addRow(entry);
    });
    if (waitingHere) { say(text.recordQueued); }
  });

  if (text.recorded) { offline.drop(location.pathname); }

  document.addEventListener("offline:sent", function (event) {
    var entry = event.detail.entry;
    if (entry.visit !== here) { return; }
    // (It may come before this page has read the queue: never below zero.)
    waitingHere = Math.max(0, waitingHere - 1);
    var li = rowOf(entry);
    if (li) { li.remove(); }
    if (!waitingHere) { say(text.sent); }
  });

  document.addEventListener("offline:held", function (event) {
    if (event.detail.entry.visit === here) { showHeld(event.detail.entry); }
  });
})();
