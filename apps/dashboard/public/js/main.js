// @ts-check
/**
 * The dashboard's composition root: finds the page's elements, builds the modules and wires
 * signing in and out. ES modules without a build step; `type="module"` scripts run after the
 * document is parsed, so the elements exist.
 */
import { createApi } from './api.js';
import { createAuthView } from './auth.js';
import { createOidcSignIn, loadAuthConfig } from './auth/sign-in.js';
import { createDetail } from './detail/controller.js';
import { byId, within } from './dom.js';
import { createLive } from './live.js';
import { createNotices } from './notices.js';
import { AUTO_PROCESS_KEY, createFlag } from './prefs.js';
import { createRecordings } from './recordings.js';
import { createSearch } from './search.js';
import { createTokenStore, takeTokenFromAddress } from './session.js';
import { createState } from './state.js';
import { createTable } from './table.js';
import { createTeamView } from './team/team-view.js';
import { createObjectionsView } from './objections/objections-view.js';
import { createUpload } from './upload.js';

/**
 * @typedef {import('./api.js').ApiError} ApiError
 * @typedef {import('./session.js').KeyValueStore} KeyValueStore
 */

/**
 * Storage that may be missing or refuse access (site data disabled).
 * @param {() => KeyValueStore} get
 */
function storage(get) {
  try {
    return get();
  } catch {
    return null;
  }
}

const tokens = createTokenStore({
  session: storage(() => window.sessionStorage),
  legacy: storage(() => window.localStorage),
});
const state = createState();
let signedIn = false;
/** @type {import('./auth/sign-in.js').OidcSignIn | null} with OIDC on (GET /auth/config) */
let oidc = null;
/** Whether a request with the current token has succeeded. */
let tokenAccepted = false;

const notices = createNotices({
  alert: byId('alert', HTMLElement),
  alertText: within(document, '#alert .alert-text', HTMLElement),
  announcer: byId('announcer', HTMLElement),
  connection: byId('connection', HTMLElement),
  connectionText: within(document, '#connection .connection-text', HTMLElement),
});
within(document, '#alert .alert-close', HTMLButtonElement).addEventListener('click', () => notices.hideAlert());

/**
 * A 401. Answers to a token that has since been replaced are ignored: they must not sign
 * out the session that replaced it.
 * @param {ApiError} err
 * @param {string} token
 */
function onUnauthorized(err, token) {
  if (!signedIn || token !== tokens.get()) return;
  const again = oidc ? 'Sign in again to continue.' : 'Paste a new token to continue.';
  signOut(
    tokenAccepted
      ? `Your session has ended (${err.message}). ${again}`
      : `That token was not accepted (${err.message}). ${oidc ? again : 'Check it and try again.'}`,
  );
}

/** @param {string} token */
function onAccepted(token) {
  if (token !== tokens.get() || tokenAccepted) return;
  tokenAccepted = true;
  notices.hideAlert('auth'); // a token error from before this sign-in is stale now
}

const api = createApi({ token: () => tokens.get(), onUnauthorized, onAccepted });

const loadMoreButton = byId('load-more', HTMLButtonElement);
/** @type {import('./detail/controller.js').Detail | null} */
let detail = null;
const table = createTable(
  { tbody: byId('recordings-body', HTMLTableSectionElement), empty: byId('empty', HTMLElement) },
  {
    onAction(action, audioId) {
      if (action === 'view') void detail?.open(audioId);
      else void recordings.start(action, audioId);
    },
  },
);
const recordings = createRecordings({
  state,
  api,
  table,
  notices,
  loadMore: loadMoreButton,
  signedIn: () => signedIn,
});
detail = createDetail(
  {
    section: byId('detail', HTMLElement),
    title: byId('detail-title', HTMLElement),
    sub: byId('detail-sub', HTMLElement),
    body: byId('detail-body', HTMLElement),
    close: byId('detail-close', HTMLButtonElement),
    remove: byId('detail-delete', HTMLButtonElement),
    edit: byId('detail-edit', HTMLButtonElement),
    details: byId('detail-details', HTMLElement),
  },
  { api, state, recordings, table, onError: (message) => notices.showAlert(message) },
);

// Search hits and the objection library both open a recording at a time.
const opening = {
  api,
  /** @type {(audioId: string, atMs: number) => void} */
  onOpen: (audioId, atMs) => void detail?.open(audioId, { atMs }),
  /** @type {(message: string) => void} */
  onError: (message) => notices.showAlert(message),
};

const search = createSearch(
  {
    form: byId('search-form', HTMLFormElement),
    input: byId('search-input', HTMLInputElement),
    status: byId('search-status', HTMLSelectElement),
    sort: byId('search-sort', HTMLSelectElement),
    clear: byId('search-clear', HTMLButtonElement),
    results: byId('search-results', HTMLElement),
    list: byId('search-list', HTMLElement),
    summary: byId('search-summary', HTMLElement),
    more: byId('search-more', HTMLButtonElement),
  },
  opening,
);

const team = createTeamView(
  {
    section: byId('team', HTMLElement),
    body: byId('team-body', HTMLElement),
    weeks: byId('team-weeks', HTMLSelectElement),
    toggle: byId('team-toggle', HTMLButtonElement),
  },
  api,
);

const objections = createObjectionsView(
  {
    section: byId('objections', HTMLElement),
    toggle: byId('objections-toggle', HTMLButtonElement),
    picker: byId('objections-type', HTMLSelectElement),
    list: byId('objections-list', HTMLElement),
    summary: byId('objections-summary', HTMLElement),
    more: byId('objections-more', HTMLButtonElement),
  },
  opening,
);

const live = createLive({
  url: () => {
    const token = tokens.get();
    return token ? api.eventsUrl(token) : null;
  },
  onRecording: (view) => recordings.upsert(view),
  onDeleted: (audioId) => {
    if (detail.audioId === audioId) detail.close();
    recordings.remove(audioId);
  },
  onMode: (mode) => notices.setConnection(mode),
  poll: () => recordings.poll(),
  onCatchUp: () => {
    if (state.firstPageLoaded) void recordings.loadFirstPage();
  },
});

const upload = createUpload(
  {
    form: byId('upload-form', HTMLFormElement),
    file: byId('file-input', HTMLInputElement),
    competitors: byId('competitors-input', HTMLInputElement),
    auto: byId('auto-input', HTMLInputElement),
    submit: byId('upload-button', HTMLButtonElement),
    cancel: byId('upload-cancel', HTMLButtonElement),
    progress: byId('upload-progress', HTMLElement),
    bar: byId('upload-bar', HTMLProgressElement),
    progressText: byId('upload-progress-text', HTMLElement),
  },
  {
    token: () => tokens.get(),
    notices,
    recordings,
    signedIn: () => signedIn,
    onUnauthorized,
    onAccepted,
    autoProcess: createFlag(
      storage(() => window.localStorage),
      AUTO_PROCESS_KEY,
      true,
    ),
  },
);

const auth = createAuthView(
  {
    card: byId('auth-card', HTMLElement),
    form: byId('auth-form', HTMLFormElement),
    input: byId('token-input', HTMLTextAreaElement),
    tokenBox: byId('token-sign-in', HTMLElement),
    oidcBox: byId('oidc-sign-in', HTMLElement),
    oidcButton: byId('oidc-button', HTMLButtonElement),
    oidcIssuer: byId('oidc-issuer', HTMLElement),
    app: byId('app', HTMLElement),
    whoami: byId('whoami', HTMLElement),
    signOut: byId('sign-out', HTMLButtonElement),
  },
  {
    onToken: signIn,
    onEmpty: () => notices.showAlert('Paste the access token first.', { topic: 'auth' }),
    onSignOut: () => signOut(),
    onProvider: () => void oidc?.begin(),
  },
);

/** @param {string} token */
function signIn(token) {
  if (signedIn) stopSession();
  tokens.set(token);
  tokenAccepted = false;
  signedIn = true;
  notices.hideAlert('general');
  auth.showApp();
  void recordings.loadFirstPage();
  void team.load();
  objections.show();
  live.start();
  api.me().then(
    (me) => token === tokens.get() && auth.showUser(me),
    () => undefined, // a 401 signs out through onUnauthorized; the list says any other failure
  );
}

/** Stops everything that used the token. */
function stopSession() {
  signedIn = false;
  tokenAccepted = false;
  live.stop();
  upload.abort();
  detail?.close();
  search.clear();
  team.clear();
  objections.clear();
  recordings.clear();
}

/**
 * Back to the sign-in card, with the reason if the server ended the session.
 * @param {string} [message]
 */
function signOut(message) {
  const wasSignedIn = signedIn;
  stopSession();
  tokens.clear();
  // The provider's session ends too when the user signs out (not when the token expired).
  const endSession = oidc?.signOut() ?? null;
  notices.setConnection('offline');
  auth.showSignIn();
  if (message) notices.showAlert(message, { topic: 'auth' });
  else if (wasSignedIn) notices.hideAlert();
  if (endSession && !message && wasSignedIn) window.location.assign(endSession);
}

byId('refresh', HTMLButtonElement).addEventListener('click', () => void recordings.loadFirstPage());
loadMoreButton.addEventListener('click', () => void recordings.loadMore());
// A new dashboard link opened in this tab.
window.addEventListener('hashchange', () => {
  const token = takeTokenFromAddress(window.location, window.history);
  if (token) signIn(token);
});

/** OIDC on: the provider's button, and a callback in the address redeemed. Then a token, if any. */
async function start() {
  const config = await loadAuthConfig((input, init) => fetch(input, init));
  if (config) {
    oidc = createOidcSignIn({
      config,
      session: storage(() => window.sessionStorage),
      location: window.location,
      history: window.history,
      fetch: (input, init) => fetch(input, init),
      crypto: window.crypto,
    });
    auth.useProvider(config.issuer);
    try {
      const fromProvider = await oidc.complete();
      if (fromProvider) return signIn(fromProvider);
    } catch (err) {
      notices.showAlert(`Signing in failed: ${/** @type {Error} */ (err).message}.`, { topic: 'auth' });
    }
  }
  const token = takeTokenFromAddress(window.location, window.history) || tokens.get();
  if (token) signIn(token);
  else {
    notices.setConnection('offline');
    auth.showSignIn();
  }
}
void start();
