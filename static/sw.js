// The offline copy of the page (issue 7): a release build lists its files here and names its
// cache after their hash (scripts/stamp-sw.mjs); installing caches them all, activating deletes
// the caches of older builds, and the page's own files are then served from the cache first, so
// the playground opens with no network after one visit. Unstamped (a dev build) it does nothing.
const FILES = [];
const CACHE = 'fsp-dev';
self.addEventListener('install', (e) => {
  self.skipWaiting();
  if (FILES.length) e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)));
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
