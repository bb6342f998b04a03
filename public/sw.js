// Onsite service worker: the app shell of one build, so the app starts with no network.
// Data never lives here: cases, outbox and blobs are in IndexedDB; /api and /healthz pass by.
// The build (.ci/precache.py, a trunk hook) rewrites the next line with this build's files.
const VERSION = "dev"; const PRECACHE = []; /*__PRECACHE__*/
const CACHE = "onsite-" + VERSION;
const PRECACHED = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new build waits until the page's update banner says so.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("onsite-") && k !== CACHE).map((k) => caches.delete(k)))
      )
      .then(() => self.clients.claim())
  );
});

function shell() {
  return caches.open(CACHE).then((cache) => cache.match("/index.html"));
}

// This worker's own shell, so a page and every file it loads are of one build: the lazy
// pages' loader (__wasm_split.js) keeps its name from build to build, and a newer index.html
// from the network would load it from this older cache. A deploy reaches
// the device as a new worker, which the page offers as an update (src/pwa.rs); the network
// only when the cache has no shell.
async function navigate(request) {
  const cached = await shell();
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/healthz") return;

  if (req.mode === "navigate") {
    event.respondWith(navigate(req));
  } else if (PRECACHED.has(url.pathname)) {
    // Hashed build files never change under one name: cache first.
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(req, { ignoreSearch: true }))
        .then((hit) => hit || fetch(req))
    );
  }
});

// Background Sync where the browser has it: only a nudge, the page's own sync does the work.
self.addEventListener("sync", (event) => {
  if (event.tag !== "onsite-outbox") return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window", includeUncontrolled: true })
      .then((clients) => clients.forEach((client) => client.postMessage({ type: "FLUSH_OUTBOX" })))
  );
});
