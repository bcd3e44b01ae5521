/** Each profile answers a publish the way the real App Server does on the wire (docs/push-ecosystem.md §1). */
import { describe, expect, it } from "vitest";
import { modPushPriority, PROFILES, type ProfileContext } from "./profiles";
import { DEFAULT_PROFILE_SETTINGS, type ProfileSettings, type PublishInput } from "./types";

const input = (patch: Partial<PublishInput> = {}): PublishInput => ({ node: "n1", options: {}, summary: { otherFields: [], lastMessageBody: "hi" }, from: "localhost", extraChildren: [], ...patch });
const ctx = (settings: Partial<ProfileSettings> = {}, blockedTokens: string[] = []): ProfileContext => ({
  settings: { ...DEFAULT_PROFILE_SETTINGS, ...settings },
  genericMode: { kind: "result" },
  blockedTokens,
});

describe("generic", () => {
  it("answers the chosen mode, and bad-request to a malformed publish", () => {
    expect(PROFILES.generic.answer(input(), { ...ctx(), genericMode: { kind: "timeout" } }).outcome).toEqual({ kind: "timeout" });
    expect(PROFILES.generic.answer(input({ parseError: "no <item>" }), ctx()).outcome).toEqual({ kind: "error", type: "modify", condition: "bad-request" });
    expect(PROFILES.generic.formDefaults(DEFAULT_PROFILE_SETTINGS)).toEqual([]);
  });
});

describe("p2", () => {
  const secret = DEFAULT_PROFILE_SETTINGS.p2.secret;
  it("accepts the right secret", () => {
    expect(PROFILES.p2.answer(input({ options: { secret } }), ctx()).outcome).toEqual({ kind: "result" });
  });
  it("answers auth/forbidden to a wrong or missing secret", () => {
    expect(PROFILES.p2.answer(input({ options: { secret: "nope" } }), ctx())).toMatchObject({ outcome: { kind: "error", type: "auth", condition: "forbidden" }, note: "wrong secret publish-option" });
    expect(PROFILES.p2.answer(input(), ctx())).toMatchObject({ outcome: { kind: "error", type: "auth", condition: "forbidden" }, note: "no secret publish-option" });
  });
  it("answers cancel/item-not-found to an unknown node, before the secret", () => {
    const known = ctx({ p2: { ...DEFAULT_PROFILE_SETTINGS.p2, knownNodes: ["other"] } });
    expect(PROFILES.p2.answer(input({ options: { secret: "nope" } }), known).outcome).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
    expect(PROFILES.p2.answer(input({ node: "other", options: { secret } }), known).outcome).toEqual({ kind: "result" });
  });
  it("answers wait/recipient-unavailable when FCM fails", () => {
    const failing = ctx({ p2: { ...DEFAULT_PROFILE_SETTINGS.p2, providerFailure: true } });
    expect(PROFILES.p2.answer(input({ options: { secret } }), failing).outcome).toEqual({ kind: "error", type: "wait", condition: "recipient-unavailable" });
  });
  it("sets the secret publish-option as the enable form's default", () => {
    expect(PROFILES.p2.formDefaults(DEFAULT_PROFILE_SETTINGS)).toEqual([{ var: "secret", value: secret }]);
  });
});

describe("fpush", () => {
  const module = DEFAULT_PROFILE_SETTINGS.fpush.modules[0]!;
  it("pushes through the pushModule, the default module when absent", () => {
    expect(PROFILES.fpush.answer(input({ options: { pushModule: module } }), ctx())).toMatchObject({ outcome: { kind: "result" }, note: `pushed through module ${module}` });
    expect(PROFILES.fpush.answer(input(), ctx()).outcome).toEqual({ kind: "result" });
    expect(PROFILES.fpush.answer(input({ options: { pushModule: "other.app" } }), ctx()).outcome).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
  });
  it("answers cancel/policy-violation to a blocked token (configured or blocked after an expiry)", () => {
    const blocked = ctx({ fpush: { ...DEFAULT_PROFILE_SETTINGS.fpush, blockedTokens: ["n1"] } });
    expect(PROFILES.fpush.answer(input(), blocked).outcome).toEqual({ kind: "error", type: "cancel", condition: "policy-violation" });
    expect(PROFILES.fpush.answer(input(), ctx({}, ["n1"])).outcome).toEqual({ kind: "error", type: "cancel", condition: "policy-violation" });
  });
  it("does not answer an unparsable publish, and acks over its rate limit", () => {
    expect(PROFILES.fpush.answer(input({ parseError: "no <item>" }), ctx()).outcome).toEqual({ kind: "timeout" });
    expect(PROFILES.fpush.rateLimitAnswer.outcome).toEqual({ kind: "result" });
    expect(PROFILES.fpush.formDefaults(DEFAULT_PROFILE_SETTINGS)).toEqual([{ var: "pushModule", value: module }]);
  });
});

describe("mod_push_appserver", () => {
  it("derives the priority: auto is high only with a body", () => {
    expect(modPushPriority(input(), "auto")).toBe("high");
    expect(modPushPriority(input({ summary: { otherFields: [] } }), "auto")).toBe("silent");
    expect(modPushPriority(input({ summary: null }), "auto")).toBe("silent");
    expect(modPushPriority(input(), "silent")).toBe("silent");
    expect(modPushPriority(input({ summary: null }), "high")).toBe("high");
  });
  it("records the priority and answers wait/resource-constraint over 5 per second", () => {
    expect(PROFILES.mod_push_appserver.answer(input(), ctx())).toMatchObject({ outcome: { kind: "result" }, details: ["priority high"] });
    expect(PROFILES.mod_push_appserver.builtInRateLimit).toBe(5);
    expect(PROFILES.mod_push_appserver.rateLimitAnswer.outcome).toEqual({ kind: "error", type: "wait", condition: "resource-constraint" });
  });
});

describe("Tigase push component", () => {
  it("accepts encrypted and priority payloads and says so", () => {
    const answer = PROFILES.tigase.answer(input({ summary: null, extraChildren: ["{tigase:push:encrypt:0}encrypted", "{tigase:push:priority:0}priority"] }), ctx());
    expect(answer).toMatchObject({ outcome: { kind: "result" }, details: ["encrypted payload (AES-128-GCM)", "priority payload"] });
    expect(PROFILES.tigase.answer(input(), ctx())).toMatchObject({ outcome: { kind: "result" }, note: "accepted (plain summary)" });
  });
});
