/**
 * The cheap look at a WebSocket message that lets client.ts's `skipStanza` leave a presence
 * unparsed. With RFC 7395 framing every message is one complete top-level element (§3.3.3), so
 * its start tag and its end say what it is. Anything this look cannot vouch for (a character or
 * entity reference in `from`, another namespace, markup it does not expect) returns null and goes
 * through the XML parser as usual.
 */

const OPEN = "<presence";
const END_TAG = "</presence>";
const NS_CLIENT = "jabber:client";
const ATTRIBUTE = /\s([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ATTRIBUTES = /^(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/?$/;

/** Index of the `>` closing the start tag that begins at 0 (quotes respected), or -1 when a `<` comes first. */
function startTagEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 60 /* < */) return -1;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 34 /* " */ || c === 39 /* ' */) quote = c;
    else if (c === 62 /* > */) return i;
  }
  return -1;
}

/**
 * `from` of a frame that is a single `<presence/>` stanza of `jabber:client`, or null when the
 * frame is anything else or cannot be read without the parser. Called for every message of a
 * session with 100 siblings: a scan of the start tag, no copy of the frame.
 */
export function presenceFrameFrom(text: string): string | null {
  if (!text.startsWith(OPEN)) return null;
  const next = text.charCodeAt(OPEN.length);
  // `<presence` then whitespace, `/` or `>` (not `<presences`).
  if (!(next === 32 || next === 9 || next === 10 || next === 13 || next === 47 || next === 62)) return null;
  const end = startTagEnd(text, OPEN.length);
  if (end === -1) return null;
  const attributes = text.slice(OPEN.length, end);
  if (!ATTRIBUTES.test(attributes)) return null;
  if (attributes.endsWith("/")) {
    // Self-closing: nothing may follow but whitespace.
    for (let i = end + 1; i < text.length; i++) if (text.charCodeAt(i) > 32) return null;
  } else {
    // One element: its only end tag, at the very end.
    const close = text.indexOf(END_TAG, end);
    if (close === -1 || text.indexOf(END_TAG, close + 1) !== -1) return null;
    for (let i = close + END_TAG.length; i < text.length; i++) if (text.charCodeAt(i) > 32) return null;
  }
  let from: string | null = null;
  let xmlns: string | null = null;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attributes); m; m = ATTRIBUTE.exec(attributes)) {
    const value = m[2] ?? m[3] ?? "";
    if (m[1] === "from") from = value;
    else if (m[1] === "xmlns") xmlns = value;
  }
  if (from === null || from === "" || from.includes("&") || from.includes("<")) return null;
  if (xmlns !== null && xmlns !== NS_CLIENT) return null;
  return from;
}
