import { beforeEach, describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import { DEFAULT_POLICY_OPTIONS, type PolicyName } from "../../protocol/policy/types";
import type { MessageDecisionEntry } from "../../protocol/push-log";
import { routeMessage } from "../../protocol/routing";
import { SINK_LANE, type PushEvent } from "../model";
import { createStores, type Stores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import type { SessionView } from "../stores/sessions";
import { createExpectationEngine, type ExpectationEngine } from "./engine";
import { ACCOUNT, BOB, chatTo, manualClock, resource, SINK } from "../test-support/expectation-fixtures";

let stores: Stores;
let clock: ReturnType<typeof manualClock>;
let engine: ExpectationEngine;

function sink(status: SessionView["status"], connectedAt = 5): SessionView {
  return { ...resource("sink", "available"), id: SINK_LANE, role: "sink", label: "pushsvc/sink", account: "pushsvc@localhost", status, connectedAt };
}

function setResources(...views: SessionView[]): void {
  for (const v of views) stores.sessions.getState().upsert(v);
}

function enable(node: string, by: string, away = true): void {
  stores.registrations.getState().upsert({
    jid: SINK, node, away, publishOptions: null, enabledBySessionId: `res-${by}`, enabledByResource: by, enabledAt: clock.now(), state: "active", pushCount: 0,
  });
  engine.registrationEnabled({ jid: SINK, node }, `res-${by}`);
}

let messages = 0;
/** Plan and send a chat message to alice; returns its id. */
function send(to = ACCOUNT): string {
  const id = `m-${++messages}`;
  const plan = engine.plan(chatTo(to, `hello ${messages}`, id), "sender", BOB);
  if (!plan) throw new Error("not planned");
  engine.sent(plan, `ev-${id}`, clock.now());
  return id;
}

let pushes = 0;
function pushFor(messageId: string | null, node: string, opts: { link?: "server log" | "heuristic"; answer?: PushEvent["answer"] } = {}): PushEvent {
  const event: PushEvent = {
    id: `push-${++pushes}`, at: clock.now(), lane: SINK_LANE, kind: "push", summary: "push", iqId: `iq-${pushes}`, from: "localhost", node,
    notification: { messageCount: 1, lastMessageSender: BOB, otherFields: [] }, publishOptions: null, answer: opts.answer ?? { kind: "result" },
    ...(messageId ? { causeMessageId: messageId, linkMethod: opts.link ?? "heuristic" } : {}),
  };
  engine.pushRecorded(event, SINK);
  return event;
}

const record = (id: string) => {
  engine.flush();
  return stores.expectations.getState().records[id]!;
};
const statuses = (id: string) => Object.fromEntries(Object.entries(record(id).verdicts).map(([p, v]) => [p, v.status])) as Record<PolicyName, string>;

beforeEach(() => {
  stores = createStores({ profile: { storage: createMemoryStorage() } });
  clock = manualClock();
  engine = createExpectationEngine({ stores, account: () => ACCOUNT, sinkJid: () => SINK, policyOptions: DEFAULT_POLICY_OPTIONS, ...clock });
  setResources(sink("online"), resource("phone", "available"), resource("laptop", "away"));
  engine.connectionOnline(SINK_LANE);
  engine.connectionOnline("res-phone");
  engine.connectionOnline("res-laptop");
});

describe("expectation engine", () => {
  it("predicts at send, waits the window, then judges every policy and scores", () => {
    enable("n-1", "phone");
    setResources(resource("phone", "offline"));
    const id = send();
    expect(statuses(id)).toEqual({ spec: "pending", tigase: "pending", prosody: "pending", ejabberd: "pending" });
    expect(record(id).predictions.spec.expected.map((k) => k.node)).toEqual(["n-1"]);
    clock.advance(100);
    pushFor(id, "n-1");
    clock.advance(2_800);
    expect(statuses(id).spec).toBe("pending");
    clock.advance(200);
    expect(statuses(id)).toEqual({ spec: "match", tigase: "match", prosody: "match", ejabberd: "match" });
    expect(record(id).observation.pushes.map((p) => p.key.node)).toEqual(["n-1"]);
    expect(stores.expectations.getState().scores.spec).toEqual({ matched: 1, judged: 1 });
    expect(stores.expectations.getState().byEventId[`ev-${id}`]).toBe(id);
  });

  it("a push after the window is late: shown, not counted", () => {
    enable("n-1", "phone");
    setResources(resource("phone", "offline"));
    stores.expectations.getState().setWindowMs(500);
    const id = send();
    clock.advance(800);
    pushFor(id, "n-1");
    expect(record(id).observation.late).toHaveLength(1);
    expect(record(id).verdicts.spec).toMatchObject({ status: "mismatch", missing: [{ jid: SINK, node: "n-1" }] });
  });

  it("binds a registration to the connection that enabled it: a reconnect makes it gone for prosody and ejabberd", () => {
    enable("n-1", "phone", false);
    engine.connectionOnline("res-phone"); // phone reconnected: a new session
    const id = send();
    expect(record(id).predictions.prosody.expected.map((k) => k.node)).toEqual(["n-1"]);
    expect(record(id).predictions.spec.expected).toEqual([]);
    expect(record(id).sessions.map((s) => s.sessionId)).toEqual(["res-phone/phone#2", "res-laptop/laptop#1"]);
  });

  it("an enable after the lane's session was resumed: ejabberd's push id moves to the new sid, so the older registration is expected (seed 22)", () => {
    enable("n-1", "phone", false);
    clock.advance(10);
    engine.connectionResumed("res-phone");
    enable("n-2", "phone", false);
    const id = send(`${ACCOUNT}/phone`);
    expect(record(id).predictions.ejabberd.expected.map((k) => k.node)).toEqual(["n-1"]);
    expect(record(id).predictions.ejabberd.decision.rule).toBe("ejabberd/push-id-moved");
    // A resumption is no new connection: the session ids stay.
    expect(record(id).sessions.map((s) => s.sessionId)).toEqual(["res-phone/phone#1", "res-laptop/laptop#1"]);
    expect(record(id).predictions.ejabberd.registrations).toMatchObject([{ node: "n-1", pushIdMoved: true }, { node: "n-2", sessionKey: "res-phone/phone#1~resumed-1" }]);
  });

  it("a disable from another lane: Prosody still pushes through the killed enabler's queue, the others do not (issue 13)", () => {
    enable("n-1", "phone", false);
    engine.registrationDisabled(SINK, "n-1", "res-laptop");
    stores.registrations.getState().setState(SINK, "n-1", "disabled", "disabled by alice/laptop");
    const sm = { state: "hibernated" as const, enabled: true, resumable: true, id: "sm-1", max: 60, since: 0 };
    setResources({ ...resource("phone", "available"), status: "offline", sm });
    const id = send(`${ACCOUNT}/phone`);
    expect(record(id).predictions.prosody.expected.map((k) => k.node)).toEqual(["n-1"]);
    expect(record(id).predictions.ejabberd.expected).toEqual([]);
    expect(record(id).predictions.spec.excluded).toEqual([{ key: { jid: SINK, node: "n-1" }, why: "n-1 was disabled by alice/laptop" }]);
  });

  it("an outside session's enable and disable from the server's log: a new App Server history, and a disable named after it (issue 12)", () => {
    enable("n-1", "phone", false);
    pushFor(null, "n-1", { answer: { kind: "error", type: "cancel", condition: "item-not-found" } });
    const base = { seq: 1, at: new Date(clock.now()).toISOString(), account: ACCOUNT, host: "localhost", policy: "spec" as const };
    const registration = { jid: SINK, node: "n-1", away: false, enabledBySessionId: "srv-9", enabledByResource: "tablet", publishOptions: null, errorCount: 0 };
    stores.registrations.getState().upsert({ ...registration, enabledAt: clock.now(), state: "active", pushCount: 0 });
    engine.logEntry({ ...base, kind: "enable", resource: "tablet", key: { jid: SINK, node: "n-1" }, registration, why: "new registration" });
    // The phone's cancel error no longer counts: under ejabberd it would have removed the registration.
    setResources(resource("phone", "offline"));
    const id = send();
    expect(record(id).predictions.ejabberd.registrations).toMatchObject([{ node: "n-1", enabledByResource: "tablet", errorCount: 0 }]);
    engine.logEntry({ ...base, seq: 2, kind: "disable", resource: "tablet", key: { jid: SINK, node: "n-1" }, registration, why: "disabled by tablet (n-1)" });
    stores.registrations.getState().setState(SINK, "n-1", "disabled", "disabled by tablet");
    const after = send();
    expect(record(after).predictions.spec.excluded[0]?.why).toBe("n-1 was disabled by the outside session tablet");
  });

  it("revises the verdict when the server log moves a push from one message to another", () => {
    enable("n-1", "phone");
    setResources(resource("phone", "offline"));
    const first = send();
    const second = send();
    const push = pushFor(second, "n-1", { link: "heuristic" });
    clock.advance(3_000);
    expect(record(first).verdicts.spec.status).toBe("mismatch");
    expect(record(second).verdicts.spec.status).toBe("match");
    const before = stores.expectations.getState().scores.spec;
    expect(before).toEqual({ matched: 1, judged: 2 });
    engine.pushLinked(push.id, first, "server log");
    expect(record(first).verdicts.spec.status).toBe("match");
    expect(record(second).verdicts.spec.status).toBe("mismatch");
    expect(record(first).observation.pushes[0]!.linkMethod).toBe("server log");
    expect(stores.expectations.getState().scores.spec).toEqual({ matched: 1, judged: 2 });
  });

  it("does not judge what the sink could not see", () => {
    setResources(sink("offline"));
    const offline = send();
    expect(record(offline).observation.unobservable).toBe("the App Server sink was not connected when the message was sent");
    expect(statuses(offline).spec).toBe("unobservable");
    setResources(sink("online", 10));
    const reconnecting = send();
    setResources(sink("online", 20)); // the sink reconnected inside the window
    clock.advance(3_000);
    expect(record(reconnecting).observation.unobservable).toBe("the App Server sink disconnected during the wait window");
    expect(stores.expectations.getState().scores.spec).toEqual({ matched: 0, judged: 0 });
  });

  it("replays the sink's error answers: after cancel/item-not-found spec no longer counts the registration, prosody still does", () => {
    enable("n-1", "phone");
    setResources(resource("phone", "offline"), resource("laptop", "offline"));
    const first = send();
    pushFor(first, "n-1", { answer: { kind: "error", type: "cancel", condition: "item-not-found" } });
    const second = send();
    const r = record(second);
    expect(r.predictions.spec.expected).toEqual([]);
    expect(r.predictions.spec.excluded[0]!.why).toBe("spec removes n-1 after the sink answered a push with error cancel/item-not-found");
    expect(r.predictions.prosody.expected.map((k) => k.node)).toEqual(["n-1"]);
  });

  it("attaches the server's decision record and takes the server's policy from the log", () => {
    enable("n-1", "phone");
    setResources(resource("phone", "offline"));
    const id = send();
    const r = record(id);
    const serverSessions = [{ sessionId: "s-9", resource: "laptop", state: "connected" as const, presence: { show: "away" as const, priority: 0 }, presenceCount: 1 }];
    const serverRegs = [{ jid: SINK, node: "n-1", away: true, enabledBySessionId: "s-1", enabledByResource: "phone", publishOptions: null, errorCount: 0 }];
    const delivery = routeMessage(serverSessions, r.message, POLICIES.prosody.bareJidDelivery);
    const decision = POLICIES.prosody.decide({ account: ACCOUNT, sessions: serverSessions, registrations: serverRegs, message: r.message, delivery, options: DEFAULT_POLICY_OPTIONS, pushedSinceOnline: 0, offlineCount: 0 });
    const entry: MessageDecisionEntry = { kind: "message-decision", seq: 7, at: new Date().toISOString(), host: "prosody.localhost", policy: "prosody", account: ACCOUNT, messageId: id, from: BOB, to: ACCOUNT, sessions: serverSessions, registrations: serverRegs, delivery, decision };
    engine.logEntry(entry);
    engine.logEntry({ ...entry, account: "someone@else" });
    expect(record(id).server).toMatchObject({ seq: 7, policy: "prosody", host: "prosody.localhost", agrees: true, rule: "prosody/session-not-alive" });
    expect(stores.expectations.getState().server).toEqual({ policy: "prosody", host: "prosody.localhost" });
  });

  it("only plans messages with an id to the account", () => {
    expect(engine.plan(chatTo("carol@localhost", "hi", "m-x"), "sender", BOB)).toBeNull();
    expect(engine.plan(chatTo(ACCOUNT, "hi", "m-y").attr("id", null), "sender", BOB)).toBeNull();
    expect(engine.plan(chatTo(`${ACCOUNT}/phone`, "hi", "m-z"), "sender", BOB)?.prediction.message.toResource).toBe("phone");
  });
});
