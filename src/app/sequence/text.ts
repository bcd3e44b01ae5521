/**
 * Text helpers for the sequence model and its exporters. Labels carry untrusted text (message
 * bodies, resource names, nodes and JIDs come from the network), so each target format gets its
 * own escaping here and nowhere else.
 */

/**
 * Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab/LF/CR, lone
 * surrogates, U+FFFE/U+FFFF. A body with one of them must not make the exported SVG unreadable.
 */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for XML text and attribute values (both quote kinds), replacing characters XML forbids. */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, "\uFFFD").replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** One line: newlines and tabs become spaces, runs of whitespace one space. */
export function oneLine(text: string): string {
  // Most labels are one line already: test before building a new string.
  if (!NOT_ONE_LINE.test(text)) return text;
  return text.replace(/\s+/g, " ").trim();
}

const NOT_ONE_LINE = /[^\S ]| {2}|^ | $/;

/** At most `max` UTF-16 units, with an ellipsis when cut; a surrogate pair is never split. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A message body as a label shows it: one line, quoted, cut to `max` (a huge body costs no more than a short one). */
export function quote(body: string, max = 40): string {
  return `“${truncate(oneLine(truncate(body, max * 4)), max)}”`;
}

/**
 * Characters that are plain text everywhere a Mermaid label can appear (after the `:` of a message
 * or note, after `as` of a participant, after `title`). Everything else is written as a Mermaid
 * entity code `#N;` (decimal code point), which Mermaid decodes before drawing: `;` and `#` end a
 * label or start a comment, `%%` starts a comment, `<br>` breaks the line, `-->>` and friends are
 * arrows, `{`/`}` open config blocks, a backtick starts a markdown string, `$$` starts maths; `<`,
 * `>`, `&` and `"` would reach the rendered HTML. Letters and digits of any script stay readable,
 * and so do typographic quotes and the few symbols the labels use; other symbols and all controls
 * are encoded.
 */
const MERMAID_PLAIN = /[\p{L}\p{N}\p{M}\p{Pi}\p{Pf} .,()[\]/@_=?!'*+\-…✓✗→—–·]/u;

export function mermaidText(text: string): string {
  const line = oneLine(text);
  // `:` is plain inside a label, except where Mermaid reads a prefix: `wrap:`/`nowrap:` at the
  // start of a label, or a leading `:` (which makes `title :x` a legacy title).
  const prefix = /^(?:(?:no)?wrap)?:/i.exec(line)?.[0].length ?? 0;
  let out = "";
  let i = 0;
  for (const ch of line) {
    const plain = MERMAID_PLAIN.test(ch) || (ch === ":" && i >= prefix);
    out += plain ? ch : `#${drawable(ch.codePointAt(0)!)};`;
    i += ch.length;
  }
  // A label that is only spaces (or empty) would leave the statement without text.
  return out.trim() === "" ? "#160;" : out;
}

/** A code point HTML can show; controls and lone surrogates become U+FFFD (HTML would refuse them as references). */
function drawable(code: number): number {
  const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
  const surrogate = code >= 0xd800 && code <= 0xdfff;
  return control || surrogate ? 0xfffd : code;
}

/** The local part of a JID's resource, or the JID itself when it has none. */
export function resourceOf(jid: string): string {
  const slash = jid.indexOf("/");
  return slash >= 0 ? jid.slice(slash + 1) : jid;
}

/** The domain part of a JID (`alice@example.org/phone` → `example.org`), or "" when there is none. */
export function domainOf(jid: string): string {
  const bare = jid.split("/")[0] ?? "";
  const at = bare.indexOf("@");
  return at >= 0 ? bare.slice(at + 1) : bare;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
