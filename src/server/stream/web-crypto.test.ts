import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "./bytes";
import { digest, hmac, pbkdf2, type HashName } from "./web-crypto";

// The RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256) examples: the server signature
// from the password, salt and iteration count, through WebCrypto only.
const EXAMPLES: { hash: HashName; bytes: number; salt: string; authMessage: string; proof: string; serverSignature: string }[] = [
  {
    hash: "sha1",
    bytes: 20,
    salt: "QSXCR+Q6sek8bf92",
    authMessage:
      "n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j",
    proof: "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    serverSignature: "rmF9pqV8S7suAoZWja4dJRkFsKQ=",
  },
  {
    hash: "sha256",
    bytes: 32,
    salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
    authMessage:
      "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    proof: "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    serverSignature: "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
  },
];

describe.each(EXAMPLES)("WebCrypto SCRAM primitives ($hash)", (ex) => {
  it("reproduce the RFC example's client proof and server signature", async () => {
    const salted = await pbkdf2(ex.hash, "pencil", fromBase64(ex.salt), 4096, ex.bytes);
    const clientKey = await hmac(ex.hash, salted, "Client Key");
    const storedKey = await digest(ex.hash, clientKey);
    const clientSignature = await hmac(ex.hash, storedKey, ex.authMessage);
    const proof = clientKey.map((b, i) => b ^ (clientSignature[i] ?? 0));
    expect(toBase64(proof)).toBe(ex.proof);
    const serverKey = await hmac(ex.hash, salted, "Server Key");
    expect(toBase64(await hmac(ex.hash, serverKey, ex.authMessage))).toBe(ex.serverSignature);
  });
});
