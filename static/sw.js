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
//
// The builds from before that offer (the first offline cut: its worker took over at once and its
// page watches for nothing) cannot tell their tabs that a new build waits: behind one of them,
// whose cached page does not listen for 'fsp-update', this worker does what that one expected,
// takes over at once, and then reloads its tabs into this build (a tab saves its work when it is
// left, and the reload runs the console lines again), with '?fsp-updated' so that the page says
// it was updated (index.html).
const FILES = [];
const CACHE = 'fsp-dev';
const older = () => caches.keys().then((keys) => keys.filter((k) => k.startsWith('fsp-') && k !== CACHE));
const behindSpeechless = () => older()
  .then((keys) => Promise.all(keys.map((k) => caches.open(k).then((c) => c.match('./')).then((r) => (r ? r.text() : '')))))
  .then((pages) => pages.some((p) => p && !p.includes('fsp-update')));
self.addEventListener('install', (e) => {
  if (!FILES.length) return self.skipWaiting();
  // From the network, not the HTTP cache: the cache must hold this build's files.
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map((f) => new Request(f, { cache: 'reload' }))))
    .then(behindSpeechless).then((speechless) => speechless && self.skipWaiting()));
});
self.addEventListener('message', (e) => {
  if (e.data === 'skip-waiting') self.skipWaiting();
});
self.addEventListener('activate', (e) => {
  const speechless = behindSpeechless();
  const done = speechless.then(older)
    .then((keys) => Promise.all(keys.map((k) => caches.delete(k))))
    .then(() => self.clients.claim());
  e.waitUntil(done);
  // Once active, not while activating: the reload's request comes to this worker, whose fetch
  // events wait until its activation is over.
  Promise.all([speechless, done]).then(([reload]) => reload && self.clients.matchAll({ type: 'window' }))
    .then((tabs) => (tabs || []).forEach((t) => {
      const url = new URL(t.url);
      url.searchParams.set('fsp-updated', '');
      t.navigate(url.href).catch(() => {});
    }));
});
self.addEventListener('fetch', (e) => {
  const r = e.request;
  if (!FILES.length || r.method !== 'GET' || new URL(r.url).origin !== location.origin) return;
  e.respondWith(caches.open(CACHE).then((c) => c.match(r, { ignoreSearch: true })).then((hit) => hit || fetch(r)));
});
