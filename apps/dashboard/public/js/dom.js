// @ts-check
/**
 * Building elements. Server text only ever reaches the page through textContent and
 * attributes of elements built here: no innerHTML, no inline `style=` or `on…=` attributes,
 * so the page runs under a Content-Security-Policy without 'unsafe-inline'. Styles that
 * depend on data are set through `element.style` (CSSOM), which that policy allows.
 */

/**
 * @typedef {string | number | boolean | null | undefined} AttrValue
 * @typedef {{ [key: string]: AttrValue | ((event: Event) => void) }} Attrs
 *   `class`, `text` (textContent), `on<event>` listeners; `true` makes an empty attribute and
 *   `false`/null/undefined leave it out; anything else is an attribute.
 * @typedef {Node | string | number | null | undefined | false} Leaf
 * @typedef {Leaf | ReadonlyArray<Leaf | ReadonlyArray<Leaf>>} Child
 *   Children may be nested in lists two deep (JSDoc cannot say "any depth").
 */

/**
 * @param {Node} parent
 * @param {ReadonlyArray<unknown>} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/**
 * @param {Element} el
 * @param {Attrs | null | undefined} attrs
 */
function setAttributes(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      if (!key.startsWith('on')) throw new TypeError(`a listener needs an on… key, not ${key}`);
      el.addEventListener(key.slice(2), value);
    } else if (key === 'style') {
      throw new TypeError('inline style attributes break the page under its Content-Security-Policy');
    } else if (key === 'class') el.setAttribute('class', String(value));
    else if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

/**
 * An HTML element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Child} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs, ...children) {
  const el = /** @type {SVGElementTagNameMap[K]} */ (document.createElementNS(SVG_NS, tag));
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

/**
 * The element with this id, of the expected type; a missing one is a bug in index.html.
 * @template {Element} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html has no ${type.name} #${id}`);
  return el;
}

/**
 * The first element under `root` that matches, of the expected type.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
export function within(root, selector, type) {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`no ${type.name} matches ${selector}`);
  return el;
}

/**
 * A button that shows and hides a section (its aria-expanded follows), calling `onShow` each
 * time the section opens.
 * @param {HTMLButtonElement} toggle
 * @param {HTMLElement} section
 * @param {() => void} onShow
 */
export function bindToggle(toggle, section, onShow) {
  toggle.addEventListener('click', () => {
    section.hidden = !section.hidden;
    toggle.setAttribute('aria-expanded', String(!section.hidden));
    if (!section.hidden) onShow();
  });
}
