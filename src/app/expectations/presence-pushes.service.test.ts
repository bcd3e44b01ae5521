// A push no message causes, on the reference server: the phone's app is killed (XEP-0198 keeps its
// session), then the laptop changes presence, which is queued to the phone and pushed. Without the
// decision log (as on a real server) the playground ties the push to the laptop's presence by the
// policies' prediction, not to the last message by guesswork; with the log, the log confirms it.
import { describe, expect, it } from "vitest";
import type { ConnectionEvent, PresenceEvent, PushEvent } from "../model";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile, type ReferenceServerFixture } from "../test-support/reference-server";

const server = referenceServerPerFile({ streamManagement: true, resumptionTimeoutMs: 60_000 });
const DOMAINS = { prosody: "prosody.localhost", ejabberd: "ejabberd.localhost" } as const;

/**
 * phone enables and is killed, after a message to laptop ("hi") that pushes nothing; then laptop
 * goes away. The push looked at is the first after the phone hibernated (the kill itself may push
 * for stanzas the phone had not acknowledged: Prosody's and ejabberd's hibernation-start push) that
 * is linked otherwise than by guesswork; a guess (the failure this guards against) times out.
 */
async function presenceWhileHibernated(fixture: ReferenceServerFixture, d: PlaygroundDriver): Promise<{ push: PushEvent; presence: PresenceEvent }> {
  await d.connect("phone", "laptop", "sender", "sink").enable({ from: "phone" }).send({ to: "laptop", kind: "chat", body: "hi" });
  const before = fixture.server.server.hibernatedCount;
  await d.kill("phone");
  await d.waitFor(() => fixture.server.server.hibernatedCount > before, "the server to hibernate phone's session");
  const hibernatedAt = Date.now();
  await d.presence("laptop", "away");
  const presence = d.events().find((e): e is PresenceEvent => e.kind === "presence" && e.lane === d.lane("laptop") && e.show === "away");
  if (!presence) throw new Error("no presence event of laptop");
  // ejabberd's push may reach the sink before the presence's event is recorded: then it is linked when the prediction is made.
  const push = await d.waitFor(() => d.pushes().find((p) => p.at >= hibernatedAt && p.linkMethod !== undefined && p.linkMethod !== "heuristic"), "the push for the presence queued to phone, linked");
  return { push, presence };
}

describe("a presence queued to a hibernated session, linked by prediction where there is no decision log", () => {
  it.each(["prosody", "ejabberd"] as const)("%s: the push is the laptop's presence's, predicted, and no message is blamed", async (policy) => {
    const d = server.driver({ domain: DOMAINS[policy], initialResources: ["phone", "laptop"], useServerLog: false, waitMs: 8000 });
    const { push, presence } = await presenceWhileHibernated(server, d);
    expect(push.linkMethod).toBe("prediction");
    expect(push.causeEventId).toBe(presence.id);
    expect(push.causeMessageId).toBeUndefined();
    expect(push.linkDetail).toContain("predicted: pushed because the presence of laptop was queued to hibernated phone");
    expect(push.linkDetail).toContain(policy === "prosody" ? "Prosody pushes a queued presence after ~1 s" : "ejabberd pushes a presence sent to a pending session at once");
    // The heuristic would have tied it to "hi", sent a moment before: it is tied to nothing of the message.
    const hi = d.sentEvent(d.lastSent[0]!);
    expect(hi?.pushEventIds).not.toContain(push.id);
    // The reference server decided it the same way: a presence decision, under the same policy.
    const decisions = server.server.server.pushLog.list().filter((e) => e.kind === "presence-decision" && e.account === d.pg.stores.profile.getState().profile.account.username + "@" + DOMAINS[policy]);
    expect(decisions.map((e) => (e.kind === "presence-decision" ? e.decision.rule : ""))).toEqual([`${policy}/stanza-queued`]);
  });

  it.each(["prosody", "ejabberd"] as const)("%s: the laptop's disconnect (its unavailable presence) is the predicted cause", async (policy) => {
    const d = server.driver({ domain: DOMAINS[policy], initialResources: ["phone", "laptop"], useServerLog: false, waitMs: 8000 });
    await d.connect("phone", "laptop", "sender", "sink").enable({ from: "phone" });
    const before = server.server.server.hibernatedCount;
    await d.kill("phone");
    await d.waitFor(() => server.server.server.hibernatedCount > before, "the server to hibernate phone's session");
    const hibernatedAt = Date.now();
    await d.disconnect("laptop");
    const closed = d.events().find((e): e is ConnectionEvent => e.kind === "connection" && e.lane === d.lane("laptop") && e.status === "offline");
    if (!closed) throw new Error("no disconnect event of laptop");
    // ejabberd pushes as it handles the close, before the playground records the disconnect: the
    // prediction made then links the push recorded just before.
    const push = await d.waitFor(() => d.pushes().find((p) => p.at >= hibernatedAt && p.linkMethod !== undefined), "the push for laptop's unavailable presence, linked");
    expect(push.linkMethod).toBe("prediction");
    expect(push.causeEventId).toBe(closed.id);
    expect(push.linkDetail).toContain("pushed because the unavailable presence of laptop was queued to hibernated phone");
  });

  it("with the server's decision log, the log's link replaces the prediction and keeps the presence as the cause", async () => {
    const d = server.driver({ domain: DOMAINS.prosody, initialResources: ["phone", "laptop"], waitMs: 8000 });
    const { push, presence } = await presenceWhileHibernated(server, d);
    const linked = await d.waitFor(() => d.pushes().find((p) => p.id === push.id && p.linkMethod === "server log"), "the server log's link", { sync: true });
    expect(linked.causeEventId).toBe(presence.id);
    expect(linked.causeMessageId).toBeUndefined();
    expect(linked.linkDetail).toMatch(/^caused by the presence of laptop \(server log #\d+\): prosody\/stanza-queued: /);
  });
});
