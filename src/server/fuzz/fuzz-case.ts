/**
 * One fuzzed input and what the oracle may accept as the server's answer to it. The generator
 * knows what it built, so it names the acceptable outcomes instead of the oracle guessing.
 */
import type { FuzzFrame, Phase } from "./transport";

export interface Allowed {
  /** RFC 6120 §4.9 conditions that are a correct answer (empty: a stream error is wrong). */
  streamErrors: readonly string[];
  /** A stanza error reply (or SASL failure) with the stream staying up. */
  stanzaError: boolean;
  /** No error and the stream stays up. */
  accept: boolean;
}

export interface FuzzCase {
  /** Generator family, for the report (e.g. `stanza/mutated`, `xml/doctype`). */
  kind: string;
  phase: Phase;
  frames: FuzzFrame[];
  allowed: Allowed;
}

export const ONLY_STREAM_ERROR = (...conditions: string[]): Allowed => ({ streamErrors: conditions, stanzaError: false, accept: false });
export const HARMLESS: Allowed = { streamErrors: [], stanzaError: true, accept: true };

const isFatal = (a: Allowed): boolean => !a.accept && !a.stanzaError;

/**
 * What a case built from two faults may end in: either fault's stream error (whichever the server
 * meets first); if one of them is always fatal, the stream must end; otherwise a stanza error if
 * either may cause one, and a plain accept only if both may pass.
 */
export function combine(a: Allowed, b: Allowed): Allowed {
  const fatal = isFatal(a) || isFatal(b);
  return {
    streamErrors: [...new Set([...a.streamErrors, ...b.streamErrors])],
    stanzaError: !fatal && (a.stanzaError || b.stanzaError),
    accept: !fatal && a.accept && b.accept,
  };
}

/** A fault that may or may not end the stream (the server's choice among correct answers). */
export const HARMLESS_OR = (...conditions: string[]): Allowed => ({ ...HARMLESS, streamErrors: conditions });

export const text = (t: string): FuzzFrame => ({ text: t });

/** A short printable form of a case for violation reports (long frames are cut). */
export function describeCase(c: FuzzCase, max = 400): string {
  const frames = c.frames.map((f) => {
    const s = "text" in f ? JSON.stringify(f.text) : `${f.binary ? "binary" : "text-bytes"}:${f.bytes.toString("hex")}`;
    return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
  });
  return `${c.kind} @${c.phase}: [${frames.join(", ")}]`;
}
