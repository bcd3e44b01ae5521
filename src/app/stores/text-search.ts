/**
 * The case-insensitive substring test of the timeline and console searches, compiled once per
 * query. Lower-casing every summary and stanza per keystroke copied the whole text (32 MB at
 * 100,000 events) into garbage each time; a test compiled from the query reads the stored strings
 * as they are:
 * - a query without letters (ids, numbers, `-`, `:`) is an exact `includes`;
 * - otherwise a literal RegExp with the `iu` flags (Unicode simple case folding: the same answers
 *   as lower-casing both sides for every ASCII and nearly every other letter; ~1.5x faster over
 *   the bench fixture in Node, and no garbage).
 */

export interface TextQuery {
  /** The trimmed query as typed ("" matches everything). */
  readonly text: string;
  test(haystack: string): boolean;
}

/** The characters a `u` RegExp needs escaped to read literally (it rejects other escapes, e.g. `\-`). */
const REGEXP_SPECIALS = /[.*+?^${}()|[\]\\/]/g;

/** A letter that has another case: the only characters a case-insensitive test must fold. */
const CASED = /\p{Lu}|\p{Ll}|\p{Lt}/u;

export function compileQuery(search: string): TextQuery {
  const text = search.trim();
  if (!text) return { text, test: () => true };
  if (!CASED.test(text)) return { text, test: (haystack) => haystack.includes(text) };
  const pattern = new RegExp(text.replace(REGEXP_SPECIALS, "\\$&"), "iu");
  return { text, test: (haystack) => pattern.test(haystack) };
}

/**
 * Whether every text `next` finds, `previous` finds too (typing more of the same query), so a
 * search may narrow the previous matches instead of reading everything again.
 */
export function narrowsQuery(previous: TextQuery, next: TextQuery): boolean {
  if (next.text.includes(previous.text)) return true;
  // Lower case may change a length (İ → i̇): compare folded only where it maps letter for letter.
  const p = previous.text.toLowerCase();
  const n = next.text.toLowerCase();
  return p.length === previous.text.length && n.length === next.text.length && n.includes(p);
}
