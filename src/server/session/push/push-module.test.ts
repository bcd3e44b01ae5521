/**
 * The push service over real sessions: enable/disable per policy, the publish to an App Server
 * sink (docs/push-semantics.md §0.3), the App Server's answers, remote disable, Tigase's presence ping and the
 * decision log. The scenario suite (src/scenarios) covers the decision rules themselves.
 */
import { xml } from "@xmpp/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../../protocol/ns";
import { POLICIES } from "../../../protocol/policy";
import { decisionInputOf, type PushLogEntry } from "../../../protocol/push-log";
import { buildDisable, buildEnable, buildRemoteDisable } from "../../../protocol/stanzas/push";
import { attrOf, findChild } from "../../../protocol/stanzas/xml-util";
import { startTestServer, type TestServer } from "../../test-support";
import {
  AppServerSink,
  chat,
  connect,
  errorOf,
  eventually,
  fetchLog,
  isMessageWithBody,
  presence,
  type Inbox,
} from "../../test-support/session-kit";

const APP_SERVER_TIMEOUT_MS = 400;

let t: TestServer;
const open: Inbox[] = [];
let n = 0;
const user = (name: string, domain = "localhost") => `${name}${++n}@${domain}`;

async function login(jid: string): Promise<Inbox> {
  const inbox = await connect(t.url, jid);
  open.push(inbox);
  return inbox;
}

async function sink(): Promise<AppServerSink> {
  return new AppServerSink(await login(`${user("pushsvc")}/sink`));
}

const sm = () => {
  const manager = t.server.sessionManager;
  if (!manager) throw new Error("no session manager");
  return manager;
};

const bare = (inbox: Inbox) => inbox.jid.split("/")[0] ?? "";
const entriesOf = (account: string, kind?: PushLogEntry["kind"]) =>
  t.server.pushLog.list({ account }).filter((e) => kind === undefined || e.kind === kind);

async function enableOk(inbox: Inbox, options: Parameters<typeof buildEnable>[0]): Promise<void> {
  const reply = await inbox.iq(buildEnable(options));
  expect(errorOf(reply), reply.toString()).toBeNull();
  expect(attrOf(reply, "type")).toBe("result");
}

/** Enable from a session that then leaves, so nobody of the account is connected (row 1). */
async function registerAndLeave(jid: string, s: AppServerSink, node: string, extra: Partial<Parameters<typeof buildEnable>[0]> = {}) {
  const device = await login(jid);
  await enableOk(device, { jid: s.jid, node, ...extra });
  await device.stop();
  await eventually(() => sm().sessionsOf(bare(device)).length === 0, "the device to be gone");
  return bare(device);
}

beforeAll(async () => {
  t = await startTestServer({ appServerTimeoutMs: APP_SERVER_TIMEOUT_MS });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await t.close();
});

describe("enable and disable", () => {
  it("stores, replaces whole and removes registrations (spec)", async () => {
    const s = await sink();
    const a1 = await login(`${user("alice")}/a1`);
    const account = bare(a1);
    await enableOk(a1, { jid: s.jid, node: "n1", away: true, publishOptions: { secret: "s3cr3t" } });
    expect(sm().registrationsOf(account)).toEqual([
      {
        jid: s.jid,
        node: "n1",
        away: true,
        enabledBySessionId: sm().sessionsOf(account)[0]?.sessionId,
        enabledByResource: "a1",
        publishOptions: { type: "submit", fields: [{ var: "FORM_TYPE", values: [NS.pubsubPublishOptions] }, { var: "secret", values: ["s3cr3t"] }] },
        errorCount: 0,
      },
    ]);

    // Same jid+node again without away: replaced whole, so away is off and the options are gone.
    await enableOk(a1, { jid: s.jid, node: "n1" });
    await enableOk(a1, { jid: s.jid, node: "n2" });
    expect(sm().registrationsOf(account).map((r) => [r.node, r.away, r.publishOptions])).toEqual([
      ["n1", false, null],
      ["n2", false, null],
    ]);

    // `away='1'` is xs:boolean true under spec.
    await enableOk(a1, { jid: s.jid, node: "n3", away: "1" });
    expect(sm().registrationsOf(account).find((r) => r.node === "n3")?.away).toBe(true);

    expect(attrOf(await a1.iq(buildDisable({ jid: s.jid, node: "n1" })), "type")).toBe("result");
    expect(sm().registrationsOf(account).map((r) => r.node)).toEqual(["n2", "n3"]);
    // Without a node: every node of that service.
    expect(attrOf(await a1.iq(buildDisable({ jid: s.jid })), "type")).toBe("result");
    expect(sm().registrationsOf(account)).toEqual([]);
    // Disabling what is not there is fine under spec.
    expect(attrOf(await a1.iq(buildDisable({ jid: s.jid, node: "unknown" })), "type")).toBe("result");

    const kinds = entriesOf(account).map((e) => e.kind);
    expect(kinds).toEqual(["enable", "enable", "enable", "enable", "disable", "disable", "disable", "disable"]);
    const removedByJid = entriesOf(account, "disable").slice(1, 3);
    expect(removedByJid.map((e) => (e.kind === "disable" ? e.key?.node : null))).toEqual(["n2", "n3"]);
  });

  it("answers enable errors as each policy does", async () => {
    const spec = await login(`${user("alice")}/a1`);
    expect(errorOf(await spec.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: NS.push, node: "x" }))))).toMatchObject({
      type: "modify",
      condition: "bad-request",
    });
    expect(errorOf(await spec.iq(buildEnable({ jid: "not a jid@@", node: "x" })))).toMatchObject({ condition: "jid-malformed" });
    const refused = entriesOf(bare(spec), "enable");
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ error: { condition: "bad-request" }, key: null, resource: "a1" });
    expect(sm().registrationsOf(bare(spec))).toEqual([]);

    const prosody = await login(`${user("carol", "prosody.localhost")}/phone`);
    expect(errorOf(await prosody.iq(buildEnable({ jid: prosody.jid, node: "x" })))).toMatchObject({
      condition: "bad-request",
      text: "JID must be different from ours",
    });
    // Prosody accepts a missing node (key jid + "").
    await enableOk(prosody, { jid: "pushsvc@localhost/sink" });
    expect(sm().registrationsOf(bare(prosody))).toMatchObject([{ node: "", away: false }]);

    const ej = await login(`${user("dave", "ejabberd.localhost")}/phone`);
    expect(errorOf(await ej.iq(buildEnable({ jid: "pushsvc@localhost/sink" })))).toMatchObject({
      type: "cancel",
      condition: "feature-not-implemented",
    });
    expect(errorOf(await ej.iq(buildEnable({ jid: "pushsvc@localhost/sink", node: "n", type: "get" })))).toMatchObject({
      condition: "not-allowed",
    });
    expect(errorOf(await ej.iq(buildDisable({ jid: "pushsvc@localhost/sink", node: "unknown" })))).toMatchObject({
      condition: "item-not-found",
    });
    expect(entriesOf(bare(ej), "disable")).toMatchObject([{ error: { condition: "item-not-found" } }]);
  });

  it("evicts the least recently enabled registration beyond the policy's limit (prosody keeps 5)", async () => {
    const phone = await login(`${user("carol", "prosody.localhost")}/phone`);
    for (const node of ["n1", "n2", "n3", "n4", "n5"]) await enableOk(phone, { jid: "pushsvc@localhost/sink", node });
    // Re-enabling n1 makes it the most recent, so n2 is the one evicted next.
    await enableOk(phone, { jid: "pushsvc@localhost/sink", node: "n1" });
    await enableOk(phone, { jid: "pushsvc@localhost/sink", node: "n6" });
    expect(sm().registrationsOf(bare(phone)).map((r) => r.node)).toEqual(["n3", "n4", "n5", "n1", "n6"]);
    const removed = entriesOf(bare(phone), "registration-removed");
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ key: { node: "n2" } });
    expect(removed[0]?.kind === "registration-removed" && removed[0].why).toMatch(/^LRU/);
  });
});

describe("publishing", () => {
  it("publishes to the sink from the domain with node, summary and the publish-options echo", async () => {
    const s = await sink();
    const alice = await registerAndLeave(`${user("alice")}/phone`, s, "node-1", { publishOptions: { secret: "abc" } });
    const bob = await login(`${user("bob")}/b`);

    await bob.send(chat(alice, "hello there"));
    const [first] = await s.waitFor(1);
    expect(first).toMatchObject({
      from: "localhost",
      to: s.jid,
      node: "node-1",
      summary: { messageCount: 1, lastMessageSender: bob.jid, lastMessageBody: "hello there" },
    });
    expect(first?.publishOptions?.fields).toContainEqual({ var: "secret", values: ["abc"] });

    await bob.send(chat(alice, "second"));
    const publishes = await s.waitFor(2);
    expect(publishes[1]?.summary?.messageCount).toBe(2);

    // The record: decision → publish → outcome, tied together by seq and iq id.
    await eventually(() => entriesOf(alice, "publish-outcome").length === 2, "two outcomes");
    const decisions = entriesOf(alice, "message-decision");
    const publishesLogged = entriesOf(alice, "publish");
    const outcomes = entriesOf(alice, "publish-outcome");
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({ policy: "spec", host: "localhost", from: bob.jid, to: alice, delivery: { storedOffline: true } });
    expect(publishesLogged[0]).toMatchObject({ causeSeq: decisions[0]?.seq, iqId: s.publishes[0]?.parsed.id, key: { node: "node-1" } });
    expect(outcomes[0]).toMatchObject({ iqId: s.publishes[0]?.parsed.id, outcome: { kind: "result" }, reaction: { action: "keep" } });
    // The record carries the whole DecisionInput (issue 9): replaying it gives the recorded decision.
    const second = decisions[1];
    const input = second?.kind === "message-decision" ? decisionInputOf(second) : null;
    expect(input).toMatchObject({ account: alice, message: { type: "chat", hasBody: true, body: "second" }, pushedSinceOnline: 1, offlineCount: 2 });
    expect(input && second?.kind === "message-decision" ? POLICIES.spec.decide(input) : null).toEqual(second?.kind === "message-decision" ? second.decision : undefined);

    // An online session resets the count (spec's message-count: pushed since last online).
    const back = await login(`${alice}/laptop`);
    await back.send(presence());
    await back.next(isMessageWithBody("second"), "offline delivery");
    expect(sm().pushedSinceOnline(alice)).toBe(0);
    await back.stop();
    await eventually(() => sm().sessionsOf(alice).length === 0, "laptop gone");
    await bob.send(chat(alice, "third"));
    const third = (await s.waitFor(3))[2];
    expect(third?.summary?.messageCount).toBe(1);
  });

  it("routes pushes between virtual hosts: the publish comes from the account's own domain", async () => {
    const s = await sink();
    const alice = await registerAndLeave(`${user("alice", "tigase.localhost")}/phone`, s, "t-node");
    const bob = await login(`${user("bob")}/b`);
    await bob.send(chat(alice, "cross host"));
    const [publish] = await s.waitFor(1);
    expect(publish).toMatchObject({ from: "tigase.localhost", node: "t-node" });
    await eventually(() => entriesOf(alice, "publish-outcome").length === 1, "the outcome");
    expect(entriesOf(alice, "publish-outcome")[0]).toMatchObject({ host: "tigase.localhost", policy: "tigase", outcome: { kind: "result" } });
  });

  it("does not push when an online session receives the message (spec)", async () => {
    const s = await sink();
    const a1 = await login(`${user("alice")}/a1`);
    await enableOk(a1, { jid: s.jid, node: "n" });
    await a1.send(presence());
    const bob = await login(`${user("bob")}/b`);
    await bob.send(chat(bare(a1), "you are online"));
    await a1.next(isMessageWithBody("you are online"), "live delivery");
    expect(await s.settle()).toEqual([]);
    expect(entriesOf(bare(a1), "message-decision")[0]).toMatchObject({ decision: { verdicts: [{ push: false }] } });
  });
});

describe("App Server answers", () => {
  async function twoMessages(s: AppServerSink, alice: string): Promise<void> {
    const bob = await login(`${user("bob")}/b`);
    await bob.send(chat(alice, "one"));
    await s.waitFor(1);
    await eventually(() => entriesOf(alice, "publish-outcome").length === 1, "first outcome");
    await bob.send(chat(alice, "two"));
  }

  it("spec removes a registration on a cancel error: the next message is not pushed", async () => {
    const s = await sink();
    s.answer = { kind: "error", type: "cancel", condition: "item-not-found" };
    const alice = await registerAndLeave(`${user("alice")}/phone`, s, "n");
    await twoMessages(s, alice);
    expect(await s.settle()).toHaveLength(1);
    expect(sm().registrationsOf(alice)).toEqual([]);
    expect(entriesOf(alice, "publish-outcome")[0]).toMatchObject({
      outcome: { kind: "error", type: "cancel", condition: "item-not-found" },
      reaction: { action: "remove" },
    });
    const removed = entriesOf(alice, "registration-removed");
    expect(removed).toHaveLength(1);
    expect(removed[0]?.kind === "registration-removed" && removed[0].why).toContain("item-not-found");
  });

  it("spec keeps a registration on a wait error", async () => {
    const s = await sink();
    s.answer = { kind: "error", type: "wait", condition: "resource-constraint" };
    const alice = await registerAndLeave(`${user("alice")}/phone`, s, "n");
    await twoMessages(s, alice);
    await s.waitFor(2);
    expect(sm().registrationsOf(alice)).toHaveLength(1);
  });

  it("prosody counts non-wait errors and keeps the registration", async () => {
    const s = await sink();
    s.answer = { kind: "error", type: "cancel", condition: "item-not-found" };
    const alice = await registerAndLeave(`${user("carol", "prosody.localhost")}/phone`, s, "n");
    await twoMessages(s, alice);
    await s.waitFor(2);
    await eventually(() => sm().registrationsOf(alice)[0]?.errorCount === 2, "error count 2");
    s.answer = { kind: "result" };
    const bob = await login(`${user("bob")}/b2`);
    await bob.send(chat(alice, "three"));
    await s.waitFor(3);
    await eventually(() => sm().registrationsOf(alice)[0]?.errorCount === 0, "count reset by a result");
  });

  it("a silent App Server times out and the registration is kept", async () => {
    const s = await sink();
    s.answer = { kind: "silent" };
    const alice = await registerAndLeave(`${user("alice")}/phone`, s, "n");
    const bob = await login(`${user("bob")}/b`);
    await bob.send(chat(alice, "anyone?"));
    await s.waitFor(1);
    await eventually(() => entriesOf(alice, "publish-outcome").length === 1, "the timeout", APP_SERVER_TIMEOUT_MS + 4000);
    expect(entriesOf(alice, "publish-outcome")[0]).toMatchObject({ outcome: { kind: "timeout" }, reaction: { action: "keep" } });
    expect(sm().registrationsOf(alice)).toHaveLength(1);
    expect(sm().pendingPublishes).toBe(0);
  });

  it("a push JID with no session gets routing's service-unavailable: ejabberd removes at once, prosody counts", async () => {
    const gone = "pushsvc-gone@localhost/sink";
    const bob = await login(`${user("bob")}/b`);
    const ej = await login(`${user("dave", "ejabberd.localhost")}/phone`);
    await enableOk(ej, { jid: gone, node: "n" });
    const pr = await login(`${user("carol", "prosody.localhost")}/phone`);
    await enableOk(pr, { jid: gone, node: "n" });
    await Promise.all([ej.stop(), pr.stop()]);
    await eventually(() => sm().sessionsOf(bare(ej)).length + sm().sessionsOf(bare(pr)).length === 0, "devices gone");

    await bob.send(chat(bare(ej), "to ejabberd"));
    await bob.send(chat(bare(pr), "to prosody"));
    await eventually(() => entriesOf(bare(ej), "publish-outcome").length + entriesOf(bare(pr), "publish-outcome").length === 2, "outcomes");
    for (const account of [bare(ej), bare(pr)]) {
      expect(entriesOf(account, "publish-outcome")[0]).toMatchObject({
        outcome: { kind: "error", type: "cancel", condition: "service-unavailable" },
      });
    }
    expect(sm().registrationsOf(bare(ej))).toEqual([]);
    expect(sm().registrationsOf(bare(pr))).toMatchObject([{ errorCount: 1 }]);
  });
});

describe("remote disable (XEP-0357 §9)", () => {
  it("removes the registration where the policy honours it (tigase)", async () => {
    const s = await sink();
    const alice = await registerAndLeave(`${user("alice", "tigase.localhost")}/phone`, s, "rd");
    await s.inbox.send(buildRemoteDisable({ from: s.jid, to: alice, node: "rd", account: alice }));
    await eventually(() => sm().registrationsOf(alice).length === 0, "registration removed");
    const removed = entriesOf(alice, "registration-removed");
    expect(removed).toMatchObject([{ key: { jid: s.jid, node: "rd" } }]);
    // Consumed by the server: not stored for the account.
    expect(sm().offlineCount(alice)).toBe(0);
  });

  it("only the registration's own push service can remove it", async () => {
    const s = await sink();
    const other = await sink();
    const alice = await registerAndLeave(`${user("alice", "tigase.localhost")}/phone`, s, "rd");
    await other.inbox.send(buildRemoteDisable({ from: other.jid, to: alice, node: "rd", account: alice }));
    await eventually(() => entriesOf(alice, "disable").length === 1, "the logged no-match");
    expect(sm().registrationsOf(alice)).toHaveLength(1);
  });

  it("logs and ignores it where the policy does not honour it (prosody); the message is routed as usual", async () => {
    const s = await sink();
    const phone = await login(`${user("carol", "prosody.localhost")}/phone`);
    const account = bare(phone);
    await enableOk(phone, { jid: s.jid, node: "rd" });
    await phone.send(presence());
    await s.inbox.send(buildRemoteDisable({ from: s.jid, to: account, node: "rd", account }));
    await phone.next((m) => m.name === "message" && findChild(m, "pubsub", NS.pubsub) !== undefined, "the §9 message itself");
    expect(sm().registrationsOf(account)).toHaveLength(1);
    const ignored = entriesOf(account, "disable");
    expect(ignored).toHaveLength(1);
    expect(ignored[0]?.kind === "disable" && ignored[0].why).toMatch(/ignored/);
  });
});

describe("Tigase's presence ping", () => {
  it("sends message-count=0 to away registrations on a session's first presence, and logs the decision", async () => {
    const s = await sink();
    const alice = await registerAndLeave(`${user("alice", "tigase.localhost")}/phone`, s, "away-node", { away: true });
    const tablet = await login(`${alice}/tablet`);
    await tablet.send(presence({}, { show: "away" }));
    const [ping] = await s.waitFor(1);
    expect(ping).toMatchObject({ from: "tigase.localhost", node: "away-node", summary: { messageCount: 0 } });
    expect(ping?.summary?.lastMessageBody).toBeUndefined();
    const decision = entriesOf(alice, "presence-decision");
    expect(decision).toMatchObject([{ resource: "tablet", decision: { rule: "tigase/retrieved" } }]);
    expect(entriesOf(alice, "publish")[0]).toMatchObject({ causeSeq: decision[0]?.seq });

    // Only the first presence of a session triggers it.
    await tablet.send(presence());
    expect(await s.settle()).toHaveLength(1);
  });
});

describe("decision log", () => {
  it("is fetched over XMPP for the own account only, paged with after/limit", async () => {
    const s = await sink();
    const a1 = await login(`${user("alice")}/a1`);
    const other = await login(`${user("mallory")}/m`);
    await enableOk(other, { jid: s.jid, node: "not-yours" });
    for (const node of ["l1", "l2", "l3"]) await enableOk(a1, { jid: s.jid, node });

    const all = await fetchLog(a1);
    expect(all.entries.map((e) => e.kind)).toEqual(["enable", "enable", "enable"]);
    expect(all.entries.every((e) => e.account === bare(a1))).toBe(true);
    const log = findChild(all.reply, "log", NS.decisions);
    expect(log && [attrOf(log, "count"), attrOf(log, "last"), attrOf(log, "more")]).toEqual(["3", String(all.entries[2]?.seq), "false"]);
    expect(all.entries).toEqual(t.server.pushLog.list({ account: bare(a1) }));

    const page = await fetchLog(a1, all.entries[0]?.seq, 1);
    expect(page.entries.map((e) => e.seq)).toEqual([all.entries[1]?.seq]);
    expect(attrOf(findChild(page.reply, "log", NS.decisions)!, "more")).toBe("true");
    const rest = await fetchLog(a1, all.entries[2]?.seq);
    expect(rest.entries).toEqual([]);
    expect(attrOf(findChild(rest.reply, "log", NS.decisions)!, "last")).toBe(String(all.entries[2]?.seq));

    const bad = await a1.iq(xml("iq", { type: "get" }, xml("log", { xmlns: NS.decisions, after: "-1" })));
    expect(errorOf(bad)).toMatchObject({ condition: "bad-request" });
    // The log is the owner's: another account's bare JID is refused.
    const foreign = await a1.iq(xml("iq", { type: "get", to: bare(other) }, xml("log", { xmlns: NS.decisions })));
    expect(errorOf(foreign)).toMatchObject({ condition: "service-unavailable" });
  });
});
