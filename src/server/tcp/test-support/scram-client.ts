/** The client side of SCRAM-SHA-1/-256 (RFC 5802, RFC 7677) over a raw stream, for login tests. */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type { Element } from "@xmpp/xml";
import { NS } from "../../../protocol/ns";
import type { StreamSocket } from "./tcp-socket";

export type ScramMechanism = "SCRAM-SHA-1" | "SCRAM-SHA-256";

const b64 = (s: string | Buffer): string => Buffer.from(s).toString("base64");

/**
 * Runs the exchange; resolves with the SASL outcome element (`<success/>` or `<failure/>`) and, on
 * success, whether the server's signature (`v=`) proved it knows the password.
 */
export async function scramLogin(
  s: StreamSocket,
  mechanism: ScramMechanism,
  username: string,
  password: string,
): Promise<{ outcome: Element; serverVerified: boolean }> {
  const hash = mechanism === "SCRAM-SHA-256" ? "sha256" : "sha1";
  const size = hash === "sha256" ? 32 : 20;
  const clientFirstBare = `n=${username},r=${randomBytes(12).toString("base64url")}`;
  s.send(`<auth xmlns='${NS.sasl}' mechanism='${mechanism}'>${b64(`n,,${clientFirstBare}`)}</auth>`);
  const challenge = await s.waitFor((e) => e.getNS() === NS.sasl);
  if (!challenge.is("challenge")) return { outcome: challenge, serverVerified: false };
  const serverFirst = Buffer.from(challenge.text(), "base64").toString();
  const fields = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(fields.s ?? "", "base64"), Number(fields.i), size, hash);
  const clientKey = createHmac(hash, salted).update("Client Key").digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const finalNoProof = `c=biws,r=${fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${finalNoProof}`;
  const signature = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0)));
  s.send(`<response xmlns='${NS.sasl}'>${b64(`${finalNoProof},p=${proof.toString("base64")}`)}</response>`);
  const outcome = await s.waitFor((e) => e.getNS() === NS.sasl);
  const serverKey = createHmac(hash, salted).update("Server Key").digest();
  const expected = `v=${createHmac(hash, serverKey).update(authMessage).digest("base64")}`;
  return { outcome, serverVerified: outcome.is("success") && Buffer.from(outcome.text(), "base64").toString() === expected };
}
