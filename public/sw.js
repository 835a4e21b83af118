// TallyScan's service worker: keeps the app shell (page, script, wasm,
// styles, icons; the registry is inside the wasm) so the app loads and
// works offline after the first visit. Only this app's own files are
// served from the cache; API requests go to the network untouched.
//
// Nothing is downloaded twice: each file is taken from the browser's HTTP
// cache, which holds what the page has just fetched, and kept only if its
// SHA-256 is this build's (else it is fetched afresh). PDF input (its
// worker and PDF.js, ~650 KB) is cached only when the page says it is idle;
// a PDF picked before that loads from the network as usual.
//
// Updates: a new build has a new VERSION, so the browser installs it next
// to the running one; it waits (no skipWaiting here) until the page asks
// for it, which the page only does when the volunteer says so and no
// batch is running. scripts/sw-hook fills VERSION and SHELL at build time.
const VERSION = 'VERSION';
// [path, SHA-256] of this build's files: at install, and when idle.
const SHELL = ['SHELL'];
const LATER = ['LATER'];
const CACHE = `tallyscan-${VERSION}`;
const SCOPE = new URL('./', self.location).pathname;

async function sha256(buf) {
  const d = await crypto.subtle.digest('SHA-256', buf);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

// This build's `path` into the cache: from the HTTP cache when it holds
// this very file, else from the server.
async function keep(cache, [path, hash]) {
  for (const mode of ['default', 'reload']) {
    const r = await fetch(new Request(path, { cache: mode }));
    if (!r.ok) continue;
    const body = await r.arrayBuffer();
    if (await sha256(body) !== hash) continue;
    const kept = () => new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
    await cache.put(path, kept());
    if (path === 'index.html') await cache.put('./', kept());
    return;
  }
  throw new Error(`${path}: the server does not have this version`);
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(SHELL.map((e) => keep(cache, e)))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tallyscan-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'page-idle') {
    event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(LATER.map(async (e) => {
      if (!(await cache.match(e[0]))) await keep(cache, e);
    }))));
  }
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
