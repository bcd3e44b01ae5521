/** Arbitraries for the text parts of XML: attribute values, character data, names. */
import fc from "fast-check";

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;").replace(/"/g, "&quot;");
}

/** Characters XML allows, with the ones that need escaping and some outside the BMP. */
const CHARS = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."abcxyz019 -_.@/") },
  { weight: 2, arbitrary: fc.constantFrom("&", "<", ">", "'", '"', "\n", "\t") },
  { weight: 1, arbitrary: fc.constantFrom("é", "ß", "中", "😀", "\u200b", "\uFEFF", "\u{10FFFF}") },
);

/** Escaped character data or attribute value (well-formed in both places). */
export const safeText = (maxLength = 24): fc.Arbitrary<string> =>
  fc.array(CHARS, { maxLength }).map((cs) => escapeXml(cs.join("")));

/** Predefined entities and character references: well-formed, must be accepted. */
export const goodReference = fc.constantFrom("&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#65;", "&#x1F600;", "&#xE9;", "&#10;");

/** References a strict parser must refuse (undefined entity, a character XML forbids). */
export const badReference = fc.constantFrom("&nbsp;", "&lol;", "&#0;", "&#x1b;", "&#xD800;", "&#xFFFE;", "&#x110000;", "&;", "&#;", "& ");

export const unknownNamespace = fc.constantFrom("urn:example:fuzz", "http://example.com/x", "urn:xmpp:unknown:0", "jabber:iq:nonsense");

export const localName = fc.constantFrom("a", "x", "item", "query", "body", "data", "foo-bar", "n.1");
