/**
 * One WebSocket message → one ltx Element (RFC 7395 §3.3.3: every frame is a standalone, complete
 * XML document with its own namespace declarations).
 *
 * Parsing is the project's strict parser (`protocol/stanzas/parse.ts`, the same path the app's
 * composer uses), namespace-aware, with what RFC 6120 §11.1 forbids (DTDs, comments, processing
 * instructions) reported as `restricted-xml`. Depth and attribute count are bounded so a frame under
 * the byte cap still cannot cost much to hold or to serialise recursively.
 */
import { parseElement, type ElementParseResult } from "../../protocol/stanzas/parse";

export interface FrameLimits {
  /** Maximum UTF-8 bytes of one frame (checked by the caller before decoding). */
  maxBytes: number;
  /** Maximum element nesting depth (root = 1). */
  maxDepth: number;
  /** Maximum attributes (namespace declarations included) on one element. */
  maxAttributes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxBytes: 256 * 1024,
  maxDepth: 128,
  maxAttributes: 128,
};

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Decode a text frame's bytes; null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function parseFrame(text: string, limits: FrameLimits = DEFAULT_FRAME_LIMITS): ElementParseResult {
  if (text.trim() === "") {
    return { ok: false, condition: "not-well-formed", reason: "empty frame: every frame must be one complete XML element (RFC 7395 §3.3.3)" };
  }
  return parseElement(text, limits);
}
