// @ts-check
/**
 * The sign-in card (an OpenID provider's button, or a pasted token) and the signed-in chrome
 * (the app, who is signed in, Sign out). How the token is obtained stays behind `onToken` and
 * `onProvider`: both end in the same sign-in (main.js).
 */
import { normaliseToken } from './session.js';

/**
 * @typedef {object} AuthEls
 * @property {HTMLElement} card
 * @property {HTMLFormElement} form
 * @property {HTMLTextAreaElement} input
 * @property {HTMLElement} tokenBox the paste-a-token part
 * @property {HTMLElement} oidcBox the sign-in-with-a-provider part
 * @property {HTMLButtonElement} oidcButton
 * @property {HTMLElement} oidcIssuer
 * @property {HTMLElement} app
 * @property {HTMLElement} whoami
 * @property {HTMLButtonElement} signOut
 */

/**
 * @param {AuthEls} els
 * @param {{ onToken: (token: string) => void, onEmpty: () => void, onSignOut: () => void, onProvider: () => void }} handlers
 */
export function createAuthView(els, handlers) {
  let oidc = false;
  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = normaliseToken(els.input.value);
    if (token) handlers.onToken(token);
    else handlers.onEmpty();
  });
  els.oidcButton.addEventListener('click', () => handlers.onProvider());
  els.signOut.addEventListener('click', () => handlers.onSignOut());

  return {
    /**
     * Signing in goes through the OpenID provider at `issuer` (the paste form is for OIDC-off).
     * @param {string} issuer
     */
    useProvider(issuer) {
      oidc = true;
      els.oidcIssuer.textContent = issuer;
      els.oidcBox.hidden = false;
      els.tokenBox.hidden = true;
      els.card.setAttribute('aria-labelledby', 'auth-title');
    },
    showSignIn() {
      els.card.hidden = false;
      els.app.hidden = true;
      els.signOut.hidden = true;
      els.whoami.hidden = true;
      els.whoami.textContent = '';
      els.input.value = '';
      (oidc ? els.oidcButton : els.input).focus();
    },
    showApp() {
      els.card.hidden = true;
      els.app.hidden = false;
      els.signOut.hidden = false;
    },
    /**
     * Who the token says the user is (GET /auth/me).
     * @param {{ id: string, role: string, teams: string[] }} me
     */
    showUser(me) {
      const teams = me.teams.length ? ` · ${me.teams.join(', ')}` : '';
      els.whoami.textContent = `${me.id} (${me.role}${teams})`;
      els.whoami.hidden = false;
    },
  };
}
