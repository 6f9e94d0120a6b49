/**
 * The dashboard's entry: takes a `#token=` link, knows who is signed in, and routes the
 * hash to a view. A view is `async (ctx) => ({ title, node, afterMount? } | { redirect })`;
 * the app shows "Loading" in the live region, swaps the view into <main>, moves focus to its
 * heading, then lets it draw its charts.
 */
import { ApiError, api, setUnauthorizedHandler, token } from './api.js';
import { h, replace } from './dom.js';
import { parseRoute, signinHref } from './routes.js';
import { alertsView } from './views/alerts.js';
import { capabilityView } from './views/capability.js';
import { gridView } from './views/grid.js';
import { overviewView } from './views/overview.js';
import { roadmapView } from './views/roadmap.js';
import { signinView } from './views/signin.js';
import { tenantsView } from './views/tenants.js';

const VIEWS = {
  tenants: tenantsView,
  overview: overviewView,
  grid: gridView,
  capability: capabilityView,
  roadmap: roadmapView,
  alerts: alertsView,
  signin: signinView,
};

const RETURN_KEY = 'ppmat.returnTo';
const main = document.getElementById('main');
const status = document.getElementById('status');
const userBox = document.getElementById('user');

const session = { principal: null, authConfig: { entra: false } };
let signinMessage = null;
let navigation = 0;

/** Takes `#token=…` (the start banner's link) into sessionStorage and out of the address bar and history. */
function consumeTokenFragment() {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match) return false;
  token.set(decodeURIComponent(match[1]));
  session.principal = null;
  const target = sessionStorage.getItem(RETURN_KEY) ?? '#/';
  sessionStorage.removeItem(RETURN_KEY);
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}${target}`);
  return true;
}

setUnauthorizedHandler((error) => {
  token.clear();
  session.principal = null;
  signinMessage = error.message;
  renderUser();
  if (parseRoute(window.location.hash).name !== 'signin') {
    sessionStorage.setItem(RETURN_KEY, window.location.hash || '#/');
    window.location.hash = signinHref();
  }
});

function renderUser() {
  if (!session.principal) {
    replace(userBox);
    return;
  }
  const p = session.principal;
  replace(
    userBox,
    h('span', { class: 'user__name', dataset: { role: p.role } }, h('span', { class: 'visually-hidden' }, 'Signed in as '), p.name, ' ', h('span', { class: 'tag' }, p.role)),
    ' ',
    h('button', { type: 'button', class: 'button button--quiet', id: 'sign-out', on: { click: signOut } }, 'Sign out'),
  );
}

async function signOut() {
  token.clear();
  session.principal = null;
  renderUser();
  // A Microsoft sign-in lives in an HttpOnly cookie that only the server can end.
  await api.post('/auth/logout', {}, { quiet401: true }).catch(() => undefined);
  signinMessage = 'You are signed out.';
  // Signing in again (perhaps as someone else) comes back to this page.
  sessionStorage.setItem(RETURN_KEY, window.location.hash || '#/');
  window.location.hash = signinHref();
}

function onSignedIn(principal) {
  session.principal = principal;
  signinMessage = null;
  renderUser();
  const target = sessionStorage.getItem(RETURN_KEY) ?? '#/';
  sessionStorage.removeItem(RETURN_KEY);
  if (window.location.hash === target) route();
  else window.location.hash = target;
}

function setStatus(text) {
  status.textContent = text;
}

function errorView(error) {
  const forbidden = error instanceof ApiError && error.status === 403;
  const missing = error?.status === 404;
  const title = forbidden ? 'Not allowed' : missing ? 'Not found' : 'Something went wrong';
  return {
    title,
    node: h(
      'section',
      { class: 'view', dataset: { view: 'error' } },
      h('h1', { tabindex: '-1' }, title),
      h('p', { class: 'message message--error', role: 'alert' }, error?.message ?? String(error)),
      error?.code ? h('p', { class: 'hint' }, 'Code ', h('code', {}, error.code)) : null,
      h('p', {}, h('a', { href: '#/?list=1' }, 'Back to the tenants')),
    ),
  };
}

async function route() {
  if (consumeTokenFragment()) return route();
  const id = ++navigation;
  const current = parseRoute(window.location.hash);
  const stale = () => id !== navigation;

  if (current.name !== 'signin' && !session.principal) {
    setStatus('Checking who is signed in…');
    try {
      session.principal = (await api.get('/api/me')).principal;
      renderUser();
    } catch (error) {
      if (stale() || error.status === 401) return;
      return show(id, errorView(error));
    }
    if (stale()) return;
  }

  const view = current.name === 'not-found' ? null : VIEWS[current.name];
  if (!view) return show(id, errorView(Object.assign(new Error('This page does not exist.'), { status: 404 })));
  setStatus('Loading…');
  main.setAttribute('aria-busy', 'true');
  let result;
  try {
    result = await view({ ...current, session, message: signinMessage, onSignedIn });
  } catch (error) {
    if (stale() || error.status === 401) return;
    console.error(error);
    result = errorView(error);
  }
  if (stale()) return;
  if (result.redirect) {
    history.replaceState(null, '', result.redirect);
    return route();
  }
  show(id, result);
}

function show(id, result) {
  if (id !== navigation) return;
  main.removeAttribute('aria-busy');
  replace(main, result.node);
  document.title = `${result.title} · ppmat`;
  markCurrentNav();
  const heading = main.querySelector('h1');
  heading?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  try {
    result.afterMount?.();
  } catch (error) {
    console.error(error);
    main.prepend(h('p', { class: 'message message--error', role: 'alert' }, `A chart could not be drawn: ${error.message}`));
  }
  setStatus(result.node.dataset.view === 'error' ? '' : `${result.title} loaded.`);
}

function markCurrentNav() {
  const name = parseRoute(window.location.hash).name;
  for (const link of document.querySelectorAll('#site-nav a')) {
    const current = (link.dataset.nav === 'alerts' && name === 'alerts' && !window.location.hash.startsWith('#/t/')) || (link.dataset.nav === 'tenants' && name === 'tenants');
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** The skip link must not change the hash (it is the router's): it moves focus to the page's heading. */
function wireSkipLink() {
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    const target = main.querySelector('h1') ?? main;
    target.focus();
    target.scrollIntoView();
  });
}

async function start() {
  wireSkipLink();
  consumeTokenFragment();
  try {
    session.authConfig = await api.get('/auth/config', { quiet401: true });
  } catch {
    session.authConfig = { entra: false };
  }
  window.addEventListener('hashchange', route);
  await route();
}

start();
