/**
 * Outgoing XML that survives the receiver's parser unchanged. ltx's `toString()` writes tab, line
 * feed and carriage return in attribute values literally, and a parser must normalize those to
 * spaces (XML 1.0 §3.3.3): an iq `id='&#10;'` would come back as `id=' '` and the client could not
 * match the reply to its request. A carriage return in text is likewise turned into a line feed
 * (§2.11) unless it is a character reference.
 */
import type { Element } from "@xmpp/xml";

const ATTR_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;" };
const TEXT_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };

const escapeAttr = (s: string): string => s.replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ESCAPES[c] ?? c);
const escapeText = (s: string): string => s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] ?? c);

export function serializeElement(el: Element): string {
  let out = `<${el.name}`;
  for (const [key, value] of Object.entries(el.attrs as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    out += ` ${key}="${escapeAttr(typeof value === "string" ? value : String(value))}"`;
  }
  const children = el.children.filter((c) => c !== null && c !== undefined);
  if (children.length === 0) return `${out}/>`;
  out += ">";
  for (const child of children) out += typeof child === "string" ? escapeText(child) : serializeElement(child);
  return `${out}</${el.name}>`;
}
