// Onsite service worker: makes the app shell load offline.
// Data never lives here: cases, outbox and blobs are in IndexedDB, and /api is never cached.
const CACHE = "onsite-shell-v1";
const SHELL = ["/", "/index.html", "/manifest.webmanifest", "/icons/icon.svg", "/icons/icon-192.png"];
const ASSET_RE = /["'](\/[^"'\s?#]+\.(?:js|wasm|css|webmanifest|png|svg))["']/g;

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL);
  // The hashed wasm/js/css names come from index.html as trunk wrote it.
  const html = await (await fetch("/index.html", { cache: "no-store" })).text();
  const assets = new Set();
  for (const m of html.matchAll(ASSET_RE)) assets.add(m[1]);
  await cache.addAll([...assets]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isApi(url) {
  return url.pathname.startsWith("/api/") || url.pathname === "/healthz";
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || isApi(url)) return;

  if (req.mode === "navigate") {
    // Network first so a new release is picked up; the cached shell when offline.
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put("/index.html", copy));
          }
          return res;
        })
        .catch(() => caches.match("/index.html").then((r) => r || caches.match("/")))
    );
    return;
  }

  // Hashed assets never change: cache first, fill the cache on the way.
  event.respondWith(
    caches.match(req).then(
      (hit) =>
        hit ||
        fetch(req).then((res) => {
          if (res.ok && res.type === "basic") {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(req, copy));
          }
          return res;
        })
    )
  );
});
