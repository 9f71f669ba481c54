// The portal's own script: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // A second click on a submit button while the first request runs would
    // upload or import the same file twice. A submit a script took over (saved by
    // fetch, queued offline, or a logout not confirmed) sends no request: its
    // buttons stay usable.
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        window.setTimeout(function () {
          if (event.defaultPrevented) { return; }
          form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
        }, 0);
      });
    });
  });
})();

// "Choose all" boxes tick every box of their table.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches("input[data-check-all]")) {
    box.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach(function (other) {
      other.checked = box.checked;
    });
  }
});

// The menu's badges: how much waits in each part of the portal, fetched after the
// page (so no page pays for them) and shown beside its menu entry.
document.addEventListener("DOMContentLoaded", function () {
  var nav = document.getElementById("main-nav");
  if (!nav || !nav.dataset.counts || !window.fetch) { return; }
  fetch(nav.dataset.counts, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (counts) {
      nav.querySelectorAll("a[data-nav]").forEach(function (link) {
        var count = counts[link.dataset.nav];
        if (!count) { return; }
        var badge = document.createElement("span");
        badge.className = "nav-badge";
        badge.textContent = count > 99 ? "99+" : String(count);
        badge.setAttribute("aria-label", nav.dataset.waiting + "：" + count);
        link.appendChild(badge);
      });
    })
    .catch(function () {});
});

// A table wider than the screen scrolls sideways in its wrapper: the wrapper is
// made reachable by keyboard and named after the heading above it, so that a
// keyboard or screen-reader user can scroll it too. Recomputed on resize.
(function () {
  "use strict";
  function label(wrap, index) {
    var section = wrap.closest("section, main");
    var heading = section && section.querySelector("h1, h2, h3");
    var text = heading ? heading.textContent.trim() : document.title;
    return index ? text + " (" + (index + 1) + ")" : text;
  }
  function mark() {
    var used = {};
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth) {
        if (wrap.dataset.marked) {
          ["tabindex", "role", "aria-label"].forEach(function (a) { wrap.removeAttribute(a); });
          delete wrap.dataset.marked;
        }
        return;
      }
      if (wrap.hasAttribute("tabindex") && !wrap.dataset.marked) { return; }  // named in the page
      var name = label(wrap, 0);
      used[name] = (used[name] || 0) + 1;
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", used[name] > 1 ? label(wrap, used[name] - 1) : name);
      wrap.dataset.marked = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();

// A photo's thumbnail opens the photo large over the page; the arrows (buttons or
// keys) step through the photos of the same list and Esc closes. Without scripts, or
// with a modifier key held, the link opens the photo in a tab.
(function () {
  "use strict";
  var dialog, image, caption, original, photos, at;
  function build(list) {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    var bar = document.createElement("div");
    bar.className = "lightbox-bar";
    caption = document.createElement("p");
    original = document.createElement("a");
    original.target = "_blank";
    original.rel = "noopener";
    original.textContent = "↗";
    bar.appendChild(caption);
    bar.appendChild(original);
    [["previous", "‹", -1], ["next", "›", 1]].forEach(function (spec) {
      var step = document.createElement("button");
      step.type = "button";
      step.className = "lightbox-" + spec[0];
      step.textContent = spec[1];
      step.setAttribute("aria-label", list.dataset[spec[0]]);
      step.addEventListener("click", function () { show(at + spec[2]); });
      bar.appendChild(step);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "lightbox-close";
    close.textContent = "×";
    close.setAttribute("aria-label", list.dataset.close);
    close.addEventListener("click", function () { dialog.close(); });
    bar.appendChild(close);
    image = document.createElement("img");
    dialog.appendChild(bar);
    dialog.appendChild(image);
    // A click on the backdrop (outside the dialog's box) closes it.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(at - 1); }
      if (event.key === "ArrowRight") { show(at + 1); }
    });
    document.body.appendChild(dialog);
  }
  function show(index) {
    at = (index + photos.length) % photos.length;
    var link = photos[at];
    var name = link.querySelector(".attachment-name").textContent;
    image.src = link.href;
    image.alt = name;
    caption.textContent = name + (photos.length > 1 ? "（" + (at + 1) + "/" + photos.length + "）" : "");
    original.href = link.href;
    original.setAttribute("aria-label", name);
    dialog.querySelectorAll(".lightbox-previous, .lightbox-next").forEach(function (step) {
      step.hidden = photos.length < 2;
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-lightbox]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || !window.HTMLDialogElement) {
      return;
    }
    event.preventDefault();
    var list = link.closest(".attachments");
    if (!dialog) { build(list); }
    photos = Array.prototype.slice.call(list.querySelectorAll("a[data-lightbox]"));
    show(photos.indexOf(link));
    dialog.showModal();
  });
})();
