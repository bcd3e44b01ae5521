/**
 * The cheap look at a WebSocket message that lets client.ts's `skipStanza` leave a presence
 * unparsed. With RFC 7395 framing every message is one complete top-level element (§3.3.3), so
 * its start tag and its end say what it is. Anything this look cannot vouch for (a character or
 * entity reference in `from`, another namespace, markup it does not expect) returns null and goes
 * through the XML parser as usual.
 */

const START_TAG = /^\s*<presence((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
const END_TAG = "</presence>";
const NS_CLIENT = "jabber:client";

/**
 * `from` of a frame that is a single `<presence/>` stanza of `jabber:client`, or null when the
 * frame is anything else or cannot be read without the parser.
 */
export function presenceFrameFrom(text: string): string | null {
  if (!text.includes("<presence")) return null;
  const start = START_TAG.exec(text);
  if (!start) return null;
  const rest = text.slice(start[0].length);
  if (start[2] === "/") {
    if (rest.trim() !== "") return null;
  } else {
    // One element: its only end tag, at the very end.
    const end = rest.indexOf(END_TAG);
    if (end === -1 || end !== rest.lastIndexOf(END_TAG) || rest.slice(end + END_TAG.length).trim() !== "") return null;
  }
  let from: string | null = null;
  let xmlns: string | null = null;
  for (const m of start[1]!.matchAll(ATTRIBUTE)) {
    const value = m[2] ?? m[3] ?? "";
    if (m[1] === "from") from = value;
    else if (m[1] === "xmlns") xmlns = value;
  }
  if (from === null || from === "" || from.includes("&")) return null;
  if (xmlns !== null && xmlns !== NS_CLIENT) return null;
  return from;
}
