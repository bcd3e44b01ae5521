import { describe, expect, it } from "vitest";
import {
  ScramSyntaxError,
  decodeSaslname,
  deriveScramCredentials,
  parseClientFinal,
  parseClientFirst,
  verifyClientProof,
  verifyPassword,
} from "./scram";
import { fromBase64, toBase64 } from "./bytes";

// RFC 5802 §5 example exchange.
const RFC = {
  password: "pencil",
  salt: fromBase64("QSXCR+Q6sek8bf92"),
  iterations: 4096,
  clientFirstBare: "n=user,r=fyko+d2lbbFgONRv9qkxdawL",
  serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
  clientFinalNoProof: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j",
  proof: "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
  serverSignature: "rmF9pqV8S7suAoZWja4dJRkFsKQ=",
};

describe("SCRAM-SHA-1 against the RFC 5802 example", () => {
  it("accepts the example proof and produces the example server signature", async () => {
    const creds = await deriveScramCredentials(RFC.password, { salt: RFC.salt, iterations: RFC.iterations });
    const authMessage = `${RFC.clientFirstBare},${RFC.serverFirst},${RFC.clientFinalNoProof}`;
    const sig = await verifyClientProof(creds, authMessage, fromBase64(RFC.proof));
    expect(sig && toBase64(sig)).toBe(RFC.serverSignature);
  });

  it("rejects a proof with one flipped bit", async () => {
    const creds = await deriveScramCredentials(RFC.password, { salt: RFC.salt, iterations: RFC.iterations });
    const proof = fromBase64(RFC.proof);
    proof[0] = (proof[0] ?? 0) ^ 1;
    expect(await verifyClientProof(creds, `${RFC.clientFirstBare},${RFC.serverFirst},${RFC.clientFinalNoProof}`, proof)).toBeNull();
  });

  it("verifies PLAIN passwords against stored credentials only", async () => {
    const creds = await deriveScramCredentials("secret", { iterations: 64 });
    expect(await verifyPassword("secret", creds)).toBe(true);
    expect(await verifyPassword("Secret", creds)).toBe(false);
    expect(Object.keys(creds).sort()).toEqual(["iterations", "salt", "serverKey", "storedKey"]);
  });
});

describe("SCRAM message grammar", () => {
  it("parses client-first with and without authzid", () => {
    expect(parseClientFirst("n,,n=user,r=abc")).toMatchObject({ gs2Header: "n,,", cbindFlag: "n", authzid: null, username: "user", clientNonce: "abc" });
    expect(parseClientFirst("y,a=user@localhost,n=user,r=abc")).toMatchObject({ gs2Header: "y,a=user@localhost,", cbindFlag: "y", authzid: "user@localhost" });
    expect(parseClientFirst("p=tls-unique,,n=u,r=x").cbindFlag).toBe("p");
  });

  it("decodes =2C and =3D in saslnames and rejects other escapes", () => {
    expect(decodeSaslname("a=2Cb=3Dc")).toBe("a,b=c");
    expect(() => decodeSaslname("a=41")).toThrow(ScramSyntaxError);
  });

  it.each([
    ["", "empty"],
    ["x,,n=u,r=a", "bad cbind flag"],
    ["n,,r=a", "missing username"],
    ["n,,n=u", "missing nonce"],
    ["n,,n=u,r=", "empty nonce"],
    ["n,,n=,r=a", "empty username"],
    ["n,,m=ext,n=u,r=a", "mandatory extension"],
  ])("rejects client-first %j (%s)", (message) => {
    expect(() => parseClientFirst(message)).toThrow(ScramSyntaxError);
  });

  it("parses client-final and insists on a 20-byte base64 proof", () => {
    const ok = parseClientFinal(`${RFC.clientFinalNoProof},p=${RFC.proof}`);
    expect(ok.withoutProof).toBe(RFC.clientFinalNoProof);
    expect(ok.proof.length).toBe(20);
    expect(() => parseClientFinal(RFC.clientFinalNoProof)).toThrow(ScramSyntaxError);
    expect(() => parseClientFinal(`${RFC.clientFinalNoProof},p=AAAA`)).toThrow(/20 bytes/);
    expect(() => parseClientFinal(`c=b!ws,r=x,p=${RFC.proof}`)).toThrow(/base64/);
    expect(() => parseClientFinal(`r=x,c=biws,p=${RFC.proof}`)).toThrow(ScramSyntaxError);
  });
});
