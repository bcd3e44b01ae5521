import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountStore, AccountsFileError } from "./accounts";
import { toBase64 } from "./stream/bytes";
import { deriveScramCredentials } from "./stream/scram";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "xpp-accounts-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const hosts = ["localhost", "tigase.localhost"];

describe("AccountStore", () => {
  it("registers on first PLAIN login in dev mode; later logins must match", async () => {
    const store = new AccountStore({ hosts, iterations: 64 });
    expect(await store.checkPlain("localhost", "Alice", "pw")).toEqual({ ok: true, username: "alice", registered: true });
    expect(await store.checkPlain("localhost", "alice", "pw")).toEqual({ ok: true, username: "alice", registered: false });
    expect(await store.checkPlain("localhost", "alice", "nope")).toMatchObject({ ok: false, reason: "bad-password" });
    // Accounts are per virtual host.
    expect(await store.checkPlain("tigase.localhost", "alice", "nope")).toMatchObject({ ok: true, registered: true });
  });

  it("lets only one of two racing first logins define the password", async () => {
    const store = new AccountStore({ hosts, iterations: 64 });
    const [a, b] = await Promise.all([
      store.checkPlain("localhost", "race", "first"),
      store.checkPlain("localhost", "race", "second"),
    ]);
    expect(a).toMatchObject({ ok: true, registered: true });
    expect(b).toMatchObject({ ok: false, reason: "bad-password" });
  });

  it("refuses unknown users when dev registration is off", async () => {
    const store = new AccountStore({ hosts, devRegistration: false, iterations: 64 });
    expect(await store.checkPlain("localhost", "bob", "pw")).toMatchObject({ ok: false, reason: "unknown-user" });
    await store.register("localhost", "bob", "pw");
    expect(await store.checkPlain("localhost", "bob", "pw")).toMatchObject({ ok: true });
  });

  it.each(["", "a b", "a@b", "a/b", "x".repeat(1024), "tab\there", "quote'"])("rejects the username %j", async (name) => {
    const store = new AccountStore({ hosts, iterations: 64 });
    expect(await store.checkPlain("localhost", name, "pw")).toMatchObject({ ok: false, reason: "invalid-username" });
  });

  it("never keeps the password", async () => {
    const store = new AccountStore({ hosts, iterations: 64 });
    await store.register("localhost", "carol", "hunter2-unique");
    const creds = store.get("localhost", "carol");
    expect(creds).toBeDefined();
    expect(JSON.stringify(creds)).not.toContain("hunter2");
    expect(Object.values(creds ?? {}).some((v) => v instanceof Uint8Array && new TextDecoder().decode(v).includes("hunter2"))).toBe(false);
  });
});

describe("accounts file", () => {
  it("loads passwords and precomputed SCRAM credentials", async () => {
    const creds = await deriveScramCredentials("scram-pw", { iterations: 100 });
    const path = await file(
      "ok.json",
      JSON.stringify({
        localhost: {
          alice: "pass",
          bob: {
            "scram-sha-1": {
              salt: toBase64(creds.salt),
              iterations: 100,
              storedKey: toBase64(creds.storedKey),
              serverKey: toBase64(creds.serverKey),
            },
          },
        },
        "tigase.localhost": { carol: "c" },
      }),
    );
    const store = new AccountStore({ hosts, devRegistration: false, iterations: 64 });
    expect(await store.loadFile(path)).toBe(3);
    expect(await store.checkPlain("localhost", "alice", "pass")).toMatchObject({ ok: true });
    expect(await store.checkPlain("localhost", "bob", "scram-pw")).toMatchObject({ ok: true });
    expect(await store.checkPlain("localhost", "bob", "pass")).toMatchObject({ ok: false, reason: "bad-password" });
    expect(store.list("tigase.localhost")).toEqual(["carol"]);
  });

  it("makes logins wait for the file, so the file wins over dev registration", async () => {
    const path = await file("race.json", JSON.stringify({ localhost: { dave: "from-file" } }));
    const store = new AccountStore({ hosts, iterations: 64 });
    const loading = store.loadFile(path);
    const login = store.checkPlain("localhost", "dave", "guessed");
    await loading;
    expect(await login).toMatchObject({ ok: false, reason: "bad-password" });
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["an array", "[]", /expected an object/],
    ["an unknown host", JSON.stringify({ "example.org": { a: "b" } }), /not a configured virtual host/],
    ["users not an object", JSON.stringify({ localhost: "alice" }), /must map usernames/],
    ["a bad username", JSON.stringify({ localhost: { "a b": "x" } }), /invalid username/],
    ["a number as password", JSON.stringify({ localhost: { a: 5 } }), /password string or/],
    ["bad scram base64", JSON.stringify({ localhost: { a: { "scram-sha-1": { salt: "!!", iterations: 1, storedKey: "x", serverKey: "x" } } } }), /base64/],
    ["bad iterations", JSON.stringify({ localhost: { a: { "scram-sha-1": { salt: "AAAA", iterations: 0, storedKey: "AAAA", serverKey: "AAAA" } } } }), /iterations/],
  ])("rejects a file with %s", async (_what, content, message) => {
    const path = await file(`bad-${Math.random()}.json`, content);
    const store = new AccountStore({ hosts, iterations: 64 });
    await expect(store.loadFile(path)).rejects.toThrow(AccountsFileError);
    await expect(store.loadFile(path)).rejects.toThrow(message);
  });

  it("reports a missing file by path", async () => {
    const store = new AccountStore({ hosts });
    await expect(store.loadFile(join(dir, "missing.json"))).rejects.toThrow(/cannot read accounts file .*missing\.json/);
  });
});

describe("default accounts", () => {
  it("creates alice, bob and pushsvc with password 'pass' on every host, with SCRAM-SHA-1 and SCRAM-SHA-256 keys", async () => {
    const store = new AccountStore({ hosts, iterations: 64 });
    await store.seedDefaultAccounts();
    for (const host of hosts) {
      expect(store.list(host)).toEqual(["alice", "bob", "pushsvc"]);
      expect(store.getSha256(host, "bob")?.storedKey.length).toBe(32);
      expect(store.get(host, "bob")?.storedKey.length).toBe(20);
    }
    expect(await store.checkPlain("tigase.localhost", "pushsvc", "pass")).toEqual({ ok: true, username: "pushsvc", registered: false });
  });

  it("leaves an account from the accounts file alone, whichever load finishes first", async () => {
    const path = await file("defaults.json", JSON.stringify({ localhost: { alice: "from-file" } }));
    const store = new AccountStore({ hosts, iterations: 64 });
    void store.seedDefaultAccounts();
    await store.loadFile(path);
    await store.whenReady();
    expect(await store.checkPlain("localhost", "alice", "from-file")).toMatchObject({ ok: true });
    expect(await store.checkPlain("localhost", "bob", "pass")).toMatchObject({ ok: true, registered: false });
  });

  it("an account given as precomputed SCRAM-SHA-1 keys has no SCRAM-SHA-256 keys", async () => {
    const store = new AccountStore({ hosts, iterations: 64 });
    await store.register("localhost", "carol", "pw");
    expect(store.getSha256("localhost", "carol")).toBeDefined();
    store.setCredentials("localhost", "carol", await deriveScramCredentials("pw", { iterations: 64 }));
    expect(store.getSha256("localhost", "carol")).toBeUndefined();
  });
});
