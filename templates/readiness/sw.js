// The portal's service worker (readiness/pwa.py serves it from the root, so its scope
// is every page). Static files come from the phone; a page comes from the network,
// and from the copy the user took offline (static/js/offline.js) when there is none.
// Writes are never answered here: the page queues them while offline.
"use strict";
var VERSION = "{{ version }}";
var STATIC_CACHE = "portal-static-" + VERSION;
var PAGES_CACHE = "portal-pages";
var STATIC_PREFIX = "{{ static_prefix|escapejs }}";
var PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var OFFLINE_PAGE = PRECACHE[PRECACHE.length - 1];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () { return self.skipWaiting(); }));
});

// The copies taken offline name the static files of the version they were rendered
// with: a new version renews them first, and drops the old files only once every
// copy names the new ones (offline, the old files stay for the old copies).
function renewCopies() {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return fetch(request.url, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok || response.redirected) { throw new Error(request.url); }
          return cache.put(request, response);
        });
      }));
    });
  }).then(function () { return true; }, function () { return false; });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(renewCopies().then(function (renewed) {
    if (!renewed) { return null; }
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("portal-static-") === 0 && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    });
  }).then(function () { return self.clients.claim(); }));
});

function fromCopies(url) {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(url.pathname, { ignoreSearch: true });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  event.respondWith(fetch(request).then(function (response) {
    if (request.mode === "navigate" && response.ok && !response.redirected) {
      // A copy taken offline is renewed each time its page is opened online.
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (held) {
          return held ? cache.put(url.pathname, copy) : null;
        });
      }));
    }
    return response;
  }).catch(function (error) {
    return fromCopies(url).then(function (hit) {
      if (hit) { return hit; }
      if (request.mode === "navigate") { return caches.match(OFFLINE_PAGE); }
      throw error;
    });
  }));
});
