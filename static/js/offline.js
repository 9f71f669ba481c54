// Work without signal: the pages a user takes offline, the changes typed while
// offline (kept in IndexedDB in the order given) and their sending, in order,
// through the API when the network returns. Each change carries an idempotency key
// made when it was typed, so a change sent twice is written once.
//
// Pages use window.PortalOffline: queue(entry), entries(), sync(), keep(entry),
// discard(seq), shrink(photo), drop(url) (a copy);
// they hear "offline:sent" and "offline:held" on document.
(function () {
  "use strict";
  var body = document.body;
  var owner = body.dataset.user || "";
  var PAGES_CACHE = "portal-pages";
  var banner = document.getElementById("offline-status");
  var text = banner ? banner.dataset : {};
  var dbPromise = null;
  var syncing = null;
  var needsLogin = false;

  // IndexedDB with promises: three stores and a handful of calls, less code than a
  // wrapper library would bring.
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open("portal-offline", 1);
        request.onupgradeneeded = function () {
          var base = request.result;
          base.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          base.createObjectStore("copies", { keyPath: "url" });
          base.createObjectStore("meta");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(storeName, mode, work) {
    return db().then(function (base) {
      return new Promise(function (resolve, reject) {
        var transaction = base.transaction(storeName, mode);
        var request = work(transaction.objectStore(storeName));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function entries() {
    return run("queue", "readonly", function (store) { return store.getAll(); }).then(function (all) {
      return all.filter(function (entry) { return entry.owner === owner; });
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // entry: {url, json | fields + files [{field, blob, name}], group, page, dropOnSent};
  // "group" ties the changes of one item (or one visit) together: they are sent in
  // order, a later one waits while an earlier one is held, and a queued answer is
  // rebased on the revision the server gave the one before it.
  function queue(entry) {
    entry.key = uuid();
    entry.owner = owner;
    entry.state = "waiting";
    entry.attempts = 0;
    entry.page = entry.page || location.pathname;
    entry.created = new Date().toISOString();
    return run("queue", "readwrite", function (store) { return store.add(entry); }).then(function (seq) {
      entry.seq = seq;
      show();
      if (navigator.onLine) { sync(); }
      return entry;
    });
  }

  function put(entry) { return run("queue", "readwrite", function (store) { return store.put(entry); }); }
  function remove(seq) { return run("queue", "readwrite", function (store) { return store.delete(seq); }); }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function reason(data) {
    if (!data) { return text.failed || ""; }
    if (typeof data === "string") { return data; }
    if (data.detail) { return data.detail; }
    var parts = [];
    Object.keys(data).forEach(function (field) {
      var value = data[field];
      parts.push(Array.isArray(value) ? value.join(" ") : String(value));
    });
    return parts.join(" ");
  }

  function send(entry) {
    var options = {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(), "Idempotency-Key": entry.key }
    };
    if (entry.json) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(entry.json);
    } else {
      var form = new FormData();
      Object.keys(entry.fields || {}).forEach(function (name) { form.append(name, entry.fields[name]); });
      (entry.files || []).forEach(function (file) { form.append(file.field, file.blob, file.name); });
      options.body = form;
    }
    return fetch(entry.url, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function emit(name, detail) { document.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  // A queued answer was typed over the revision the page had; once an earlier answer
  // of the same item is saved, the later ones build on the revision it got.
  function rebase(entry, revision) {
    return entries().then(function (all) {
      return Promise.all(all.filter(function (other) {
        return other.group === entry.group && other.seq > entry.seq && other.json && other.json.revision !== undefined;
      }).map(function (other) {
        other.json.revision = revision;
        return put(other);
      }));
    });
  }

  // The answer saved is this very change (sent before, its reply lost on the way).
  function alreadySaved(entry, current) {
    return Boolean(current && entry.json && current.answer === entry.json.answer &&
                   current.note === (entry.json.note || "").trim());
  }

  function get(seq) { return run("queue", "readonly", function (store) { return store.get(seq); }); }

  var MAX_ATTEMPTS = 3; // a change the server fails on each time is held for the user
  var again = false;

  // Sends the waiting changes in the order given; stops at the first that cannot
  // reach the server, and leaves a held one (conflict, refusal) and those after it
  // in its group for the user. Asked again while sending, it runs once more after.
  function sync() {
    if (syncing) { again = true; return syncing; }
    again = false;
    syncing = entries().then(function (all) {
      var held = {};
      var chain = Promise.resolve(true);
      all.forEach(function (listed) {
        chain = chain.then(function (going) {
          if (!going) { return false; }
          return get(listed.seq).then(function (entry) { // as it is now: rebased, or discarded
            if (!entry) { return true; }
            if (entry.state !== "waiting" || held[entry.group]) { held[entry.group] = true; return true; }
            show(true);
            return send(entry).then(function (result) { return settle(entry, result, held); }, function () { return false; });
          });
        });
      });
      return chain;
    }).then(finish, finish);
    function finish() {
      syncing = null;
      show();
      if (again && navigator.onLine) { sync(); }
    }
    return syncing;
  }

  function settle(entry, result, held) {
    var data = result.data;
    var done = result.status >= 200 && result.status < 300;
    if (result.status === 409 && alreadySaved(entry, data && data.current)) {
      done = true;
      data = { answer: entry.json.answer, note: data.current.note, revision: data.current.revision };
    }
    if (done) {
      return remove(entry.seq).then(function () {
        return data && data.revision !== undefined ? rebase(entry, data.revision) : null;
      }).then(function () {
        if (entry.dropOnSent) { drop(entry.dropOnSent); }
        emit("offline:sent", { entry: entry, data: data });
        return true;
      });
    }
    if (result.status === 401) { needsLogin = true; return false; }
    if (result.status >= 500) {
      entry.attempts = (entry.attempts || 0) + 1;
      if (entry.attempts < MAX_ATTEMPTS) { return put(entry).then(function () { return false; }); }
      data = null;
    }
    held[entry.group] = true;
    entry.state = result.status === 409 ? "conflict" : "refused";
    entry.current = result.status === 409 ? data.current : null;
    entry.reason = result.status === 409 ? "" : reason(data);
    return put(entry).then(function () { emit("offline:held", { entry: entry }); return true; });
  }

  // The user's answer to a held change: send it again over what is there now (with
  // a new key: it is a new decision), or give it up.
  function keep(entry) {
    entry.key = uuid();
    entry.state = "waiting";
    entry.attempts = 0;
    if (entry.json && entry.current) { entry.json.revision = entry.current.revision; }
    entry.current = null;
    entry.reason = "";
    return put(entry).then(function () { show(); return sync(); });
  }

  function discard(seq) { return remove(seq).then(function () { show(); }); }

  function format(template, n) { return (template || "").replace("{n}", n); }

  function show(sending) {
    if (!banner) { return Promise.resolve(); }
    return entries().then(function (all) {
      var held = all.filter(function (entry) { return entry.state !== "waiting"; });
      var message = "";
      var link = null;
      if (!navigator.onLine) {
        message = all.length ? format(text.offlineWaiting, all.length) : text.offline;
      } else if (needsLogin && all.length) {
        message = format(text.login, all.length);
        link = text.loginUrl;
      } else if (held.length) {
        message = format(text.held, held.length);
        link = held[0].page !== location.pathname ? held[0].page : null;
      } else if (all.length) {
        message = format(sending ? text.sending : text.waiting, all.length);
      }
      banner.hidden = !message;
      banner.classList.toggle("is-offline", !navigator.onLine);
      banner.querySelector(".offline-message").textContent = message;
      var anchor = banner.querySelector("a");
      anchor.hidden = !link;
      if (link) { anchor.href = link; }
      banner.dataset.count = String(all.length);
    });
  }

  // --- copies taken offline -----------------------------------------------------------

  function cacheCopy(cache, url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error(url); }
      var path = new URL(response.url).pathname;
      return cache.put(path, response.clone()).then(function () { return response.text(); }).then(function (html) {
        // The photos the page shows (thumbnails), so that it reads the same offline.
        var page = new DOMParser().parseFromString(html, "text/html");
        var images = Array.prototype.map.call(page.querySelectorAll("img[src]"), function (img) {
          return img.getAttribute("src");
        }).filter(function (src) { return src.charAt(0) === "/"; });
        return Promise.all(images.map(function (src) {
          return fetch(src, { credentials: "same-origin" }).then(function (image) {
            return image.ok ? cache.put(src, image).then(function () { return src; }) : null;
          }).catch(function () { return null; });
        }));
      });
    });
  }

  function take(urls, title) {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) { return cacheCopy(cache, url); }));
    }).then(function (photos) {
      // The photos are kept with the copy, and leave the phone with it.
      var held = urls.concat.apply(urls, photos).filter(Boolean);
      return run("copies", "readwrite", function (store) {
        return store.put({ url: urls[0], urls: held, title: title, owner: owner, taken: new Date().toISOString() });
      });
    });
  }

  function drop(url) {
    return run("copies", "readonly", function (store) { return store.get(url); }).then(function (copy) {
      var urls = copy ? copy.urls : [url];
      return caches.open(PAGES_CACHE).then(function (cache) {
        return Promise.all(urls.map(function (each) { return cache.delete(each); }));
      });
    }).then(function () {
      return run("copies", "readwrite", function (store) { return store.delete(url); });
    });
  }

  function copies() {
    return run("copies", "readonly", function (store) { return store.getAll(); }).then(function (all) {
      return all.filter(function (copy) { return copy.owner === owner; });
    });
  }

  // Photos are made at most 1,600 px on their long side before they are stored on
  // the phone: a few hundred KB each instead of several MB.
  var LONG_SIDE = 1600;
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve({ blob: file, name: file.name });
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? { blob: blob, name: file.name.replace(/\.[^.]*$/, "") + ".jpg" }
                       : { blob: file, name: file.name });
        }, "image/jpeg", 0.85);
      });
    }, function () { return { blob: file, name: file.name }; });
  }

  function clearAll() {
    var stores = ["queue", "copies", "meta"];
    return Promise.all([
      caches.keys().then(function (names) { return Promise.all(names.map(function (name) { return caches.delete(name); })); }),
      db().then(function (base) {
        return new Promise(function (resolve) {
          var transaction = base.transaction(stores, "readwrite");
          stores.forEach(function (name) { transaction.objectStore(name).clear(); });
          transaction.oncomplete = resolve;
          transaction.onerror = resolve;
        });
      })
    ]);
  }

  function wireTakeButtons() {
    var buttons = document.querySelectorAll("[data-take-offline]");
    if (!buttons.length) { return; }
    copies().then(function (held) {
      var taken = {};
      held.forEach(function (copy) { taken[copy.url] = true; });
      buttons.forEach(function (button) {
        var urls = button.dataset.takeOffline.split(" ");
        function label() {
          var on = taken[urls[0]];
          button.textContent = on ? button.dataset.taken : button.dataset.take;
          button.setAttribute("aria-pressed", on ? "true" : "false");
        }
        button.hidden = false;
        label();
        button.addEventListener("click", function () {
          button.disabled = true;
          var work = taken[urls[0]] ? drop(urls[0]) : take(urls, button.dataset.title || document.title);
          work.then(function () { taken[urls[0]] = !taken[urls[0]]; }, function () {
            button.textContent = button.dataset.failed;
          }).then(function () {
            button.disabled = false;
            if (button.textContent !== button.dataset.failed) { label(); }
          });
        });
      });
    });
  }

  function listOnOfflinePage() {
    var list = document.getElementById("offline-copies");
    if (!list) { return; }
    copies().then(function (held) {
      held.forEach(function (copy) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = copy.url;
        a.textContent = copy.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      document.getElementById("offline-none").hidden = held.length > 0;
    });
  }

  if (!window.indexedDB) { return; }
  if (!owner) {
    // The offline page is the same for everyone (it is kept by the service worker):
    // it lists the copies of the user this browser last served.
    if (document.getElementById("offline-copies")) {
      run("meta", "readonly", function (store) { return store.get("owner"); }).then(function (last) {
        owner = last || "";
        if (owner) { listOnOfflinePage(); }
      });
    }
    return;
  }

  // Another user on this browser: the copies are not theirs to read. (Changes queued
  // by the previous user stay, theirs, and are sent when they log in again.)
  function start() {
    run("meta", "readonly", function (store) { return store.get("owner"); }).then(function (previous) {
      if (previous === owner) { return null; }
      return caches.delete(PAGES_CACHE).then(function () {
        return run("copies", "readwrite", function (store) { return store.clear(); });
      }).then(function () {
        return run("meta", "readwrite", function (store) { return store.put(owner, "owner"); });
      });
    }).then(function () {
      wireTakeButtons();
      listOnOfflinePage();
      show();
      if (navigator.onLine) { sync(); }
    });
  }

  // Started once the page's own scripts (deferred, like this one, and run after it)
  // listen for offline:sent: a change sent before they listened was never shown as sent.
  var started = false;
  function startOnce() { if (!started) { started = true; start(); } }
  if (document.readyState === "complete") { startOnce(); } else {
    document.addEventListener("DOMContentLoaded", startOnce);
    window.addEventListener("load", startOnce);
  }

  if ("serviceWorker" in navigator && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: "/" });
  }

  window.addEventListener("online", function () { needsLogin = false; sync(); });
  window.addEventListener("offline", function () { show(); });

  // Logging out clears this browser's copies and queue (the server's Clear-Site-Data
  // does the same); changes still waiting are lost, so ask first.
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      entries().then(function (all) {
        if (all.length && !window.confirm(format(form.dataset.confirm, all.length))) { return; }
        clearAll().then(function () { form.submit(); });
      });
    });
  });

  window.PortalOffline = {
    queue: queue,
    entries: entries,
    sync: sync,
    keep: keep,
    discard: discard,
    show: show,
    shrink: shrink,
    drop: drop
  };
})();
