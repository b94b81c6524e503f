// The checklist form on a phone (templates/inspections/inspection_form.html):
// - the enterprise list is searched by name or unified social credit code;
// - photos of a failed item are shrunk in the browser (canvas, long side 1600 px,
//   JPEG 0.8) before they are sent, with a preview of each;
// - everything typed is kept as a draft on this device (IndexedDB), so a dropped
//   connection or a closed tab loses nothing; a submission without a connection is
//   kept and sent when the browser is online again.
// No inline script (the Content-Security-Policy forbids it): the page's texts come
// from data attributes, translated by the server.
(function () {
  "use strict";

  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var THUMB_SIDE = 160;
  var DB_NAME = "safetyzone";
  var STORE = "inspection-drafts";
  var PAGE_CACHE = "safetyzone-inspections-v1"; // the service worker's cache

  var form = document.querySelector("form[data-inspection-form]");
  if (!form) return;
  var banner = document.querySelector("[data-offline-banner]");
  var restoredNote = document.querySelector("[data-draft-restored]");
  var draftKey = location.pathname + location.search;
  // Shrunk photos by field name: [{blob, name, thumb}].
  var photos = {};
  var sending = false;

  // --- IndexedDB ------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function loadDraft() {
    return withStore("readonly", function (store) { return store.get(draftKey); });
  }
  function storeDraft(pending) {
    var draft = { fields: fieldEntries(), photos: photos, pending: !!pending, savedAt: Date.now() };
    return withStore("readwrite", function (store) { store.put(draft, draftKey); })
      .catch(function () {});
  }
  function dropDraft() {
    return withStore("readwrite", function (store) { store.delete(draftKey); })
      .catch(function () {});
  }

  // --- The form's values ------------------------------------------------------------
  function fieldEntries() {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
      entries.push([name, value]);
    });
    return entries;
  }
  function restoreFields(entries) {
    var byName = {};
    entries.forEach(function (entry) {
      (byName[entry[0]] = byName[entry[0]] || []).push(entry[1]);
    });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.name === "csrfmiddlewaretoken") return;
      var values = byName[field.name];
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = !!values && values.indexOf(field.value) !== -1;
      } else if (values) {
        field.value = values[0];
      }
    });
  }
  function isFailed(photoField) {
    var item = photoField.closest(".checklist-item");
    var failed = item && item.querySelector("input[type=radio][value=fail]");
    return !!(failed && failed.checked);
  }

  // --- Photos ---------------------------------------------------------------------
  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return createImageBitmap(file);
      });
    }
    return Promise.reject(new Error("no createImageBitmap"));
  }
  function draw(bitmap, side) {
    var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG becomes white, not black, in JPEG
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  }
  function shrink(file) {
    return decode(file).then(function (bitmap) {
      var canvas = draw(bitmap, MAX_SIDE);
      var thumb = draw(bitmap, THUMB_SIDE).toDataURL("image/jpeg", 0.7);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          // A small photo may already be smaller than its JPEG: keep the original.
          if (!blob || (blob.size >= file.size && /^image\/jpeg$/.test(file.type))) {
            resolve({ blob: file, name: file.name || name, thumb: thumb });
          } else {
            resolve({ blob: blob, name: name, thumb: thumb });
          }
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () {
      // Not decodable here (an old browser): send it as it is, the server checks it.
      return { blob: file, name: file.name || "photo", thumb: "" };
    });
  }
  function renderPreviews(name) {
    var box = form.querySelector('[data-photo-previews="' + name + '"]');
    if (!box) return;
    box.textContent = "";
    (photos[name] || []).forEach(function (photo, index) {
      var figure = document.createElement("figure");
      figure.className = "photo-preview m-0 position-relative";
      if (photo.thumb) {
        var img = document.createElement("img");
        img.src = photo.thumb;
        img.alt = photo.name;
        img.className = "rounded border";
        figure.appendChild(img);
      }
      var caption = document.createElement("figcaption");
      caption.className = "small text-muted";
      caption.textContent = Math.round(photo.blob.size / 1024) + " KB";
      figure.appendChild(caption);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-sm btn-light position-absolute top-0 end-0 py-0 px-1";
      remove.textContent = "×";
      remove.setAttribute("aria-label", form.dataset.msgRemove || "Remove");
      remove.addEventListener("click", function () {
        photos[name].splice(index, 1);
        renderPreviews(name);
        storeDraft(false);
      });
      figure.appendChild(remove);
      box.appendChild(figure);
    });
  }
  form.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("input[type=file][data-photo-input]")) {
      var files = Array.prototype.slice.call(field.files || []);
      field.value = ""; // the shrunk copies are sent, never the originals
      Promise.all(files.map(shrink)).then(function (shrunk) {
        photos[field.name] = (photos[field.name] || []).concat(shrunk);
        renderPreviews(field.name);
        field.dataset.shrunk = String(photos[field.name].length);
        return storeDraft(false);
      });
      return;
    }
    storeDraft(false);
  });
  form.addEventListener("input", function () { storeDraft(false); });

  // --- Enterprise search -------------------------------------------------------------
  function setupSearch() {
    var search = form.querySelector("[data-enterprise-search]");
    if (!search) return;
    var select = form.querySelector("#" + search.dataset.enterpriseSearch);
    var none = form.querySelector("[data-enterprise-none]");
    var original = select.cloneNode(true);
    search.addEventListener("input", function () {
      var query = search.value.trim().toLowerCase();
      var chosen = select.value;
      var fresh = original.cloneNode(true);
      var matches = [];
      Array.prototype.forEach.call(fresh.querySelectorAll("option"), function (option) {
        if (!option.value) return;
        if (query && option.textContent.toLowerCase().indexOf(query) === -1) {
          option.remove();
        } else {
          matches.push(option);
        }
      });
      Array.prototype.forEach.call(fresh.querySelectorAll("optgroup"), function (group) {
        if (!group.querySelector("option")) group.remove();
      });
      select.innerHTML = fresh.innerHTML;
      if (query && matches.length === 1) {
        select.value = matches[0].value;
      } else {
        select.value = chosen;
        if (select.value !== chosen) select.value = "";
      }
      if (none) none.classList.toggle("d-none", !query || matches.length > 0);
      storeDraft(false);
    });
  }

  // --- Sending --------------------------------------------------------------------
  function showBanner(text) {
    if (!banner) return;
    if (text) banner.textContent = text;
    banner.classList.remove("d-none");
  }
  function payload() {
    var data = new FormData();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") data.append(name, value);
    });
    form.querySelectorAll("input[type=file][data-photo-input]").forEach(function (field) {
      if (!isFailed(field)) return; // photos belong to failed items only
      (photos[field.name] || []).forEach(function (photo) {
        data.append(field.name, photo.blob, photo.name);
      });
    });
    return data;
  }
  function replaceForm(html) {
    // The server answered with the form and its errors: show them, keep the photos.
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("form[data-inspection-form]");
    if (!fresh) return false;
    form.innerHTML = fresh.innerHTML;
    Object.keys(photos).forEach(renderPreviews);
    setupSearch();
    var error = form.querySelector(".is-invalid, .text-danger, .alert-danger");
    if (error) error.scrollIntoView({ block: "center" });
    return true;
  }
  function send() {
    if (sending) return Promise.resolve();
    if (!navigator.onLine) {
      return storeDraft(true).then(function () { showBanner(); });
    }
    sending = true;
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    return storeDraft(true)
      .then(function () {
        return fetch(form.action || location.href, {
          method: "POST",
          body: payload(),
          credentials: "same-origin",
          headers: { "X-Requested-With": "XMLHttpRequest" },
        });
      })
      .then(function (response) {
        var login = response.redirected && /\/accounts\/login\//.test(response.url);
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/json") === 0) {
          // Recorded: the server names the page to open next.
          return response.json().then(function (answer) {
            return dropDraft().then(function () { location.assign(answer.location); });
          });
        }
        if (response.redirected && response.ok && !login) {
          return dropDraft().then(function () { location.assign(response.url); });
        }
        if (response.ok || response.status === 400) {
          return response.text().then(function (html) {
            storeDraft(false);
            if (!replaceForm(html)) showBanner(form.dataset.msgFailed);
          });
        }
        // Signed out, refused or a server error: keep the draft, say so.
        showBanner(form.dataset.msgFailed);
        if (login) location.assign(response.url);
      })
      .catch(function () {
        showBanner();
      })
      .then(function () {
        sending = false;
        var again = form.querySelector("[type=submit]");
        if (again) again.disabled = false;
      });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  window.addEventListener("online", function () {
    loadDraft().then(function (draft) {
      if (draft && draft.pending) send();
    }).catch(function () {});
  });

  // --- Start ----------------------------------------------------------------------
  setupSearch();
  loadDraft().then(function (draft) {
    if (!draft) return;
    restoreFields(draft.fields || []);
    photos = draft.photos || {};
    Object.keys(photos).forEach(renderPreviews);
    if (restoredNote) restoredNote.classList.remove("d-none");
    if (draft.pending) {
      showBanner();
      if (navigator.onLine) send();
    }
  }).catch(function () {});
  if ("serviceWorker" in navigator && form.dataset.serviceWorker) {
    navigator.serviceWorker.register(form.dataset.serviceWorker).catch(function () {});
    // Keep this page for the worker to answer with when a reload finds no network (once
    // the worker controls the page, it keeps each copy it fetches itself).
    if (window.caches && navigator.onLine && !navigator.serviceWorker.controller) {
      caches.open(PAGE_CACHE).then(function (cache) {
        return cache.add(location.href);
      }).catch(function () {});
    }
  }
})();
