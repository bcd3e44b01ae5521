/**
 * The test push (test-push.ts): one publish to one registration on the owner's demand, answered
 * with the App Server's outcome, recorded as its own kind and folded into the registration like
 * any publish.
 */
import { xml } from "@xmpp/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../../protocol/ns";
import type { PushLogEntry } from "../../../protocol/push-log";
import { buildEnable } from "../../../protocol/stanzas/push";
import { buildTestPush, parseTestPushAnswer, type TestPushResult } from "../../../protocol/stanzas/test-push";
import { attrOf } from "../../../protocol/stanzas/xml-util";
import { startTestServer, type TestServer } from "../../test-support";
import { AppServerSink, connect, errorOf, type Inbox } from "../../test-support/session-kit";
import { TEST_PUSH_SUMMARY } from "./test-push";

const APP_SERVER_TIMEOUT_MS = 300;

let t: TestServer;
const open: Inbox[] = [];
let n = 0;
const user = (name: string, domain = "localhost") => `${name}${++n}@${domain}`;

async function login(jid: string): Promise<Inbox> {
  const inbox = await connect(t.url, jid);
  open.push(inbox);
  return inbox;
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

const registrationsOf = (account: string) => t.server.sessionManager?.registrationsOf(account) ?? [];
const entriesOf = (account: string, kind?: PushLogEntry["kind"]) =>
  t.server.pushLog.list({ account }).filter((e) => kind === undefined || e.kind === kind);

/** An account session with one registration towards a fresh sink. */
async function registered(domain = "localhost"): Promise<{ phone: Inbox; sink: AppServerSink; account: string; node: string }> {
  const sink = new AppServerSink(await login(`${user("pushsvc")}/sink`));
  const phone = await login(`${user("alice", domain)}/phone`);
  const node = `node-${n}`;
  const reply = await phone.iq(buildEnable({ jid: sink.jid, node }));
  expect(errorOf(reply), reply.toString()).toBeNull();
  return { phone, sink, account: phone.jid.split("/")[0] ?? "", node };
}

async function testPush(phone: Inbox, jid: string, node: string): Promise<TestPushResult> {
  const reply = await phone.iq(buildTestPush({ jid, node }));
  const result = parseTestPushAnswer(reply);
  if ("error" in result) throw new Error(`${result.error}: ${reply.toString()}`);
  return result;
}

describe("test push", () => {
  it("publishes once to the registration, even while its session is online, and answers with the outcome", async () => {
    const { phone, sink, account, node } = await registered();
    const result = await testPush(phone, sink.jid, node);
    expect(result).toMatchObject({ key: { jid: sink.jid, node }, outcome: { kind: "result" }, reaction: { action: "keep", errorCount: 0 } });
    const [publish] = await sink.waitFor(1);
    expect(publish?.node).toBe(node);
    expect(publish?.from).toBe("localhost");
    expect(publish?.summary?.lastMessageBody).toBe(TEST_PUSH_SUMMARY.lastMessageBody);
    expect(publish?.summary?.messageCount).toBe(1);
    expect(publish?.id).toBe(result.iqId);

    // Recorded as its own kind, with the publish and its outcome chained to it.
    const [entry] = entriesOf(account, "test-push");
    expect(entry).toMatchObject({ kind: "test-push", resource: "phone", key: { jid: sink.jid, node }, seq: result.seq, policy: "spec" });
    expect(entriesOf(account, "publish")).toEqual([expect.objectContaining({ causeSeq: result.seq, iqId: result.iqId })]);
    expect(entriesOf(account, "publish-outcome")).toEqual([expect.objectContaining({ iqId: result.iqId, outcome: { kind: "result" } })]);
    expect(entriesOf(account, "message-decision")).toEqual([]);
  });

  it("folds an App Server error into the registration: ejabberd removes it at once", async () => {
    const { phone, sink, account, node } = await registered("ejabberd.localhost");
    sink.answer = { kind: "error", type: "cancel", condition: "item-not-found" };
    const result = await testPush(phone, sink.jid, node);
    expect(result.outcome).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
    expect(result.reaction).toMatchObject({ action: "remove", errorCount: 1 });
    expect(result.reaction.why).toContain("first non-wait error");
    expect(registrationsOf(account)).toEqual([]);
    expect(entriesOf(account, "registration-removed")).toHaveLength(1);
    // The registration is gone now: a second test push finds nothing.
    const again = await phone.iq(buildTestPush({ jid: sink.jid, node }));
    expect(errorOf(again)?.condition).toBe("item-not-found");
  });

  it("counts the error under prosody, and a successful test push resets the count", async () => {
    const { phone, sink, account, node } = await registered("prosody.localhost");
    sink.answer = { kind: "error", type: "cancel", condition: "item-not-found" };
    expect((await testPush(phone, sink.jid, node)).reaction).toMatchObject({ action: "keep", errorCount: 1 });
    expect((await testPush(phone, sink.jid, node)).reaction).toMatchObject({ action: "keep", errorCount: 2 });
    expect(registrationsOf(account)[0]?.errorCount).toBe(2);
    sink.answer = { kind: "result" };
    expect((await testPush(phone, sink.jid, node)).reaction).toMatchObject({ action: "keep", errorCount: 0 });
    expect(registrationsOf(account)[0]?.errorCount).toBe(0);
  });

  it("answers timeout when the App Server stays silent", async () => {
    const { phone, sink, account, node } = await registered();
    sink.answer = { kind: "silent" };
    const result = await testPush(phone, sink.jid, node);
    expect(result.outcome).toEqual({ kind: "timeout" });
    expect(result.reaction.action).toBe("keep");
    expect(registrationsOf(account)).toHaveLength(1);
  });

  it("reports an unreachable push service as routing's error", async () => {
    const { phone, sink, account, node } = await registered();
    await sink.inbox.stop();
    const result = await testPush(phone, sink.jid, node);
    expect(result.outcome).toMatchObject({ kind: "error", condition: "service-unavailable" });
    expect(registrationsOf(account)).toEqual([]);
  });

  it("refuses what is not one of the account's registrations, a get, and another account", async () => {
    const { phone, sink, node } = await registered();
    const unknown = await phone.iq(buildTestPush({ jid: sink.jid, node: "no-such-node" }));
    expect(errorOf(unknown)?.condition).toBe("item-not-found");
    const noNode = await phone.iq(xml("iq", { type: "set" }, xml("test-push", { xmlns: NS.decisions, jid: sink.jid })));
    expect(errorOf(noNode)?.condition).toBe("bad-request");
    const get = await phone.iq(xml("iq", { type: "get" }, xml("test-push", { xmlns: NS.decisions, jid: sink.jid, node })));
    expect(errorOf(get)?.condition).toBe("service-unavailable");
    const other = await login(`${user("mallory")}/m`);
    const foreign = await other.iq(xml("iq", { type: "set", to: phone.jid.split("/")[0] }, xml("test-push", { xmlns: NS.decisions, jid: sink.jid, node })));
    expect(errorOf(foreign)?.condition).toBe("service-unavailable");
    expect(attrOf(foreign, "type")).toBe("error");
    expect(sink.publishes).toHaveLength(0);
  });
});
