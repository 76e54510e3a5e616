// @ts-check
/** The alert banner, the screen-reader announcer and the connection indicator. */
import { h } from './dom.js';
import { CONNECTION_TEXT } from './status.js';

/**
 * @typedef {import('./types.js').ConnectionMode} ConnectionMode
 * @typedef {'error' | 'info'} AlertKind
 * @typedef {'auth' | 'general'} AlertTopic
 *   `auth` alerts are about the token; they go as soon as a token is accepted.
 */

/**
 * @param {{ alert: HTMLElement, alertText: HTMLElement, announcer: HTMLElement, connection: HTMLElement, connectionText: HTMLElement }} els
 */
export function createNotices(els) {
  /** @type {AlertTopic | null} */
  let topic = null;

  /**
   * @param {string} message
   * @param {{ kind?: AlertKind, topic?: AlertTopic }} [opts]
   */
  function showAlert(message, opts = {}) {
    topic = opts.topic || 'general';
    els.alert.dataset.kind = opts.kind || 'error';
    els.alertText.textContent = message;
    els.alert.hidden = false;
  }

  /** @param {AlertTopic} [only] hide the alert only if it is about this */
  function hideAlert(only) {
    if (only && topic !== only) return;
    topic = null;
    els.alert.hidden = true;
    els.alertText.textContent = '';
  }

  /** @param {string} text */
  function announce(text) {
    // A new node each time, so screen readers also speak a message that repeats.
    els.announcer.append(h('p', { text }));
    while (els.announcer.childNodes.length > 5) els.announcer.firstChild?.remove();
  }

  /** @param {ConnectionMode} mode */
  function setConnection(mode) {
    els.connection.dataset.mode = mode;
    els.connectionText.textContent = CONNECTION_TEXT[mode];
  }

  return { showAlert, hideAlert, announce, setConnection };
}

/** @typedef {ReturnType<typeof createNotices>} Notices */
