// Hints: every catalogue scenario has them, and each server gets its own.
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/catalogue";
import { HINTS, hintFor, wantsHint } from "./hints";

describe("HINTS", () => {
  it("covers every catalogue scenario for any server and for Prosody, ejabberd and Tigase", () => {
    expect(Object.keys(HINTS).sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    for (const s of SCENARIOS) {
      const texts = HINTS[s.id];
      expect(texts?.general, s.id).toBeTruthy();
      expect(texts?.prosody, s.id).toBeTruthy();
      expect(texts?.ejabberd, s.id).toBeTruthy();
      expect(texts?.tigase, s.id).toBeTruthy();
    }
  });
});

describe("hintFor", () => {
  it("speaks about the server in question", () => {
    expect(hintFor("C10", { kind: "prosody", name: "Prosody", policy: "prosody" }, "prosody")).toMatch(
      /^Prosody: mod_cloud_notify ignores away; pushes depend on the enabling session being gone/,
    );
    expect(hintFor("C21", { kind: "ejabberd", name: "ejabberd", policy: "ejabberd" }, "ejabberd")).toBe("ejabberd: any non-wait error deletes the registration at once");
    expect(hintFor("C16", { kind: "tigase", name: "Tigase", policy: "tigase" }, "tigase")).toMatch(/^Tigase: any <show> counts as not online/);
  });

  it("names the reference server's host policy and the server it models", () => {
    expect(hintFor("C25", { kind: "reference", name: null, policy: "ejabberd" }, "spec")).toMatch(/^Reference server \(ejabberd policy, models ejabberd's mod_push\): an enable in a get gets not-allowed/);
    // The spec policy has no specific text for C3: the general one.
    expect(hintFor("C3", { kind: "reference", name: null, policy: "spec" }, "spec")).toMatch(/^Reference server \(spec policy\): XEP-0357 §6/);
  });

  it("uses what an unknown server behaves like, or the general text", () => {
    expect(hintFor("C21", { kind: "unknown", name: "Openfire", policy: null }, "prosody")).toMatch(/^Behaves like Prosody's mod_cloud_notify: decides by error type/);
    expect(hintFor("C21", { kind: "unknown", name: null, policy: null }, "spec")).toBe(HINTS.C21?.general);
  });

  it("has nothing for an id outside the catalogue", () => {
    expect(hintFor("C99", { kind: "prosody", name: "Prosody", policy: "prosody" }, "prosody")).toBeNull();
  });
});

describe("wantsHint", () => {
  it("is for failures and informational differences only", () => {
    expect(wantsHint("fail", false)).toBe(true);
    expect(wantsHint("info", false)).toBe(true);
    expect(wantsHint("info", null)).toBe(false);
    expect(wantsHint("pass", true)).toBe(false);
    expect(wantsHint("n/a", null)).toBe(false);
  });
});
