import { describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import { DEFAULT_POLICY_OPTIONS, type PolicyName } from "../../protocol/policy/types";
import type { SessionView } from "../stores/sessions";
import { ACCOUNT, BOB, chatTo, connections, reg, resource } from "../test-support/expectation-fixtures";
import {
  connectionSessionId,
  messageSnapshotOf,
  predict,
  registrationsUnder,
  sessionSnapshots,
  ZERO_COUNTERS,
  type Prediction,
  type RegistrationFacts,
} from "./predict";

function run(
  views: SessionView[],
  registrations: RegistrationFacts[],
  opts: { body?: string | null; to?: string; generations?: Record<string, number>; serverPolicy?: PolicyName | null } = {},
): Prediction {
  const body = opts.body === undefined ? "where are you?" : opts.body;
  return predict({
    account: ACCOUNT,
    sessions: sessionSnapshots(views, connections(views, opts.generations)),
    registrations,
    message: messageSnapshotOf(chatTo(opts.to ?? ACCOUNT, body), { from: BOB, domain: "localhost" }),
    options: DEFAULT_POLICY_OPTIONS,
    serverPolicy: opts.serverPolicy ?? null,
    counters: ZERO_COUNTERS,
  });
}

const nodes = (p: Prediction, policy: PolicyName) => p.predictions[policy].expected.map((k) => k.node);

describe("sessionSnapshots", () => {
  it("snapshots connected resources only, with per-connection session ids and their presence", () => {
    const views = [resource("phone", "away"), resource("laptop", null), resource("tablet", "offline")];
    const sink = { ...resource("sink", "available"), id: "sink", role: "sink" as const };
    const sessions = sessionSnapshots([...views, sink], connections(views, { phone: 3 }));
    expect(sessions).toEqual([
      { sessionId: connectionSessionId("res-phone", "phone", 3), resource: "phone", state: "connected", presence: { show: "away", priority: 0 }, presenceCount: 1 },
      { sessionId: connectionSessionId("res-laptop", "laptop", 1), resource: "laptop", state: "connected", presence: null, presenceCount: 0 },
    ]);
  });
});

describe("messageSnapshotOf", () => {
  it("reads the message the playground builds, with the sender's full JID filled in", () => {
    expect(messageSnapshotOf(chatTo(`${ACCOUNT}/phone`, "hi"), { from: BOB, domain: "localhost" })).toEqual({
      type: "chat",
      hasBody: true,
      body: "hi",
      from: BOB,
      toResource: "phone",
    });
    expect(messageSnapshotOf(chatTo(ACCOUNT, null), { from: BOB, domain: "localhost" })).toMatchObject({ type: "chat", hasBody: false, toResource: null });
  });
});

describe("predict: the demo cases", () => {
  it("all receiving resources away and an away=true registration: spec pushes it, and says why", () => {
    const p = run([resource("phone", "offline"), resource("laptop", "away"), resource("tablet", "xa")], [reg("n-3f9", { away: true, by: "phone" })]);
    expect(p.delivery).toEqual({ deliveredTo: ["laptop", "tablet"], storedOffline: false });
    expect(nodes(p, "spec")).toEqual(["n-3f9"]);
    expect(p.predictions.spec.decision.rule).toBe("spec/all-away");
    expect(p.predictions.spec.decision.reason).toBe(
      "all 2 receiving resources are away (laptop: away; tablet: xa) and registration n-3f9 has away=true, so it is pushed",
    );
    expect(nodes(p, "tigase")).toEqual(["n-3f9"]);
    // The enabling connection (phone) is gone: the session-bound servers push it too.
    expect(nodes(p, "prosody")).toEqual(["n-3f9"]);
    expect(nodes(p, "ejabberd")).toEqual(["n-3f9"]);
  });

  it("one online resource: no push under spec and tigase, while prosody and ejabberd push the gone session's registration", () => {
    const p = run([resource("phone", "offline"), resource("laptop", "away"), resource("tablet", "available")], [reg("n-3f9", { away: true, by: "phone" })]);
    expect(nodes(p, "spec")).toEqual([]);
    expect(p.predictions.spec.decision.reason).toBe("resource tablet is online (available), so nothing is pushed");
    expect(nodes(p, "tigase")).toEqual([]);
    expect(nodes(p, "prosody")).toEqual(["n-3f9"]);
    expect(p.predictions.prosody.decision.rule).toBe("prosody/session-not-alive");
    expect(nodes(p, "ejabberd")).toEqual(["n-3f9"]);
  });

  it("all away but no away=true registration: no push under spec", () => {
    const p = run([resource("phone", "offline"), resource("laptop", "away")], [reg("n-1", { away: false, by: "phone" })]);
    expect(nodes(p, "spec")).toEqual([]);
    expect(p.predictions.spec.decision.reason).toContain("but no registration has away=true, so nothing is pushed");
    expect(nodes(p, "tigase")).toEqual([]);
    expect(nodes(p, "prosody")).toEqual(["n-1"]);
  });

  it("the enabling connection is still up (away): spec and tigase push, prosody and ejabberd do not", () => {
    const p = run([resource("phone", "away")], [reg("n-1", { away: true, by: "phone" })]);
    expect(nodes(p, "spec")).toEqual(["n-1"]);
    expect(nodes(p, "tigase")).toEqual(["n-1"]);
    expect(nodes(p, "prosody")).toEqual([]);
    expect(nodes(p, "ejabberd")).toEqual([]);
    expect(p.predictions.ejabberd.decision.reason).toContain("its enabling session (phone) is still connected");
  });

  it("a reconnect of the enabling resource is a new session: prosody and ejabberd treat the registration's session as gone", () => {
    // phone enabled on its first connection and is now on its second.
    const p = run([resource("phone", "available")], [reg("n-1", { by: "phone", generation: 1 })], { generations: { phone: 2 } });
    expect(nodes(p, "spec")).toEqual([]);
    expect(nodes(p, "prosody")).toEqual(["n-1"]);
    expect(nodes(p, "ejabberd")).toEqual(["n-1"]);
  });

  it("prosody and ejabberd differ when the message goes offline while the other enabler is connected without presence", () => {
    const p = run(
      [resource("phone", "offline"), resource("laptop", null)],
      [reg("n-phone", { by: "phone" }), reg("n-laptop", { by: "laptop" })],
    );
    expect(p.delivery.storedOffline).toBe(true);
    expect(nodes(p, "prosody")).toEqual(["n-phone", "n-laptop"]);
    expect(p.predictions.prosody.decision.rule).toBe("prosody/offline");
    expect(nodes(p, "ejabberd")).toEqual(["n-phone"]);
    expect(nodes(p, "spec")).toEqual(["n-phone", "n-laptop"]);
  });

  it("a body-less chat state is not pushable under spec", () => {
    const p = run([resource("phone", "offline")], [reg("n-1", { by: "phone" })], { body: null });
    expect(p.predictions.spec.decision).toMatchObject({ rule: "spec/not-pushable", pushable: false });
    expect(nodes(p, "spec")).toEqual([]);
  });

  it("counts messages pushed since the account was last online, per policy, and offline storage", () => {
    const views = [resource("phone", "offline")];
    const first = run(views, [reg("n-1", { by: "phone" })]);
    expect(first.counters.pushedSinceOnline).toEqual({ spec: 1, tigase: 1, prosody: 1, ejabberd: 1 });
    expect(first.counters.offlineCount).toBe(1);
    const second = predict({
      account: ACCOUNT,
      sessions: [],
      registrations: [reg("n-1", { by: "phone" })],
      message: first.message,
      options: DEFAULT_POLICY_OPTIONS,
      serverPolicy: null,
      counters: first.counters,
    });
    expect(second.inputs.spec.pushedSinceOnline).toBe(1);
    expect(second.inputs.tigase.offlineCount).toBe(2);
    expect(second.predictions.spec.decision.summary.messageCount).toBe(2);
    const online = run([resource("phone", "available")], [reg("n-1", { by: "phone" })]);
    expect(online.inputs.spec.pushedSinceOnline).toBe(0);
  });
});

describe("predict: bare-JID delivery per policy", () => {
  const views = [resource("laptop", "available", 5), resource("phone", "away", 0)];

  it("spec and tigase deliver to every routable resource, prosody and ejabberd to the highest priority only", () => {
    const p = run(views, []);
    expect(p.predictions.spec.delivery.deliveredTo).toEqual(["laptop", "phone"]);
    expect(p.predictions.tigase.delivery.deliveredTo).toEqual(["laptop", "phone"]);
    expect(p.predictions.prosody.delivery.deliveredTo).toEqual(["laptop"]);
    expect(p.predictions.ejabberd.delivery.deliveredTo).toEqual(["laptop"]);
    expect(p.inputs.prosody.delivery).toEqual(p.predictions.prosody.delivery);
  });

  it("the record's delivery is the server policy's, spec's while the server is unknown", () => {
    expect(run(views, []).delivery.deliveredTo).toEqual(["laptop", "phone"]);
    expect(run(views, [], { serverPolicy: "prosody" }).delivery.deliveredTo).toEqual(["laptop"]);
  });

  it("a hibernated enabler below the top priority gets nothing queued, so prosody does not push it", () => {
    const sm = { state: "hibernated" as const, enabled: true, resumable: true, id: "sm-1", max: 60, since: 0 };
    const phone = { ...resource("phone", "away", 0), status: "offline" as const, sm };
    const p = run([resource("laptop", "available", 5), phone], [reg("n-1", { by: "phone" })]);
    expect(p.predictions.spec.delivery.deliveredTo).toEqual(["laptop", "phone"]);
    expect(p.predictions.prosody.delivery.deliveredTo).toEqual(["laptop"]);
    expect(nodes(p, "prosody")).toEqual([]);
  });
});

describe("registrationsUnder", () => {
  const context = { account: ACCOUNT, serverPolicy: null };

  it("drops what the playground disabled, and applies each policy's away parsing", () => {
    const regs = [reg("n-on", { away: true }), reg("n-off", { state: "disabled" })];
    const spec = registrationsUnder(POLICIES.spec, regs, context);
    expect(spec.inForce.map((r) => [r.node, r.away])).toEqual([["n-on", true]]);
    expect(spec.excluded).toEqual([{ key: { jid: regs[1]!.jid, node: "n-off" }, why: "n-off was disabled" }]);
    expect(registrationsUnder(POLICIES.prosody, regs, context).inForce.map((r) => r.away)).toEqual([false]);
  });

  it("names who disabled it, an outside session by its resource (issue 12)", () => {
    const disabledBy = { sessionId: "srv-7", label: "the outside session tablet", at: 5 };
    const regs = [reg("n-off", { state: "disabled" })].map((r) => ({ ...r, disabledBy }));
    expect(registrationsUnder(POLICIES.spec, regs, context).excluded[0]?.why).toBe("n-off was disabled by the outside session tablet");
  });

  it("a remote disable removes the registration only under policies that honour it", () => {
    const regs = [reg("n-1", { remoteDisabled: true })];
    expect(registrationsUnder(POLICIES.spec, regs, context).inForce).toEqual([]);
    expect(registrationsUnder(POLICIES.tigase, regs, context).inForce).toEqual([]);
    expect(registrationsUnder(POLICIES.prosody, regs, context).inForce).toHaveLength(1);
    expect(registrationsUnder(POLICIES.ejabberd, regs, context).inForce).toHaveLength(1);
  });

  it("replays the sink's answers through each policy's error rules", () => {
    const cancel = { kind: "error", type: "cancel", condition: "item-not-found" } as const;
    const regs = [reg("n-1", { outcomes: [cancel] })];
    const spec = registrationsUnder(POLICIES.spec, regs, context);
    expect(spec.inForce).toEqual([]);
    expect(spec.excluded[0]!.why).toBe("spec removes n-1 after the sink answered a push with error cancel/item-not-found");
    expect(registrationsUnder(POLICIES.ejabberd, regs, context).inForce).toEqual([]);
    expect(registrationsUnder(POLICIES.tigase, regs, context).inForce).toEqual([]);
    const prosody = registrationsUnder(POLICIES.prosody, regs, context);
    expect(prosody.inForce).toHaveLength(1);
    expect(prosody.inForce[0]!.errorCount).toBe(1);
    // A transient error keeps it everywhere.
    const wait = [reg("n-2", { outcomes: [{ kind: "error", type: "wait", condition: "internal-server-error" }] })];
    for (const policy of Object.values(POLICIES)) expect(registrationsUnder(policy, wait, context).inForce, policy.name).toHaveLength(1);
  });

  it("evicts the least recently enabled beyond prosody's five", () => {
    const regs = Array.from({ length: 6 }, (_, i) => reg(`n-${i}`, { enabledAt: 100 - i }));
    const prosody = registrationsUnder(POLICIES.prosody, regs, context);
    expect(prosody.inForce.map((r) => r.node)).toEqual(["n-4", "n-3", "n-2", "n-1", "n-0"]);
    expect(prosody.excluded).toEqual([{ key: { jid: regs[5]!.jid, node: "n-5" }, why: "prosody keeps at most 5 registrations and evicted n-5, the least recently enabled" }]);
    expect(registrationsUnder(POLICIES.spec, regs, context).inForce).toHaveLength(6);
  });

  it("replays the LRU as the server runs it: a registration disabled later still held its place when newer ones were enabled", () => {
    const regs = Array.from({ length: 6 }, (_, i) => reg(`n-${i}`, { enabledAt: 10 + i, state: i === 5 ? "disabled" : "active" }));
    const prosody = registrationsUnder(POLICIES.prosody, regs, context);
    // n-5's enable evicted n-0 before n-5 was disabled, as on a server: four are left, not five.
    expect(prosody.inForce.map((r) => r.node)).toEqual(["n-1", "n-2", "n-3", "n-4"]);
    expect(prosody.excluded.map((e) => e.key.node)).toEqual(["n-5", "n-0"]);
  });

  it("names an evicted registration once, even when the App Server's remote disable comes for it later", () => {
    const regs = Array.from({ length: 65 }, (_, i) => reg(`n-${i}`, { enabledAt: 10 + i, remoteDisabled: i === 0 }));
    const spec = registrationsUnder(POLICIES.spec, regs, context);
    expect(spec.inForce).toHaveLength(64);
    expect(spec.excluded).toEqual([{ key: { jid: regs[0]!.jid, node: "n-0" }, why: "spec keeps at most 64 registrations and evicted n-0, the least recently enabled" }]);
  });

  it("replays a registration without node as an enable without the attribute, which Tigase refuses", () => {
    const regs = [reg("")];
    expect(registrationsUnder(POLICIES.tigase, regs, context).excluded[0]!.why).toContain("tigase would have refused the enable");
    expect(registrationsUnder(POLICIES.prosody, regs, context).inForce.map((r) => r.node)).toEqual([""]);
  });

  it("a removal the server reports counts under the server's policy only", () => {
    const regs = [reg("n-1", { state: "removed-by-server" })];
    expect(registrationsUnder(POLICIES.prosody, regs, { account: ACCOUNT, serverPolicy: "prosody" }).inForce).toEqual([]);
    expect(registrationsUnder(POLICIES.spec, regs, { account: ACCOUNT, serverPolicy: "prosody" }).inForce).toHaveLength(1);
  });

  it("answers from the current facts when only the sink's answers or the enables change between calls", () => {
    const cancel = { kind: "error", type: "cancel", condition: "item-not-found" } as const;
    const first = reg("n-1", { enabledAt: 1 });
    expect(registrationsUnder(POLICIES.spec, [first], context).inForce.map((r) => r.node)).toEqual(["n-1"]);
    // Same enable, one more answer: the answer is replayed on top of the kept enable replay.
    expect(registrationsUnder(POLICIES.spec, [{ ...first, outcomes: [cancel] }], context).inForce).toEqual([]);
    expect(registrationsUnder(POLICIES.spec, [first], context).inForce.map((r) => [r.node, r.away])).toEqual([["n-1", false]]);
    // Another away flag, another node, another enabling session: the enables are replayed again.
    expect(registrationsUnder(POLICIES.spec, [{ ...first, away: true }], context).inForce.map((r) => r.away)).toEqual([true]);
    expect(registrationsUnder(POLICIES.spec, [first, reg("n-2", { enabledAt: 2 })], context).inForce.map((r) => r.node)).toEqual(["n-1", "n-2"]);
    const elsewhere = { ...first, enabledBySessionId: connectionSessionId("res-laptop", "laptop", 4) };
    expect(registrationsUnder(POLICIES.spec, [elsewhere], context).inForce[0]!.enabledBySessionId).toBe(elsewhere.enabledBySessionId);
    expect(registrationsUnder(POLICIES.ejabberd, [{ ...first, node: "" }], context).inForce).toEqual([]);
    expect(registrationsUnder(POLICIES.ejabberd, [first], context).inForce).toHaveLength(1);
  });

  it("leaves out a registration a policy would have refused at enable (ejabberd requires a node)", () => {
    const regs = [reg("")];
    expect(registrationsUnder(POLICIES.ejabberd, regs, context).excluded[0]!.why).toContain("feature-not-implemented");
    expect(registrationsUnder(POLICIES.prosody, regs, context).inForce).toHaveLength(1);
  });
});
