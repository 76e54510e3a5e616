// @ts-check
/**
 * The sign-in card (paste a token) and the signed-in chrome (the app, Sign out). How the
 * token is obtained stays behind `onToken`, so another sign-in (OIDC) can feed the same path.
 */
import { normaliseToken } from './session.js';

/**
 * @typedef {object} AuthEls
 * @property {HTMLElement} card
 * @property {HTMLFormElement} form
 * @property {HTMLTextAreaElement} input
 * @property {HTMLElement} app
 * @property {HTMLButtonElement} signOut
 */

/**
 * @param {AuthEls} els
 * @param {{ onToken: (token: string) => void, onEmpty: () => void, onSignOut: () => void }} handlers
 */
export function createAuthView(els, handlers) {
  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = normaliseToken(els.input.value);
    if (token) handlers.onToken(token);
    else handlers.onEmpty();
  });
  els.signOut.addEventListener('click', () => handlers.onSignOut());

  return {
    showSignIn() {
      els.card.hidden = false;
      els.app.hidden = true;
      els.signOut.hidden = true;
      els.input.value = '';
      els.input.focus();
    },
    showApp() {
      els.card.hidden = true;
      els.app.hidden = false;
      els.signOut.hidden = false;
    },
  };
}
