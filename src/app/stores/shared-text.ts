/**
 * One string for a stanza the timeline and the console both keep. The timeline keeps an event's
 * XML (`element.toString()`) and the console the frame it travelled in; for most stanzas that is
 * the same text (xmpp.js writes `element.toString()` to the socket, and an incoming frame parsed
 * and serialised again reads the same), held twice: two copies of every stanza for a whole
 * session. The recorder passes both through one `share`, which returns the string it kept for an
 * equal text seen recently, so both stores reference one string (and the flattening of
 * flat-strings.ts happens once for both).
 *
 * Only recent texts are compared (an event and its frame are recorded within a few tasks of each
 * other); comparing costs a hash of the text, computed once per string.
 */

export interface TextSharing {
  /** `text`, or an equal string seen among the last `window` texts (the same object for both stores). */
  share(text: string): string;
  /** How many texts were answered with a string seen before. */
  readonly hits: number;
}

/** Texts remembered: frames and events of a burst arrive interleaved, ~4 frames per event. */
export const SHARING_WINDOW = 256;

export function createTextSharing(window = SHARING_WINDOW): TextSharing {
  const recent = new Map<string, string>();
  let hits = 0;
  return {
    share(text) {
      const seen = recent.get(text);
      if (seen !== undefined) {
        hits += 1;
        return seen;
      }
      recent.set(text, text);
      if (recent.size > window) recent.delete(recent.keys().next().value!);
      return text;
    },
    get hits() {
      return hits;
    },
  };
}
