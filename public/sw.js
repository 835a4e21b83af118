// TallyScan's service worker: keeps the app shell (page, script, wasm,
// styles, icons; the registry is inside the wasm) so the app loads and
// works offline after the first visit. Only this app's own files are
// served from the cache; API requests go to the network untouched.
//
// Updates: a new build has a new VERSION, so the browser installs it next
// to the running one; it waits (no skipWaiting here) until the page asks
// for it, which the page only does when the volunteer says so and no
// batch is running. scripts/sw-hook fills VERSION and SHELL at build time.
const VERSION = 'VERSION';
const SHELL = ['SHELL'];
const CACHE = `tallyscan-${VERSION}`;
const SCOPE = new URL('./', self.location).pathname;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(['./', ...SHELL].map((u) => new Request(u, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tallyscan-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE)) return;
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    if (request.mode === 'navigate') {
      const page = await cache.match('./');
      if (page) return page;
    }
    return fetch(request);
  }));
});
