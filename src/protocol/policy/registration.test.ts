/** What each policy does with enable and disable requests, and what it advertises. */
import { describe, expect, it } from "vitest";
import { NS } from "../ns";
import { SINK } from "../test-support/policy-fixtures";
import { POLICIES, getPolicy, isPolicyName } from "./index";
import { POLICY_NAMES, type DisableRequest, type EnableRequest, type PolicyName, type StanzaErrorSpec } from "./types";

const SENDER = "alice@localhost/phone";
const enable = (over: Partial<EnableRequest> = {}): EnableRequest => ({ iqType: "set", jid: SINK, node: "n-1", senderFullJid: SENDER, ...over });
const disable = (over: Partial<DisableRequest> = {}): DisableRequest => ({ iqType: "set", jid: SINK, node: "n-1", matched: 1, ...over });

/** Expected type/condition per policy; null = accepted. */
type PerPolicy = Record<PolicyName, [StanzaErrorSpec["type"], string] | null>;

function errorsOf(validate: (policy: PolicyName) => StanzaErrorSpec | null): Record<PolicyName, [string, string] | null> {
  return Object.fromEntries(
    POLICY_NAMES.map((p) => {
      const e = validate(p);
      return [p, e ? [e.type, e.condition] : null];
    }),
  ) as Record<PolicyName, [string, string] | null>;
}

describe("away attribute parsing", () => {
  it.each<{ raw: string | undefined; spec: boolean; tigase: boolean }>([
    { raw: "true", spec: true, tigase: true },
    { raw: "1", spec: true, tigase: false },
    { raw: "false", spec: false, tigase: false },
    { raw: "0", spec: false, tigase: false },
    { raw: "TRUE", spec: false, tigase: false },
    { raw: " true", spec: false, tigase: false },
    { raw: "", spec: false, tigase: false },
    { raw: undefined, spec: false, tigase: false },
  ])("away=$raw → spec $spec, tigase $tigase, prosody and ejabberd ignore it", ({ raw, spec, tigase }) => {
    expect(POLICIES.spec.parseAwayFlag(raw)).toBe(spec);
    expect(POLICIES.tigase.parseAwayFlag(raw)).toBe(tigase);
    expect(POLICIES.prosody.parseAwayFlag(raw)).toBe(false);
    expect(POLICIES.ejabberd.parseAwayFlag(raw)).toBe(false);
  });
});

describe("enable validation", () => {
  it.each<{ name: string; req: EnableRequest; expected: PerPolicy }>([
    {
      name: "a well-formed set is accepted everywhere",
      req: enable(),
      expected: { spec: null, tigase: null, prosody: null, ejabberd: null },
    },
    {
      name: "C3: no jid",
      req: enable({ jid: undefined }),
      expected: { spec: ["modify", "bad-request"], tigase: ["modify", "bad-request"], prosody: ["modify", "bad-request"], ejabberd: ["modify", "bad-request"] },
    },
    {
      name: "empty jid counts as missing",
      req: enable({ jid: "" }),
      expected: { spec: ["modify", "bad-request"], tigase: ["modify", "bad-request"], prosody: ["modify", "bad-request"], ejabberd: ["modify", "bad-request"] },
    },
    {
      name: "C25: enable in an iq get (Tigase does not check the type)",
      req: enable({ iqType: "get" }),
      expected: { spec: ["modify", "bad-request"], tigase: null, prosody: ["cancel", "service-unavailable"], ejabberd: ["cancel", "not-allowed"] },
    },
    {
      name: "no node (ejabberd: feature-not-implemented; Prosody keys it 'jid<')",
      req: enable({ node: undefined }),
      expected: { spec: ["modify", "bad-request"], tigase: ["modify", "bad-request"], prosody: null, ejabberd: ["cancel", "feature-not-implemented"] },
    },
    {
      name: "empty node",
      req: enable({ node: "" }),
      expected: { spec: ["modify", "bad-request"], tigase: null, prosody: null, ejabberd: ["cancel", "feature-not-implemented"] },
    },
    {
      name: "jid equal to the sender's own full JID (Prosody refuses)",
      req: enable({ jid: SENDER }),
      expected: { spec: null, tigase: null, prosody: ["modify", "bad-request"], ejabberd: null },
    },
    {
      name: "malformed jid (Prosody stores any string)",
      req: enable({ jid: "push@@example.org" }),
      expected: { spec: ["modify", "jid-malformed"], tigase: ["modify", "bad-request"], prosody: null, ejabberd: ["modify", "bad-request"] },
    },
    {
      name: "ejabberd decodes the jid before it looks at the iq type",
      req: enable({ iqType: "get", jid: undefined }),
      expected: { spec: ["modify", "bad-request"], tigase: ["modify", "bad-request"], prosody: ["cancel", "service-unavailable"], ejabberd: ["modify", "bad-request"] },
    },
  ])("$name", ({ req, expected }) => {
    expect(errorsOf((p) => POLICIES[p].validateEnable(req))).toEqual(expected);
  });

  it.each<{ policy: PolicyName; req: EnableRequest; text: string }>([
    { policy: "tigase", req: enable({ jid: undefined }), text: "Attribute 'jid' is not valid JID of Push Notifications service" },
    { policy: "prosody", req: enable({ jid: undefined }), text: "Missing jid" },
    { policy: "prosody", req: enable({ jid: SENDER }), text: "JID must be different from ours" },
    { policy: "ejabberd", req: enable({ node: "" }), text: "Enabling push without 'node' attribute is not supported" },
    { policy: "ejabberd", req: enable({ iqType: "get" }), text: "Value 'get' of 'type' attribute is not allowed" },
    { policy: "spec", req: enable({ iqType: "get" }), text: "enable must be an iq of type set" },
  ])("$policy answers with the server's own text: $text", ({ policy, req, text }) => {
    expect(POLICIES[policy].validateEnable(req)?.text).toBe(text);
  });

  it("says that real Tigase fails on a missing node", () => {
    expect(POLICIES.tigase.validateEnable(enable({ node: undefined }))?.text).toMatch(/Tigase itself fails/);
  });
});

describe("disable validation", () => {
  it.each<{ name: string; req: DisableRequest; expected: PerPolicy }>([
    {
      name: "a matching disable is accepted everywhere",
      req: disable(),
      expected: { spec: null, tigase: null, prosody: null, ejabberd: null },
    },
    {
      name: "disable by jid only (every node) is accepted",
      req: disable({ node: undefined, matched: 2 }),
      expected: { spec: null, tigase: null, prosody: null, ejabberd: null },
    },
    {
      name: "C25: disable of an unknown registration (ejabberd: item-not-found)",
      req: disable({ node: "unknown", matched: 0 }),
      expected: { spec: null, tigase: null, prosody: null, ejabberd: ["cancel", "item-not-found"] },
    },
    {
      name: "no jid",
      req: disable({ jid: undefined }),
      expected: { spec: ["modify", "bad-request"], tigase: ["modify", "bad-request"], prosody: ["modify", "bad-request"], ejabberd: ["modify", "bad-request"] },
    },
    {
      name: "disable in an iq get",
      req: disable({ iqType: "get" }),
      expected: { spec: ["modify", "bad-request"], tigase: null, prosody: ["cancel", "service-unavailable"], ejabberd: ["cancel", "not-allowed"] },
    },
  ])("$name", ({ req, expected }) => {
    expect(errorsOf((p) => POLICIES[p].validateDisable(req))).toEqual(expected);
  });

  it("ejabberd's unknown-registration error carries its text", () => {
    expect(POLICIES.ejabberd.validateDisable(disable({ matched: 0 }))?.text).toBe("Push record not found");
  });
});

describe("advertising, limits and remote disable", () => {
  it.each<{ policy: PolicyName; account: string[]; domain: string[]; max: number; remoteDisable: boolean }>([
    { policy: "spec", account: [NS.push, NS.pushAway], domain: [NS.push, NS.pushAway], max: 64, remoteDisable: true },
    { policy: "tigase", account: [NS.push, NS.pushAway], domain: [NS.push, NS.pushAway], max: 64, remoteDisable: true },
    { policy: "prosody", account: [NS.push], domain: [], max: 5, remoteDisable: false },
    { policy: "ejabberd", account: [NS.push], domain: [], max: 64, remoteDisable: false },
  ])("$policy: account $account, domain $domain, at most $max registrations, remote disable $remoteDisable", ({ policy, account, domain, max, remoteDisable }) => {
    const p = POLICIES[policy];
    expect(p.accountFeatures()).toEqual(account);
    expect(p.domainFeatures()).toEqual(domain);
    expect(p.maxRegistrations).toBe(max);
    expect(p.honoursRemoteDisable).toBe(remoteDisable);
  });

  it("hands out fresh feature lists, so a caller cannot change the policy", () => {
    POLICIES.spec.accountFeatures().push("x");
    expect(POLICIES.spec.accountFeatures()).toEqual([NS.push, NS.pushAway]);
  });
});

describe("policy lookup", () => {
  it.each(POLICY_NAMES)("getPolicy(%s) returns the policy of that name with a description", (name) => {
    expect(getPolicy(name).name).toBe(name);
    expect(getPolicy(name).description.length).toBeGreaterThan(40);
  });

  it("rejects an unknown name and lists the known ones", () => {
    expect(isPolicyName("openfire")).toBe(false);
    expect(() => getPolicy("openfire")).toThrow(/unknown push policy 'openfire' \(known: spec, tigase, prosody, ejabberd\)/);
  });
});
