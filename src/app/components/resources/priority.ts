/**
 * The presence priority as typed (RFC 6121 §4.7.2.3: an integer from -128 to 127). Read with a
 * strict pattern: `Number()` would take "0x10", "1e1" or "1.0" for 16, 10 and 1.
 */
const WHOLE_NUMBER = /^[+-]?\d{1,3}$/;

/** The priority, or null when the text is not a whole number from -128 to 127. */
export function parsePriority(text: string): number | null {
  const trimmed = text.trim();
  if (!WHOLE_NUMBER.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= -128 && n <= 127 ? n : null;
}
