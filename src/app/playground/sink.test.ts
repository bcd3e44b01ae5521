/**
 * The App Server sink: one decision per publish iq (pure), and the sink service against the
 * reference server (answers, timeouts, hostile publishes).
 */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { tryParseXml } from "../../protocol/stanzas/parse";
import { SINK_LANE } from "../model";
import { referenceServerPerFile } from "../test-support/reference-server";
import { NO_FAULTS } from "../app-server/faults";
import { DEFAULT_PROFILE_SETTINGS, initialAppServerState } from "../app-server/types";
import type { AppServerConfig } from "../app-server/decide";
import { NS } from "../../protocol/ns";
import { decideSinkAnswer, decideWithAppServer, pushSummary, replyFor, sinkDiscoInfo } from "./sink";

const server = referenceServerPerFile();

function iq(xml: string): Element {
  const parsed = tryParseXml(xml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.element;
}

const PUBLISH = `<iq type='set' id='p1' to='pushsvc@localhost/sink' from='localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n1'><item><notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field><field var='message-count'><value>2</value></field><field var='last-message-body'><value>hi</value></field></x></notification></item></publish></pubsub></iq>`;

describe("decideSinkAnswer", () => {
  it("answers a well-formed publish with the sink mode, from the sink", () => {
    const decision = decideSinkAnswer(iq(PUBLISH), { kind: "error", type: "wait", condition: "resource-constraint" })!;
    expect(decision).toMatchObject({ answeredBy: "sink", answer: { kind: "error", type: "wait", condition: "resource-constraint" } });
    expect(decision.parseError).toBeUndefined();
    expect(decision.parsed?.node).toBe("n1");
    expect(pushSummary(decision, "n1")).toBe('push to node n1, count 2, "hi", → answer error wait/resource-constraint');
    const reply = replyFor(decision);
    expect(reply !== true && !(reply instanceof Promise) && reply.toString()).toContain("resource-constraint");
  });

  it("says true for result mode and never resolves for timeout mode", () => {
    expect(replyFor(decideSinkAnswer(iq(PUBLISH), { kind: "result" })!)).toBe(true);
    expect(replyFor(decideSinkAnswer(iq(PUBLISH), { kind: "timeout" })!)).toBeInstanceOf(Promise);
  });

  it("answers bad-request to a malformed publish the sink's handler receives", () => {
    const decision = decideSinkAnswer(iq(`<iq type='set' id='e1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='x'/></pubsub></iq>`), { kind: "result" })!;
    expect(decision).toMatchObject({ answeredBy: "sink", parseError: "no <item> in <publish>", answer: { kind: "error", type: "modify", condition: "bad-request" } });
    expect(String(replyFor(decision))).toContain("malformed push: no &lt;item&gt; in &lt;publish&gt;");
  });

  it("decides as xmpp.js answers what never reaches the handler", () => {
    const wrongNs = decideSinkAnswer(iq(`<iq type='set' id='e2'><pubsub xmlns='urn:example:not-pubsub'><publish node='x'/></pubsub></iq>`), { kind: "result" })!;
    expect(wrongNs).toMatchObject({ answeredBy: "xmpp.js", answer: { kind: "error", type: "cancel", condition: "service-unavailable" } });
    expect(wrongNs.parseError).toMatch(/wrong namespace.*answered by xmpp.js itself/);
    const two = decideSinkAnswer(iq(`<iq type='set' id='e3'><pubsub xmlns='http://jabber.org/protocol/pubsub'/><other/></iq>`), { kind: "result" })!;
    expect(two).toMatchObject({ answeredBy: "xmpp.js", answer: { kind: "error", type: "modify", condition: "bad-request" } });
  });

  it("ignores iqs that are not publish-like", () => {
    expect(decideSinkAnswer(iq(`<iq type='result' id='r'/>`), { kind: "result" })).toBeNull();
    expect(decideSinkAnswer(iq(`<iq type='get' id='q'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`), { kind: "result" })).toBeNull();
  });
});

const P2: AppServerConfig = { profile: "p2", settings: DEFAULT_PROFILE_SETTINGS, faults: { all: NO_FAULTS, byNode: {} }, genericMode: { kind: "result" } };
const withOptions = (options: string) =>
  PUBLISH.replace("</publish>", `</publish><publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>${options}</x></publish-options>`);

describe("decideWithAppServer", () => {
  it("plain generic decides as decideSinkAnswer, with nothing more to record", () => {
    const generic: AppServerConfig = { ...P2, profile: "generic", genericMode: { kind: "error", type: "wait", condition: "resource-constraint" } };
    const { decision } = decideWithAppServer(iq(PUBLISH), generic, initialAppServerState(), 0)!;
    expect(decision).toEqual(decideSinkAnswer(iq(PUBLISH), generic.genericMode));
    expect(decision.appServer).toBeUndefined();
  });

  it("p2 answers forbidden to a wrong secret and result to the right one, and says why", () => {
    const wrong = decideWithAppServer(iq(withOptions("<field var='secret'><value>nope</value></field>")), P2, initialAppServerState(), 0)!.decision;
    expect(wrong).toMatchObject({ answer: { kind: "error", type: "auth", condition: "forbidden" }, appServer: { profile: "p2", note: "wrong secret publish-option" } });
    expect(pushSummary(wrong, "n1")).toContain("→ answer error auth/forbidden, (p2: wrong secret publish-option)");
    const right = decideWithAppServer(iq(withOptions(`<field var='secret'><value>${DEFAULT_PROFILE_SETTINGS.p2.secret}</value></field>`)), P2, initialAppServerState(), 0)!.decision;
    expect(right.answer).toEqual({ kind: "result" });
  });

  it("fpush leaves a malformed publish unanswered; what xmpp.js answers stays as it was", () => {
    const fpush: AppServerConfig = { ...P2, profile: "fpush" };
    const noItem = decideWithAppServer(iq(`<iq type='set' id='e1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='x'/></pubsub></iq>`), fpush, initialAppServerState(), 0)!.decision;
    expect(noItem).toMatchObject({ answer: { kind: "timeout" }, parseError: "no <item> in <publish>" });
    expect(replyFor(noItem)).toBeInstanceOf(Promise);
    const wrongNs = decideWithAppServer(iq(`<iq type='set' id='e2'><pubsub xmlns='urn:example:not-pubsub'><publish node='x'/></pubsub></iq>`), fpush, initialAppServerState(), 0)!.decision;
    expect(wrongNs).toMatchObject({ answeredBy: "xmpp.js", answer: { kind: "error", type: "cancel", condition: "service-unavailable" } });
  });

  it("a latency fault delays the reply and a provider outcome is recorded", async () => {
    const slow: AppServerConfig = { ...P2, profile: "generic", faults: { all: { ...NO_FAULTS, latency: { kind: "fixed", ms: 30 }, providerOutcome: "delivered" }, byNode: {} } };
    const { decision } = decideWithAppServer(iq(PUBLISH), slow, initialAppServerState(), 0)!;
    expect(decision.appServer).toMatchObject({ delayMs: 30, provider: "delivered" });
    expect(pushSummary(decision, "n1")).toContain("after 30 ms; provider: delivered");
    const reply = replyFor(decision);
    expect(reply).toBeInstanceOf(Promise);
    expect(await reply).toBe(true);
  });
});

describe("sinkDiscoInfo", () => {
  it("is an App Server's: identity pubsub/push and feature urn:xmpp:push:0", () => {
    const info = sinkDiscoInfo(undefined);
    expect(info.getChild("identity")?.attrs).toMatchObject({ category: "pubsub", type: "push" });
    expect(info.getChildren("feature").map((f) => f.attrs.var)).toContain(NS.push);
  });
});

describe("the sink against the reference server", () => {
  it("answers pushes with the chosen error, and the server removes the registration", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect().sinkMode({ kind: "error", type: "cancel", condition: "item-not-found" }).enable({ from: "r1", away: false });
    expect(d.lastOperation?.outcome).toBe("result");
    await d.disconnect("r1", "r2").send("offline ping").expectPush();
    const push = d.lastPush!;
    expect(push.answer).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
    const answer = await d.waitFor(() => d.events().find((e) => e.kind === "sink-answer"), "the sink answer");
    expect(answer.xml).toContain("item-not-found");
    await d.waitFor(() => pg.stores.registrations.getState().registrations[0]?.state === "removed-by-server", "removal by the server", { timeoutMs: 6000 });
    expect(pg.stores.sink.getState().counters).toMatchObject({ received: 1, answeredError: 1 });
  });

  it("timeout mode leaves the publish unanswered", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect().sinkMode({ kind: "timeout" }).enable({ from: "r1", away: false }).disconnect("r1", "r2").send("silence").expectPush();
    const push = d.lastPush!;
    expect(push.answer).toEqual({ kind: "timeout" });
    // The test server's App Server timeout is 1.5 s: its log then says what it did.
    await d.waitFor(() => d.events().find((e) => e.kind === "decision" && e.logKind === "publish-outcome"), "the server's timeout outcome", { timeoutMs: 6000 });
    const frames = pg.stores.console.getState().frames.filter((f) => f.lane === SINK_LANE && f.direction === "out" && f.text.includes(push.iqId));
    expect(frames).toEqual([]);
  });

  it("records hostile publishes with their parse error and never throws", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect();
    const r1 = d.lane("r1");
    const sink = pg.sinkJid();
    const noItem = `<iq type='set' to='${sink}' id='evil-1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='x'/></pubsub></iq>`;
    expect((await pg.sendRaw(r1, noItem)).ok).toBe(true);
    const wrongNs = `<iq type='set' to='${sink}' id='evil-2'><pubsub xmlns='urn:example:not-pubsub'><publish node='x'/></pubsub></iq>`;
    expect((await pg.sendRaw(r1, wrongNs)).ok).toBe(true);
    const pushes = await d.waitFor(() => (d.pushes().length === 2 ? d.pushes() : null), "two recorded publishes");
    expect(pushes[0]).toMatchObject({ iqId: "evil-1", parseError: "no <item> in <publish>", node: "x", answer: { kind: "error", type: "modify", condition: "bad-request" } });
    expect(pushes[1]).toMatchObject({ iqId: "evil-2", answer: { kind: "error", type: "cancel", condition: "service-unavailable" } });
    expect(pushes[1]!.parseError).toMatch(/wrong namespace.*answered by xmpp.js itself/);
    const answer = await d.waitFor(() => d.events().find((e) => e.kind === "sink-answer" && e.iqId === "evil-1"), "the bad-request answer");
    expect(answer.xml).toContain("bad-request");
    const errorBack = await d.waitFor(() => pg.stores.console.getState().frames.find((f) => f.lane === r1 && f.direction === "in" && f.text.includes("evil-2")), "the error back at r1");
    expect(errorBack.text).toContain("service-unavailable");
    expect(pg.stores.sink.getState().counters).toMatchObject({ received: 2, malformed: 2, answeredError: 2 });
    // Each publish is recorded once, whichever path answered it.
    expect(d.pushes().filter((p) => p.iqId === "evil-1" || p.iqId === "evil-2")).toHaveLength(2);
  });

  it("answers disco#info as an App Server and service-unavailable to an iq it does not handle", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect();
    const r1 = d.lane("r1");
    const sink = pg.sinkJid();
    expect((await pg.sendRaw(r1, `<iq type='get' to='${sink}' id='sinkinfo-1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`)).ok).toBe(true);
    const info = await d.waitFor(() => pg.stores.console.getState().frames.find((f) => f.lane === r1 && f.direction === "in" && f.text.includes("sinkinfo-1")), "the disco#info answer");
    expect(info.text).toMatch(/type=["']result["']/);
    expect(info.text).toMatch(/category=["']pubsub["'][^>]*type=["']push["']/);
    expect(info.text).toContain("urn:xmpp:push:0");
    expect((await pg.sendRaw(r1, `<iq type='get' to='${sink}' id='vcard-1'><vCard xmlns='vcard-temp'/></iq>`)).ok).toBe(true);
    const other = await d.waitFor(() => pg.stores.console.getState().frames.find((f) => f.lane === r1 && f.direction === "in" && f.text.includes("vcard-1")), "the error to an unhandled iq");
    expect(other.text).toContain("service-unavailable");
  });

  it("ejabberd virtual host, p2 with a wrong secret: forbidden, and the server removes the registration", async () => {
    const d = server.driver({ domain: "ejabberd.localhost" });
    const pg = d.pg;
    pg.setSinkProfile("p2");
    await d.connect().sync().enable({ from: "r1", away: false, publishOptions: [{ var: "secret", value: "wrong" }] });
    await d.disconnect("r1", "r2").send("first").expectPush();
    expect(d.lastPush).toMatchObject({ answer: { kind: "error", type: "auth", condition: "forbidden" }, appServer: { profile: "p2", note: "wrong secret publish-option" } });
    const answer = await d.waitFor(() => d.events().find((e) => e.kind === "sink-answer"), "the sink answer");
    expect(answer.xml).toContain("forbidden");
    await d.waitFor(() => pg.stores.registrations.getState().registrations[0]?.state === "removed-by-server", "removal by the server", { timeoutMs: 6000, sync: true });
    const removal = await d.waitFor(() => d.events().find((e) => e.kind === "decision" && e.logKind === "registration-removed"), "the server's removal record", { sync: true });
    expect(removal.summary).toMatch(/forbidden|error/);
    await d.send("second");
    await new Promise((r) => setTimeout(r, 600));
    pg.flush();
    expect(d.pushes()).toHaveLength(1);
  });

  it("a simulated provider outcome is recorded with the push and ends the message's lifecycle", async () => {
    const d = server.driver();
    const pg = d.pg;
    pg.setSinkFaults(null, { ...NO_FAULTS, providerOutcome: "dropped" });
    await d.connect().sync().enable({ from: "r1", away: false }).disconnect("r1", "r2").send("lost at the provider").expectPush();
    expect(d.lastPush?.appServer).toMatchObject({ profile: "generic", provider: "dropped" });
    expect(d.lastPush?.summary).toContain("provider: dropped");
    const sent = await d.waitFor(() => d.sentEvent(d.lastSent[0]!), "the sent message");
    pg.timeline.select(sent.id);
    const explained = await d.waitFor(() => {
      const current = pg.stores.explanations.getState().current;
      const line = current?.lifecycle?.registrations[0];
      return current?.eventId === sent.id && line?.steps.some((s) => s.stage === "provider") ? line : null;
    }, "the lifecycle up to the provider", { sync: true });
    expect(explained.steps.at(-1)).toEqual({ stage: "provider", status: "stopped", text: "provider: dropped (never reaches the device)" });
    expect(explained.stoppedAt).toBe("provider");
  });
});
