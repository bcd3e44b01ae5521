/**
 * Text the user types into a stanza (a message body, a status, a node, a form value) must be XML
 * text: a character outside XML 1.0's `Char` production is a `not-well-formed` stream error, and
 * the server ends the session that sent it (the reference server answers `disallowed character
 * U+0001` and closes the stream). Every field the playground puts on the wire, and every text of
 * a share link that a replay will send, is checked here first, so the user gets a message naming
 * the field, the character and where it is, and the session stays up.
 *
 * `NOT_XML_CHAR` is also the strict parser's check (xml-parser.ts): what this module lets through,
 * the parser accepts. No parser here: the first load needs this without saxes. Pure and isomorphic.
 */

/** Any character outside XML 1.0 production 2 (lone surrogates included: the `u` flag sees them). */
export const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface XmlTextProblem {
  /** The field as the user knows it ("message body", "status text"). */
  field: string;
  /** The refused code point (a lone surrogate's own value). */
  codePoint: number;
  /** `U+0001`. */
  code: string;
  /** 1-based position in the field, in characters as the user sees them (code points). */
  position: number;
  /** What kind of character it is, in words. */
  kind: string;
  /** One sentence for the UI. */
  message: string;
}

/** `U+0001`, `U+FFFF`, `U+1F600`: at least four hex digits, upper case. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

function kindOf(codePoint: number): string {
  if (codePoint < 0x20) return "a control character";
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return "half of a surrogate pair with no other half";
  return "a noncharacter";
}

/**
 * Why `value` cannot go into a stanza as the text of `field`, or null when it can. Names the
 * first refused character; `position` counts code points, so an emoji before it counts once.
 */
export function xmlTextProblem(value: string, field: string): XmlTextProblem | null {
  const bad = NOT_XML_CHAR.exec(value);
  if (!bad) return null;
  const codePoint = bad[0].codePointAt(0) ?? 0;
  const code = codePointLabel(codePoint);
  const position = [...value.slice(0, bad.index)].length + 1;
  const kind = kindOf(codePoint);
  const message = `the ${field} contains ${code} (${kind}) at character ${position}; XML does not allow it and the server would end the session, so remove it`;
  return { field, codePoint, code, position, kind, message };
}
