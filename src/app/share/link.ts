/**
 * The share link's fragment: `#setup=<format>.<payload>.<checksum>`.
 *
 * - `format`: the setup format (1);
 * - `payload`: `z` + base64url of the deflated JSON when that is shorter, else `j` + base64url of
 *   the JSON (UTF-8), so a link made where CompressionStream is missing still opens everywhere;
 * - `checksum`: CRC-32 of the JSON text, 8 hex digits: a link cut short by a chat client or edited
 *   by hand is refused with that reason instead of replaying something else.
 *
 * The fragment never reaches a server. Decoding refuses, each with its own message: a missing part,
 * a newer format, bad base64url, corrupt compressed data, oversize data, not JSON, a checksum
 * mismatch and any field `validateSetup` refuses.
 */
import { FRAGMENT_KEY, MAX_JSON_BYTES } from "./fragment";
import { SETUP_VERSION, validateSetup, type Checked, type Setup } from "./setup";

// The hash helpers live apart so the page can look for a link without loading this codec.
export { FRAGMENT_KEY, MAX_JSON_BYTES, setupParam, withoutSetup } from "./fragment";
/** Longer fragments are refused before decoding (browsers and chat clients cut far longer URLs anyway). */
export const MAX_FRAGMENT_CHARS = 16_000;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

const hasCompression = () => typeof CompressionStream === "function" && typeof DecompressionStream === "function";

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Reads a byte stream whole, stopping past `limit` bytes. */
async function readAll(stream: ReadableStream<Uint8Array>, limit: number): Promise<{ bytes: Uint8Array } | { error: "corrupt" | "too-large" }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        void reader.cancel().catch(() => {});
        return { error: "too-large" };
      }
      chunks.push(value);
    }
  } catch {
    return { error: "corrupt" };
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return { bytes: out };
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array | null> {
  const r = await readAll(streamOf(bytes).pipeThrough(new CompressionStream("deflate") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>), Infinity);
  return "bytes" in r ? r.bytes : null;
}

/** Inflates at most `limit` bytes (a deflate bomb stops there). */
function inflate(bytes: Uint8Array, limit: number): Promise<{ bytes: Uint8Array } | { error: "corrupt" | "too-large" }> {
  return readAll(streamOf(bytes).pipeThrough(new DecompressionStream("deflate") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>), limit);
}

/** The fragment (without `#`) for a setup; compressed when that makes it shorter. */
export async function encodeSetup(setup: Setup): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(setup));
  let payload = `j${toBase64Url(json)}`;
  if (hasCompression()) {
    const deflated = await deflate(json);
    const z = deflated ? `z${toBase64Url(deflated)}` : null;
    if (z && z.length < payload.length) payload = z;
  }
  return `${FRAGMENT_KEY}=${SETUP_VERSION}.${payload}.${crc32(json)}`;
}

/** A page URL with the setup as its fragment (whatever fragment it had is replaced). */
export async function shareUrl(pageUrl: string, setup: Setup): Promise<string> {
  const url = new URL(pageUrl);
  url.hash = await encodeSetup(setup);
  return url.toString();
}

/** Parses JSON text into a checked setup: the path the JSON file import and the link share. */
export function parseSetupJson(json: string): Checked<Setup> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return { ok: false, error: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  return validateSetup(value);
}

/** Decodes the value of `setup=` into a checked setup, or the specific reason it cannot be. */
export async function decodeSetup(param: string): Promise<Checked<Setup>> {
  const bad = (error: string): Checked<Setup> => ({ ok: false, error });
  if (param.length > MAX_FRAGMENT_CHARS) return bad(`the link is too long (${param.length} characters; at most ${MAX_FRAGMENT_CHARS})`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(param);
  } catch {
    return bad("the link has a broken %-escape");
  }
  const parts = decoded.split(".");
  if (parts.length !== 3) return bad(`the link is cut short or malformed: expected format.payload.checksum, found ${parts.length} part${parts.length === 1 ? "" : "s"}`);
  const [format, payload, checksum] = parts as [string, string, string];
  if (!/^\d{1,6}$/.test(format)) return bad(`the format “${format.slice(0, 20)}” is not a number`);
  if (Number(format) > SETUP_VERSION) return bad(`it was made by a newer version of the playground (format ${format}); this page reads format ${SETUP_VERSION}: update the playground`);
  if (Number(format) !== SETUP_VERSION) return bad(`format ${format} is not one this page reads (format ${SETUP_VERSION})`);
  if (!/^[0-9a-f]{8}$/.test(checksum)) return bad("the checksum is missing or cut short: the link was probably truncated");
  const kind = payload.charAt(0);
  const bytes = fromBase64Url(payload.slice(1));
  if (bytes === null || (kind !== "j" && kind !== "z")) return bad("the data is not valid base64url: the link was changed or cut short");
  let json = bytes;
  if (kind === "z") {
    if (!hasCompression()) return bad("this browser cannot decompress the link (no DecompressionStream)");
    const inflated = await inflate(bytes, MAX_JSON_BYTES);
    if ("error" in inflated) return bad(inflated.error === "too-large" ? `the data inflates to more than ${MAX_JSON_BYTES} bytes` : "the compressed data is corrupt or cut short");
    json = inflated.bytes;
  }
  if (json.length > MAX_JSON_BYTES) return bad(`the data is larger than ${MAX_JSON_BYTES} bytes`);
  if (crc32(json) !== checksum) return bad("the checksum does not match: the link was changed or cut short after it was made");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(json);
  } catch {
    return bad("the data is not UTF-8 text");
  }
  return parseSetupJson(text);
}
