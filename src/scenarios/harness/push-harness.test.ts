// The harness itself against the reference server: chain semantics, the expectation steps, the
// sink's answer modes, dropped sockets, events and the serialisable observation.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PublishOutcomeEntry } from "../../protocol/push-log";
import { startTestServer } from "../../server/test-support/test-server";
import type { TestServer } from "../../server/test-support/test-server";
import { PushHarness } from ".";
import type { PushHarnessOptions } from ".";
import { testHarnessOptions } from "../test-support/harness-options";
import type { HarnessEvent } from "../types";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function harness(extra: Partial<PushHarnessOptions> = {}, domain = "localhost"): PushHarness {
  return new PushHarness({ ...testHarnessOptions(server.url, { domain }), ...extra });
}

async function withHarness(h: PushHarness, body: (h: PushHarness) => Promise<void>): Promise<void> {
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

function outcomesFor(account: string): PublishOutcomeEntry[] {
  return server.server.pushLog.list({ account }).filter((e): e is PublishOutcomeEntry => e.kind === "publish-outcome");
}

/** The server logs an outcome once the sink's answer (sent after the harness saw the publish) arrives. */
async function outcomesOnceLogged(account: string, count: number): Promise<PublishOutcomeEntry[]> {
  await vi.waitFor(() => expect(outcomesFor(account).length).toBeGreaterThanOrEqual(count), { timeout: 3000, interval: 20 });
  return outcomesFor(account);
}

describe.concurrent("PushHarness: the chain, iqs and expectations", () => {
  it("records an offline push with its node label, payload, sender and answer", async () => {
    await withHarness(harness(), async (h) => {
      await h.connect("A2").enable("A2", { node: "N", publishOptions: { secret: "s3cret" } }).disconnect("A2").send({ body: "hello" }).expectPush({ node: "N" });
      const [publish] = h.publishes;
      expect(h.publishes).toHaveLength(1);
      expect(publish?.nodeLabel).toBe("N");
      expect(publish?.node).toBe(h.node("N"));
      expect(publish?.kind).toBe("message");
      expect(publish?.from).toBe("localhost");
      expect(publish?.to).toBe(h.sinkJid);
      expect(publish?.summary?.lastMessageBody).toBe("hello");
      expect(publish?.summary?.lastMessageSender).toBe(h.senderJid);
      expect(publish?.publishOptions?.fields.find((f) => f.var === "secret")?.values).toEqual(["s3cret"]);
      expect(publish?.answer).toEqual({ kind: "result" });
      expect(publish?.xml).toContain("<publish node=");
      expect(h.iq("enable")).toMatchObject({ outcome: "result", resultChildren: 0, request: { nodeLabel: "N", away: null } });
      expect(h.sent[0]).toMatchObject({ body: "hello", to: h.account, type: "chat" });
    });
  });

  it("gives each node label its own fresh node, stable within the harness", () => {
    const a = harness();
    const b = harness();
    expect(a.node("N")).toBe(a.node("N"));
    expect(a.node("N1")).not.toBe(a.node("N2"));
    expect(a.node("N")).not.toBe(b.node("N"));
    expect(a.labelOfNode(a.node("N1"))).toBe("N1");
    expect(a.labelOfNode("someone-else")).toBeNull();
  });

  it("labels repeated iqs enable, enable#2 … and records stanza errors without failing the step", async () => {
    await withHarness(harness(), async (h) => {
      await h.connect("A1").enable("A1").enable("A1", { jid: null }).enable("A1", { node: null }).disable("A1", { node: "nowhere" });
      expect(h.iqs.map((i) => i.label)).toEqual(["enable", "enable#2", "enable#3", "disable"]);
      expect(h.iq("enable")?.outcome).toBe("result");
      expect(h.iq("enable#2")).toMatchObject({ outcome: "error", error: { condition: "bad-request" }, request: { jid: null } });
      expect(h.iq("enable#3")).toMatchObject({ outcome: "error", error: { condition: "bad-request" }, request: { node: null } });
      expect(h.steps.every((s) => s.status === "ok")).toBe(true);
    });
  });

  it("rejects the await on a failed step, skips what was queued behind it, then runs again", async () => {
    await withHarness(harness(), async (h) => {
      await expect(h.presence("A9", "away").connect("A1")).rejects.toThrow("A9 is not connected");
      expect(h.steps.map((s) => s.status)).toEqual(["failed", "skipped"]);
      expect(h.observation().aborted).toContain("A9 is not connected");
      await h.connect("A1").disco("A1");
      expect(h.steps.at(-1)?.status).toBe("ok");
      expect(h.features).toContain("urn:xmpp:push:0");
    });
  });

  it("expectPush fails when the push does not come, expectNoPush when one does", async () => {
    await withHarness(harness({ waits: { pushMs: 300, noPushMs: 300 } }), async (h) => {
      await h.connect("A2").enable("A2").disconnect("A2").connect("A1").presence("A1", "available");
      await expect(h.send().expectPush({ node: "N" })).rejects.toThrow("expected 1 push(es) to N, got 0");
      await h.disconnect("A1");
      await expect(h.send().expectNoPush()).rejects.toThrow("expected no push, got N");
      await h.send().expectPush({ node: "N" }).send().expectPush({ node: "N" });
      expect(h.publishes).toHaveLength(3);
    });
  });

  it("expectDelivery waits for the message to reach a resource", async () => {
    await withHarness(harness(), async (h) => {
      await h.connect("A1").presence("A1", "xa").send({ body: "for A1" }).expectDelivery("A1");
      expect(h.deliveries.find((d) => d.resource === "A1")).toMatchObject({ role: "account", body: "for A1", type: "chat", from: h.senderJid });
      await expect(h.send({ to: "A1", body: "chat state only" }).expectDelivery("A3", { within: 200 })).rejects.toThrow("A3 did not receive");
    });
  });

});

describe.concurrent("PushHarness: the sink, sessions and what it records", () => {
  it("answers publishes with a chosen stanza error, which the server logs", async () => {
    await withHarness(harness(), async (h) => {
      await h
        .connect("A2")
        .enable("A2")
        .disconnect("A2")
        .sinkAnswers({ type: "cancel", condition: "item-not-found" })
        .send()
        .expectPush({ node: "N" });
      expect(h.publishes[0]?.answer).toEqual({ kind: "error", error: { type: "cancel", condition: "item-not-found" } });
      const [outcome] = await outcomesOnceLogged(h.account, 1);
      expect(outcome?.outcome).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
      expect(outcome?.reaction.action).toBe("remove");
    });
  });

  it("stays silent when told to, so the server times out and keeps the registration", async () => {
    await withHarness(harness(), async (h) => {
      await h.connect("A2").enable("A2").disconnect("A2").sinkAnswers("silent").send().expectPush({ node: "N" });
      // The test server's App Server timeout is 1500 ms.
      await h.wait(1800).sinkAnswers("result").send().expectPush({ node: "N" });
      expect(h.publishes.map((p) => p.answer.kind)).toEqual(["silent", "result"]);
      const outcomes = (await outcomesOnceLogged(h.account, 2)).map((o) => o.outcome.kind);
      expect(outcomes).toContain("timeout");
      expect(outcomes).toContain("result");
    });
  });

  it("a dropped socket ends the session like a clean close (no stream management yet)", async () => {
    await withHarness(harness(), async (h) => {
      await h.connect("A2").enable("A2").drop("A2").send().expectPush({ node: "N" });
      expect(h.parties().find((p) => p.resource === "A2")?.state).toBe("closed");
    });
  });

  it("collect files publishes, deliveries and sent messages per probe", async () => {
    await withHarness(harness(), async (h) => {
      await h
        .connect("A2")
        .enable("A2", { away: true })
        .disconnect("A2")
        .connect("A1")
        .presence("A1", "away")
        .send()
        .collect("away")
        .presence("A1", "available")
        .send()
        .collect("available");
      const away = h.probe("away");
      const available = h.probe("available");
      expect(away?.publishes.map((p) => p.nodeLabel)).toEqual(["N"]);
      expect(away?.deliveries.map((d) => d.resource)).toEqual(["A1"]);
      expect(away?.sent).toHaveLength(1);
      expect(available?.publishes).toEqual([]);
      expect(available?.deliveries.map((d) => d.body)).toEqual([available?.sent[0]?.body]);
    });
  });

  it("reaches a sink and sender on another local host, and logs in with SCRAM-SHA-1 once registered", async () => {
    const options = testHarnessOptions(server.url, { domain: "prosody.localhost", sinkDomain: "localhost" });
    await withHarness(new PushHarness(options), async (h) => {
      await h.connect("A2").enable("A2").disconnect("A2").send().expectPush({ node: "N" });
      expect(h.account.endsWith("@prosody.localhost")).toBe(true);
      expect(h.publishes[0]?.from).toBe("prosody.localhost");
      expect(h.sinkJid.endsWith("@localhost/sink")).toBe(true);
    });
    // Dev registration happened over PLAIN above; SCRAM can now log the same account in.
    await withHarness(new PushHarness({ ...options, mechanism: "SCRAM-SHA-1" }), async (h) => {
      await h.connect("A1").disco("A1");
      expect(h.features).toEqual(expect.arrayContaining(["urn:xmpp:push:0"]));
      expect(h.features).not.toContain("tigase:push:away:0");
    });
  });

  it("reports a login failure as a failed step", async () => {
    await withHarness(harness({ mechanism: "PLAIN", account: { username: "", password: "x" } }), async (h) => {
      await expect(h.connect("A1")).rejects.toThrow("could not log in");
      expect(h.parties().find((p) => p.resource === "A1")).toBeUndefined();
      expect(h.errors.length).toBeGreaterThan(0);
    });
  });

  it("emits live events and produces a JSON-serialisable observation", async () => {
    const events: HarnessEvent[] = [];
    await withHarness(harness({ onEvent: (e) => events.push(e) }), async (h) => {
      await h.connect("A2").enable("A2").disconnect("A2").send().collect("offline");
      const observation = h.observation("demo");
      expect(JSON.parse(JSON.stringify(observation))).toEqual(observation);
      expect(observation.scenarioId).toBe("demo");
      expect(observation.nodes).toEqual({ N: h.node("N") });
      expect(observation.steps.map((s) => s.kind)).toEqual(["connect", "enable", "disconnect", "send", "collect"]);
      expect(observation.steps.every((s) => s.startedAt !== undefined && s.endedAt !== undefined)).toBe(true);
    });
    const types = new Set(events.map((e) => e.type));
    for (const type of ["step", "publish", "iq", "probe", "party"]) expect(types).toContain(type);
  });
});
