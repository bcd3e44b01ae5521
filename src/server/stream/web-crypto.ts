/**
 * The hash primitives SCRAM needs, on WebCrypto (globalThis.crypto.subtle): the same code in Node
 * and in the sandbox's Web Worker. All asynchronous, as SubtleCrypto is. Hashes are named as
 * node:crypto names them (`sha1`, `sha256`), so SCRAM-SHA-1 and SCRAM-SHA-256 share one path.
 */
export type HashName = "sha1" | "sha256";

const WEB_NAMES: Record<HashName, string> = { sha1: "SHA-1", sha256: "SHA-256" };

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** A copy in a fresh ArrayBuffer: SubtleCrypto's BufferSource type refuses shared-buffer views. */
function buffer(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  if (typeof data === "string") return new TextEncoder().encode(data);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  return copy;
}

export async function hmac(hash: HashName, key: Uint8Array, data: Uint8Array | string): Promise<Uint8Array> {
  const k = await subtle().importKey("raw", buffer(key), { name: "HMAC", hash: WEB_NAMES[hash] }, false, ["sign"]);
  return new Uint8Array(await subtle().sign("HMAC", k, buffer(data)));
}

export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(WEB_NAMES[hash], buffer(data)));
}

export async function pbkdf2(hash: HashName, password: string, salt: Uint8Array, iterations: number, bytes: number): Promise<Uint8Array> {
  const key = await subtle().importKey("raw", buffer(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle().deriveBits({ name: "PBKDF2", hash: WEB_NAMES[hash], salt: buffer(salt), iterations }, key, bytes * 8));
}
