{% load static %}// The checklist form works without a connection: this worker keeps the last copy of
// the form page and of the static files it needs, and answers from them when the
// network does not. Only GET requests of the checklist form and of static files are
// touched; everything else goes to the network as usual.
"use strict";
var CACHE = "safetyzone-inspections-v1"; // also named in inspection-form.js
var STATIC_PREFIX = "{% get_static_prefix %}";
var FORM_PATH = "{% url 'inspections:inspection-create' %}";

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll([
        "{% static 'vendor/bootstrap/css/bootstrap.min.css' %}",
        "{% static 'vendor/bootstrap/js/bootstrap.bundle.min.js' %}",
        "{% static 'vendor/bootstrap-icons/bootstrap-icons.min.css' %}",
        "{% static 'vendor/htmx/htmx.min.js' %}",
        "{% static 'css/safetyzone.css' %}",
        "{% static 'js/site.js' %}",
        "{% static 'inspections/inspection-form.js' %}"
      ]).catch(function () {});
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var isForm = request.mode === "navigate" && url.pathname === FORM_PATH;
  var isStatic = url.pathname.indexOf(STATIC_PREFIX) === 0;
  if (!isForm && !isStatic) return;
  event.respondWith(
    fetch(request)
      .then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      })
      .catch(function () {
        return caches.match(request).then(function (found) {
          return found || Response.error();
        });
      })
  );
});
