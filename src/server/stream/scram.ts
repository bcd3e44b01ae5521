/**
 * SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) primitives, server side, on WebCrypto (Node
 * and the sandbox's Worker alike). Functions take the hash ("sha1" unless said otherwise); the keys
 * of both are derived from the password with the same salt and iteration count when an account is
 * registered.
 * The message grammar is parsed strictly: a malformed message is a SASL `malformed-request`.
 */
import { fromBase64, randomBytes, timingSafeEqual, toBase64 } from "./bytes";
import { digest, hmac as webHmac, pbkdf2 } from "./web-crypto";

export const DEFAULT_SCRAM_ITERATIONS = 4096;

/** What the server keeps per account: never the password (RFC 5802 §3). */
export interface ScramCredentials {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

export type ScramHash = "sha1" | "sha256";

/** Output length of the hash: also the length of a client proof. */
export const SCRAM_HASH_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32 };

function hmac(key: Uint8Array, data: string | Uint8Array, hash: ScramHash = "sha1"): Promise<Uint8Array> {
  return webHmac(hash, key, data);
}

export async function saltedPassword(password: string, salt: Uint8Array, iterations: number, hash: ScramHash = "sha1"): Promise<Uint8Array> {
  return pbkdf2(hash, password, salt, iterations, SCRAM_HASH_BYTES[hash]);
}

export async function deriveScramCredentials(
  password: string,
  options: { salt?: Uint8Array; iterations?: number; hash?: ScramHash } = {},
): Promise<ScramCredentials> {
  const salt = options.salt ?? randomBytes(16);
  const iterations = options.iterations ?? DEFAULT_SCRAM_ITERATIONS;
  const hash = options.hash ?? "sha1";
  const salted = await saltedPassword(password, salt, iterations, hash);
  const clientKey = await hmac(salted, "Client Key", hash);
  return { salt, iterations, storedKey: await digest(hash, clientKey), serverKey: await hmac(salted, "Server Key", hash) };
}

/** PLAIN against stored SCRAM credentials: recompute StoredKey from the offered password. */
export async function verifyPassword(password: string, creds: ScramCredentials): Promise<boolean> {
  const salted = await saltedPassword(password, creds.salt, creds.iterations);
  const storedKey = await digest("sha1", await hmac(salted, "Client Key"));
  return timingSafeEqual(storedKey, creds.storedKey);
}

export class ScramSyntaxError extends Error {}

/** RFC 5802 §5.1 saslname: `=2C` → `,`, `=3D` → `=`, any other `=` is an error. */
export function decodeSaslname(value: string): string {
  if (/=(?!2C|3D)/.test(value)) throw new ScramSyntaxError("bad '=' escape in saslname");
  return value.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

// printable = %x21-2B / %x2D-7E (no comma)
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

export interface ClientFirst {
  /** `n,,` / `y,,` / `n,a=…,` exactly as sent: needed to check `c=` later. */
  gs2Header: string;
  cbindFlag: "n" | "y" | "p";
  authzid: string | null;
  username: string;
  clientNonce: string;
  bare: string;
}

export function parseClientFirst(message: string): ClientFirst {
  const m = /^(n|y|p=[A-Za-z0-9.-]+),(a=[^,]*)?,(.*)$/s.exec(message);
  if (!m) throw new ScramSyntaxError("client-first-message: bad GS2 header");
  const flag = m[1] ?? "";
  const authzAttr = m[2];
  const bare = m[3] ?? "";
  const gs2Header = message.slice(0, message.length - bare.length);
  const parts = bare.split(",");
  if (parts[0]?.startsWith("m=")) throw new ScramSyntaxError("client-first-message: mandatory extension not supported");
  const userAttr = parts[0];
  const nonceAttr = parts[1];
  if (!userAttr?.startsWith("n=")) throw new ScramSyntaxError("client-first-message: missing n=username");
  if (!nonceAttr?.startsWith("r=")) throw new ScramSyntaxError("client-first-message: missing r=nonce");
  const clientNonce = nonceAttr.slice(2);
  if (!NONCE.test(clientNonce)) throw new ScramSyntaxError("client-first-message: bad nonce");
  const username = decodeSaslname(userAttr.slice(2));
  if (username.length === 0) throw new ScramSyntaxError("client-first-message: empty username");
  return {
    gs2Header,
    cbindFlag: flag.startsWith("p=") ? "p" : (flag as "n" | "y"),
    authzid: authzAttr ? decodeSaslname(authzAttr.slice(2)) : null,
    username,
    clientNonce,
    bare,
  };
}

export interface ClientFinal {
  channelBinding: string;
  nonce: string;
  proof: Uint8Array;
  withoutProof: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isStrictBase64(s: string): boolean {
  return BASE64.test(s);
}

export function parseClientFinal(message: string, hash: ScramHash = "sha1"): ClientFinal {
  const proofAt = message.lastIndexOf(",p=");
  if (proofAt === -1) throw new ScramSyntaxError("client-final-message: missing p=proof");
  const withoutProof = message.slice(0, proofAt);
  const proofB64 = message.slice(proofAt + 3);
  const parts = withoutProof.split(",");
  const c = parts[0];
  const r = parts[1];
  if (!c?.startsWith("c=")) throw new ScramSyntaxError("client-final-message: missing c=channel-binding");
  if (!r?.startsWith("r=")) throw new ScramSyntaxError("client-final-message: missing r=nonce");
  if (!isStrictBase64(c.slice(2)) || !isStrictBase64(proofB64)) {
    throw new ScramSyntaxError("client-final-message: bad base64");
  }
  const proof = fromBase64(proofB64);
  const size = SCRAM_HASH_BYTES[hash];
  if (proof.length !== size) throw new ScramSyntaxError(`client-final-message: proof is not ${size} bytes`);
  return { channelBinding: c.slice(2), nonce: r.slice(2), proof, withoutProof };
}

export function serverFirstMessage(combinedNonce: string, creds: ScramCredentials): string {
  return `r=${combinedNonce},s=${toBase64(creds.salt)},i=${creds.iterations}`;
}

export function newServerNonce(): string {
  return toBase64(randomBytes(18));
}

/** Returns the server signature (for `v=`) when the proof is right, else null. */
export async function verifyClientProof(creds: ScramCredentials, authMessage: string, proof: Uint8Array, hash: ScramHash = "sha1"): Promise<Uint8Array | null> {
  const clientSignature = await hmac(creds.storedKey, authMessage, hash);
  const clientKey = new Uint8Array(clientSignature.length);
  for (let i = 0; i < clientKey.length; i++) clientKey[i] = (proof[i] ?? 0) ^ (clientSignature[i] ?? 0);
  const computed = await digest(hash, clientKey);
  if (computed.length !== creds.storedKey.length || !timingSafeEqual(computed, creds.storedKey)) return null;
  return hmac(creds.serverKey, authMessage, hash);
}
