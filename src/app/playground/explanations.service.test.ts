/**
 * The explanations service against the in-process reference server (issue 9): a message that was
 * not pushed is explained from the server's decision record, its counterfactual names the resource
 * that decided, and applying that counterfactual through the Playground's action makes the next
 * message push.
 */
import { describe, expect, it } from "vitest";
import type { PolicyName } from "../../protocol/policy/types";
import type { MessageSentEvent } from "../model";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";

const server = referenceServerPerFile();

/** Select the sent message and wait until its explanation is `source` (and `ready` when asked). */
async function explanationOf(d: PlaygroundDriver, messageId: string, source: "decision-record" | "prediction") {
  const sent = await d.waitFor(() => d.sentEvent(messageId), "the sent message");
  d.pg.timeline.select(sent.id);
  return d.waitFor(() => {
    const current = d.pg.stores.explanations.getState().current;
    return current?.eventId === sent.id && current.source === source ? current : null;
  }, `the explanation (${source})`, { sync: source === "decision-record" });
}

const DOMAINS: Record<PolicyName, string> = { spec: "localhost", tigase: "tigase.localhost", prosody: "prosody.localhost", ejabberd: "ejabberd.localhost" };

describe("explanations against the reference server", () => {
  it("phone away, laptop available, away enabled: no push; the counterfactual on laptop, tried, makes the next message push", async () => {
    const d = server.driver({ initialResources: ["phone", "laptop"], windowMs: 400 });
    // sync: the playground starts reading the log where it stands once it has connected.
    await d.connect().sync().presence("phone", "away").enable({ from: "phone", away: true }).send("first");
    const firstId = d.lastSent[0]!;
    const sent = await d.waitFor(() => d.sentEvent(firstId), "the sent message");
    d.pg.timeline.select(sent.id);

    const explanation = await d.waitFor(() => {
      const current = d.pg.stores.explanations.getState().current;
      return current?.source === "decision-record" ? current : null;
    }, "the explanation from the decision record", { sync: true });
    expect(explanation).toMatchObject({ eventId: sent.id, messageId: firstId, status: "ready", policy: "spec", canTry: true });
    expect(explanation.card).toMatchObject({ pushed: false, source: "decision-record", messageId: firstId });
    expect(explanation.card?.headline).toMatch(/laptop/);
    expect(explanation.card?.resources.map((r) => [r.resource, r.standing])).toEqual([["phone", "away"], ["laptop", "online"]]);
    expect(explanation.lifecycle?.routed.text).toBe("delivered to phone, laptop");
    expect(explanation.lifecycle?.registrations[0]?.stoppedAt).toBe("decision");
    expect(explanation.markdown).toContain("**What would have changed it**");

    const first = explanation.counterfactuals[0]!;
    expect(first.sentence).toMatch(/laptop/);
    expect(first.change).toMatchObject({ resource: "laptop" });
    expect(first.outcome.pushed).toBe(true);

    const tried = await d.pg.applyChange(first.change);
    expect(tried).toMatchObject({ ok: true });
    expect(d.pg.stores.explanations.getState().trial).toMatchObject({ status: "done" });

    await d.send("second").expectPush((p) => p.notification?.lastMessageBody === "second", "the push for the second message");
    const second = d.sentEvent(d.lastSent[0]!) as MessageSentEvent;
    d.pg.timeline.select(second.id);
    const pushed = await d.waitFor(() => {
      const current = d.pg.stores.explanations.getState().current;
      const line = current?.lifecycle?.registrations[0];
      return current?.eventId === second.id && current.source === "decision-record" && line?.steps.some((s) => s.stage === "registration") ? current : null;
    }, "the pushed message's lifecycle up to the registration", { sync: true });
    expect(pushed.card?.pushed).toBe(true);
    expect(pushed.lifecycle?.registrations[0]?.steps.map((s) => [s.stage, s.status])).toEqual([
      ["decision", "done"],
      ["publish", "done"],
      ["answer", "done"],
      ["registration", "done"],
    ]);
  });

  it("reports a specific error when the change cannot be made, and a policy switch is not the playground's to make", async () => {
    const d = server.driver({ initialResources: ["phone"] });
    const offline = await d.pg.applyChange({ kind: "set-presence", resource: "phone", show: "away", priority: 0 });
    expect(offline).toMatchObject({ ok: false, error: { code: "not-connected", message: "phone is not connected now: connect it first" } });
    expect(d.pg.stores.explanations.getState().trial).toMatchObject({ status: "failed", text: "phone is not connected now: connect it first" });
    const policy = await d.pg.applyChange({ kind: "policy", policy: "prosody" });
    expect(policy).toMatchObject({ ok: false, error: { message: expect.stringContaining("prosody.localhost") } });
  });

  it("connects a new resource with the presence a counterfactual names", async () => {
    const d = server.driver({ initialResources: ["phone"] });
    await d.connect("phone", "sender", "sink");
    const r = await d.pg.applyChange({ kind: "connect-resource", resource: "r1", show: "away", priority: 0 });
    expect(r).toEqual({ ok: true, value: "r1 connected and is away" });
    await d.waitFor(() => d.view("r1").presence?.show === "away", "r1 away");
  });

  it.each(Object.entries(DOMAINS) as [PolicyName, string][])(
    "under %s: the first counterfactual of a message that was not pushed, applied through applyChange, makes the next message push",
    async (policy, domain) => {
      const d = server.driver({ domain, initialResources: ["phone", "laptop"], windowMs: 400 });
      await d.connect().sync().presence("phone", "away").enable({ from: "phone", away: true }).send("before");
      const before = await explanationOf(d, d.lastSent[0]!, "decision-record");
      expect(before.policy).toBe(policy);
      expect(before.card?.pushed).toBe(false);
      // The policy switch is not the playground's to make; every other change is.
      const chosen = before.counterfactuals.find((c) => c.change.kind !== "policy" && c.change.kind !== "send");
      expect(chosen, before.counterfactuals.map((c) => c.sentence).join("\n")).toBeDefined();
      const tried = await d.pg.applyChange(chosen!.change);
      expect(tried, chosen!.sentence).toMatchObject({ ok: true });
      await d.send("after").expectPush((p) => p.notification?.lastMessageBody === "after" || p.causeMessageId === d.lastSent[0], `a push for the message after: ${chosen!.sentence}`);
      const after = await explanationOf(d, d.lastSent[0]!, "decision-record");
      expect(after.card?.pushed).toBe(true);
    },
  );

  it("on a server without a decision record (a real server), explains from the prediction and offers no policy switch", async () => {
    const d = server.driver({ initialResources: ["phone", "laptop"], useServerLog: false, windowMs: 300 });
    await d.connect().presence("phone", "away").enable({ from: "phone", away: true }).send("first");
    const explanation = await explanationOf(d, d.lastSent[0]!, "prediction");
    expect(explanation.card).toMatchObject({ source: "prediction", pushed: false });
    expect(explanation.card?.notes.some((n) => n.startsWith("A prediction of the"))).toBe(true);
    expect(explanation.counterfactuals.some((c) => c.change.kind === "policy")).toBe(false);
    expect(explanation.counterfactuals[0]?.sentence).toMatch(/laptop/);

    // A pushed message's lifecycle comes from what the sink saw, its reaction predicted by the policy.
    await d.disconnect("laptop").send("second").expectPush((p) => p.notification?.lastMessageBody === "second");
    const sent = d.sentEvent(d.lastSent[0]!)!;
    d.pg.timeline.select(sent.id);
    const pushed = await d.waitFor(() => {
      const current = d.pg.stores.explanations.getState().current;
      return current?.eventId === sent.id && current.lifecycle?.registrations[0]?.steps.length === 4 ? current : null;
    }, "the predicted lifecycle");
    expect(pushed.lifecycle?.registrations[0]?.steps.map((s) => s.status)).toEqual(["done", "done", "done", "predicted"]);
  });

  it("with no registration in force, the counterfactual enables one; tried, the next message pushes", async () => {
    const d = server.driver({ initialResources: ["phone"], windowMs: 300 });
    await d.connect().sync().presence("phone", "away").send("before");
    const before = await explanationOf(d, d.lastSent[0]!, "decision-record");
    expect(before.card?.registrations).toEqual([]);
    const enable = before.counterfactuals.find((c) => c.change.kind === "enable");
    expect(enable?.sentence).toMatch(/^would have been pushed to n-[0-9a-f]+ if phone had enabled a registration with away='true'$/);
    expect(await d.pg.applyChange(enable!.change)).toMatchObject({ ok: true });
    await d.send("after").expectPush((p) => p.notification?.lastMessageBody === "after");
  });

  it("enables from a resource that has left, then leaves again; a new resource enables without sending presence", async () => {
    const d = server.driver({ initialResources: ["phone", "laptop"], windowMs: 300 });
    await d.connect().enable({ from: "phone", away: false }).disconnect("phone");
    const node = d.pg.stores.registrations.getState().registrations[0]!.node;
    const reEnabled = await d.pg.applyChange({ kind: "re-enable", jid: d.pg.sinkJid(), node, away: true, byResource: "phone" });
    expect(reEnabled).toEqual({ ok: true, value: `phone enabled ${node} with away='true' and disconnected again` });
    expect(d.view("phone").status).toBe("offline");
    const fresh = await d.pg.applyChange({ kind: "enable", jid: d.pg.sinkJid(), node: "n-new", away: true, byResource: "r3", byResourceStays: false });
    expect(fresh).toEqual({ ok: true, value: "r3 enabled n-new with away='true' and disconnected again" });
    expect(d.view("r3")).toMatchObject({ status: "offline", presenceOnConnect: null });
    expect(d.pg.stores.registrations.getState().registrations.map((r) => [r.node, r.away, r.state])).toEqual([[node, true, "active"], ["n-new", true, "active"]]);
  });
});
