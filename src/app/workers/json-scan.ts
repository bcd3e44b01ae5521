/**
 * A structural scan of a timeline file's JSON text, so it can be parsed in chunks: the top-level
 * members (their raw text) and where each element of the `events` array starts and ends. Strings
 * are skipped with indexOf, so the scan reads little more than the structure (a 60 MB file's is a
 * small part of it). It does not validate: JSON.parse of each chunk does, and any surprise (null)
 * sends the caller to one JSON.parse of the whole text, for the same result and error message.
 */

export interface ScannedTimeline {
  /** Raw JSON text of every top-level member but `events` (the last of duplicate keys wins, as in JSON.parse). */
  members: Map<string, string>;
  /** Start and end offsets of each element of `events` (null: no `events` array). */
  events: { starts: number[]; ends: number[] } | null;
}

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function scanTimelineJson(text: string): ScannedTimeline | null {
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  /** From an opening quote at `from` to just after its closing quote (-1: unterminated). */
  const stringEnd = (from: number): number => {
    let j = from + 1;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q < 0) return -1;
      let backslashes = 0;
      for (let k = q - 1; k > from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) return q + 1;
      j = q + 1;
    }
  };
  /** From the first character of a value to just after it (-1: malformed). */
  const valueEnd = (from: number): number => {
    const c = text.charCodeAt(from);
    if (c === QUOTE) return stringEnd(from);
    if (c === 123 || c === 91) {
      let depth = 0;
      let j = from;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === QUOTE) {
          j = stringEnd(j);
          if (j < 0) return -1;
          continue;
        }
        if (d === 123 || d === 91) depth++;
        else if (d === 125 || d === 93) {
          depth--;
          if (depth === 0) return j + 1;
        }
        j++;
      }
      return -1;
    }
    let j = from;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 125 || d === 93 || isSpace(d)) break;
      j++;
    }
    return j > from ? j : -1;
  };

  skipSpace();
  if (text.charCodeAt(i) !== 123) return null;
  i++;
  const members = new Map<string, string>();
  let events: ScannedTimeline["events"] = null;
  for (;;) {
    skipSpace();
    if (text.charCodeAt(i) === 125 && members.size === 0 && events === null) {
      i++;
      break;
    }
    if (text.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = stringEnd(i);
    if (keyEnd < 0) return null;
    const rawKey = text.slice(i, keyEnd);
    const key = rawKey.includes("\\") ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1);
    i = keyEnd;
    skipSpace();
    if (text.charCodeAt(i) !== 58) return null;
    i++;
    skipSpace();
    if (key === "events" && text.charCodeAt(i) === 91) {
      const found = scanArray();
      if (!found) return null;
      events = found;
      members.delete("events");
    } else {
      const end = valueEnd(i);
      if (end < 0) return null;
      members.set(key, text.slice(i, end));
      if (key === "events") events = null;
      i = end;
    }
    skipSpace();
    const c = text.charCodeAt(i++);
    if (c === 125) break;
    if (c !== 44) return null;
  }
  skipSpace();
  return i === n ? { members, events } : null;

  function scanArray(): { starts: number[]; ends: number[] } | null {
    i++; // [
    const starts: number[] = [];
    const ends: number[] = [];
    skipSpace();
    if (text.charCodeAt(i) === 93) {
      i++;
      return { starts, ends };
    }
    for (;;) {
      skipSpace();
      const end = valueEnd(i);
      if (end < 0) return null;
      starts.push(i);
      ends.push(end);
      i = end;
      skipSpace();
      const c = text.charCodeAt(i++);
      if (c === 93) return { starts, ends };
      if (c !== 44) return null;
    }
  }
}
