// The offline copy of the page (issue 7): a release build lists its files here and names its
// cache after their hash (scripts/stamp-sw.mjs). Installing caches them all; the page's own
// files are then served from the cache first, so the playground opens with no network after one
// visit. Unstamped (a dev build) it does nothing.
//
// Updates, as a PWA does them: a new build's worker installs beside the running one and waits,
// so the open page keeps the files it was built with. The page sees it waiting (index.html) and
// offers "A new version is available — Reload"; pressing it saves the work and posts
// 'skip-waiting', the new worker activates, deletes the older builds' caches, takes the page,
// and the page reloads into the new build. Without the click the new build opens on the next
// visit after every tab of the old one has closed. The first worker of all starts at once.
const FILES = [];
const CACHE = 'fsp-dev';
self.addEventListener('install', (e) => {
  if (!FILES.length) return self.skipWaiting();
  // From the network, not the HTTP cache: the cache must hold this build's files.
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))));
});
self.addEventListener('message', (e) => {
  if (e.data === 'skip-waiting') self.skipWaiting();
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fsp-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', (e) => {
  const r = e.request;
  if (!FILES.length || r.method !== 'GET' || new URL(r.url).origin !== location.origin) return;
  e.respondWith(caches.open(CACHE).then((c) => c.match(r, { ignoreSearch: true })).then((hit) => hit || fetch(r)));
});
