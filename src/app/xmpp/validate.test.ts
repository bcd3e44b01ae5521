import { describe, expect, it } from "vitest";
import { resolveServiceUrl, validateDomain, validateJid, validateResource, validateUsername } from "./validate";

describe("resolveServiceUrl", () => {
  it("resolves a path against the page origin, http → ws and https → wss", () => {
    expect(resolveServiceUrl("/xmpp-websocket", "http://localhost:5173/app/")).toEqual({ ok: true, value: "ws://localhost:5173/xmpp-websocket" });
    expect(resolveServiceUrl(" /xmpp-websocket ", "https://play.example.org/")).toEqual({ ok: true, value: "wss://play.example.org/xmpp-websocket" });
  });

  it("accepts absolute ws and wss URLs", () => {
    expect(resolveServiceUrl("ws://127.0.0.1:5280/xmpp-websocket", undefined)).toEqual({ ok: true, value: "ws://127.0.0.1:5280/xmpp-websocket" });
    expect(resolveServiceUrl("wss://xmpp.example.org/ws#frag", undefined)).toEqual({ ok: true, value: "wss://xmpp.example.org/ws" });
  });

  it("explains each bad URL", () => {
    const error = (input: string, base?: string) => {
      const r = resolveServiceUrl(input, base);
      if (r.ok) throw new Error(`accepted ${input}`);
      expect(r.error.code).toBe("bad-url");
      return r.error.message;
    };
    expect(error("")).toMatch(/empty/);
    expect(error("https://example.org/ws")).toMatch(/not https:\/\/ \(did you mean wss:\/\/example.org\/ws\?\)/);
    expect(error("xmpp://example.org")).toMatch(/must start with ws:\/\/ or wss:\/\/ \(got xmpp:\)/);
    expect(error("example.org/ws")).toMatch(/neither absolute/);
    expect(error("/xmpp-websocket")).toMatch(/needs a page origin/);
    expect(error("/xmpp-websocket", "file:///tmp/index.html")).toMatch(/against a file: page/);
    expect(error("ws://user:pw@example.org/ws")).toMatch(/credentials/);
    expect(error("ws://[bad/ws")).toMatch(/does not parse/);
  });
});

describe("JID parts", () => {
  it("validates domain, username, resource and JIDs", () => {
    expect(validateDomain(" LocalHost ")).toEqual({ ok: true, value: "localhost" });
    expect(validateDomain("a@b").ok).toBe(false);
    expect(validateDomain("").ok).toBe(false);
    expect(validateDomain("a..b").ok).toBe(false);
    expect(validateUsername("alice", "account")).toEqual({ ok: true, value: "alice" });
    const bad = validateUsername("al ice", "account");
    expect(!bad.ok && bad.error.message).toMatch(/account username "al ice"/);
    expect(validateResource("").ok).toBe(false);
    expect(validateJid("pushsvc@localhost/sink", "push service JID", { requireResource: true })).toMatchObject({ ok: true, value: { bare: "pushsvc@localhost", resource: "sink", full: "pushsvc@localhost/sink" } });
    const bare = validateJid("pushsvc@localhost", "push service JID", { requireResource: true });
    expect(!bare.ok && bare.error.message).toMatch(/must be a full JID/);
    expect(validateJid("@localhost").ok).toBe(false);
    expect(validateJid("a@localhost/").ok).toBe(false);
    expect(validateJid("localhost")).toMatchObject({ ok: true, value: { bare: "localhost" } });
  });
});

describe("JID parts follow RFC 7622 (protocol/jid.ts)", () => {
  it("strips a trailing dot from the domain instead of refusing it", () => {
    expect(validateDomain("example.org.")).toEqual({ ok: true, value: "example.org" });
    expect(validateJid("Juliet@Example.org./Balcony")).toMatchObject({ ok: true, value: { bare: "juliet@example.org", full: "juliet@example.org/Balcony" } });
  });

  it("refuses C1 controls as well as C0", () => {
    expect(validateUsername("a\u0085b", "account").ok).toBe(false);
    expect(validateResource("r\u009f").ok).toBe(false);
    expect(validateDomain("a\u0080.org").ok).toBe(false);
  });

  it("counts 1023 as UTF-8 bytes, not UTF-16 units", () => {
    const long = validateUsername("\u00e9".repeat(512), "account");
    expect(!long.ok && long.error.message).toMatch(/longer than 1023 bytes/);
  });

  it("allows only letters, digits and hyphens in a domain and names the culprit", () => {
    const bad = validateDomain("push&svc.example");
    expect(!bad.ok && bad.error.message).toMatch(/"&"/);
    expect(validateDomain("m\u00fcnchen.example")).toEqual({ ok: true, value: "m\u00fcnchen.example" });
  });

  it("explains which part of a JID is wrong", () => {
    const local = validateJid("a b@localhost", "push service JID");
    expect(!local.ok && local.error.message).toMatch(/push service JID "a b@localhost" is not a valid JID: localpart contains a forbidden character " "/);
    const resource = validateJid("a@localhost/");
    expect(!resource.ok && resource.error.message).toMatch(/empty resourcepart/);
  });
});

