/**
 * ltx's Element and createElement: the very modules @xmpp/xml re-exports (the same class, so
 * `instanceof` holds between our stanzas and xmpp.js's). Imported directly because @xmpp/xml's
 * index also attaches its stream Parser (ltx's parser and Node's `events` polyfill) to `xml`,
 * which would put a parser into the browser's first load that only the XMPP client needs.
 */
import LtxElement from "ltx/lib/Element.js";
import createElement from "ltx/lib/createElement.js";

export const Element = LtxElement;
export type Element = LtxElement;

/** `xml(name, attrs, ...children)`, as @xmpp/xml's default export. */
export const xml: (...args: Parameters<typeof createElement>) => Element = createElement;
