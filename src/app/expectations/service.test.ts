/**
 * The Playground service with push expectations, headless, against the in-process reference
 * server: the prediction for the server's policy must agree with the server's own decision record,
 * and the running score must name the policy the virtual host runs.
 */
import { describe, expect, it } from "vitest";
import type { Playground } from "../playground-api";
import { selectExpectationChoice } from "../stores/expectations";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";
import { sendAndJudge } from "../test-support/expectation-fixtures";
import { summarizeScores } from "./policy-match";
import type { ExpectationRecord } from "./types";

const server = referenceServerPerFile();

/** Short windows keep the test quick; the in-process server pushes within milliseconds. */
const WINDOW_MS = 700;

function makeDriver(domain: string): PlaygroundDriver {
  return server.driver({ domain, accountPrefix: "x", windowMs: WINDOW_MS, waitMs: 6000 });
}

/** A round trip to the server (its log over HTTP), so what a session just sent is processed before the next message. */
async function settle(pg: Playground): Promise<void> {
  await pg.syncServerLog();
}

const nodes = (keys: { node: string }[]) => keys.map((k) => k.node);
const pushedNodes = (r: ExpectationRecord) => r.observation.pushes.map((p) => p.key.node);

describe("push expectations against the reference server", () => {
  it("spec host: the prediction agrees with the server's decision record, and the observation with the prediction", async () => {
    const d = makeDriver("localhost");
    const pg = d.pg;
    await d.connect();
    const [r1, r2] = d.resources();
    const enabled = await pg.enable({ fromResourceId: r2!.id, away: true });
    expect(enabled.outcome).toBe("result");
    const node = pg.stores.registrations.getState().registrations[0]!.node;
    await pg.setPresence(r1!.id, { show: "away", priority: 0 });
    await pg.disconnectResource(r2!.id);
    await settle(pg);

    // All receiving resources away, the registration has away=true: spec pushes it.
    const away = await sendAndJudge(d, "where are you?");
    expect(away.server).toMatchObject({ policy: "spec", host: "localhost", agrees: true, replayMatches: true, rule: "spec/all-away" });
    expect(away.server!.differences).toEqual([]);
    expect(nodes(away.predictions.spec.expected)).toEqual([node]);
    expect(away.predictions.spec.decision.reason).toBe(`the only receiving resource is away (r1: away) and registration ${node} has away=true, so it is pushed`);
    expect(pushedNodes(away)).toEqual([node]);
    expect(away.observation.pushes[0]!.linkMethod).toBe("server log");
    expect(away.verdicts.spec).toMatchObject({ status: "match" });
    expect(away.verdicts.spec.sentence).toBe(`as expected, a push to ${node} arrived: ${away.predictions.spec.decision.reason}`);

    // r1 online again: spec expects no push; prosody (r2's session is gone) would push.
    await pg.setPresence(r1!.id, { show: "available", priority: 0 });
    await settle(pg);
    const online = await sendAndJudge(d, "back?");
    expect(online.server).toMatchObject({ policy: "spec", agrees: true, rule: "spec/online-session", pushed: [] });
    expect(online.observation.pushes).toEqual([]);
    expect(online.verdicts.spec.status).toBe("match");
    expect(online.verdicts.prosody.status).toBe("mismatch");
    expect(online.verdicts.prosody.sentence).toMatch(/^no push arrived within 0\.7 s \(.* was not pushed\), but prosody expects a push to /);

    const state = pg.stores.expectations.getState();
    expect(state.server).toEqual({ policy: "spec", host: "localhost" });
    expect(selectExpectationChoice(state)).toMatchObject({ policy: "spec", source: "server log" });
    expect(state.scores.spec).toEqual({ matched: 2, judged: 2 });
    expect(state.scores.prosody).toEqual({ matched: 1, judged: 2 });
    // The timeline's message-sent events map to their records.
    const sentEvents = pg.stores.timeline.getState().events.filter((e) => e.kind === "message-sent");
    expect(sentEvents.map((e) => state.byEventId[e.id])).toEqual([away.messageId, online.messageId]);
  });

  it("prosody host: the score says the server behaves like prosody, and every record agrees with the server", async () => {
    const d = makeDriver("prosody.localhost");
    const pg = d.pg;
    await d.connect();
    const [r1, r2] = d.resources();
    expect((await pg.enable({ fromResourceId: r2!.id, away: false })).outcome).toBe("result");
    const n2 = pg.stores.registrations.getState().registrations[0]!.node;
    await pg.disconnectResource(r2!.id);
    await settle(pg);

    // r2 (which enabled n2) is gone while r1 is online: prosody and ejabberd push, spec and tigase do not.
    const first = await sendAndJudge(d, "are you there?");
    expect(first.server).toMatchObject({ policy: "prosody", host: "prosody.localhost", agrees: true, rule: "prosody/session-not-alive" });
    expect(pushedNodes(first)).toEqual([n2]);
    expect(first.verdicts.prosody.status).toBe("match");
    expect(first.verdicts.ejabberd.status).toBe("match");
    expect(first.verdicts.spec.status).toBe("mismatch");
    expect(first.verdicts.tigase.status).toBe("mismatch");

    // r1 enables too, then goes unavailable (connected, no presence): the message is stored offline.
    // Prosody's offline hook pushes every registration; ejabberd pushes only the gone session's.
    expect((await pg.enable({ fromResourceId: r1!.id, away: false })).outcome).toBe("result");
    const n1 = pg.stores.registrations.getState().registrations.find((r) => r.enabledByResource === "r1")!.node;
    await pg.setPresence(r1!.id, { show: "unavailable" });
    await settle(pg);
    const second = await sendAndJudge(d, "stored for later");
    expect(second.delivery.storedOffline).toBe(true);
    expect(second.server).toMatchObject({ policy: "prosody", agrees: true, rule: "prosody/offline" });
    expect(new Set(pushedNodes(second))).toEqual(new Set([n1, n2]));
    expect(nodes(second.predictions.ejabberd.expected)).toEqual([n2]);
    expect(second.verdicts.prosody.status).toBe("match");
    expect(second.verdicts.ejabberd.status).toBe("mismatch");

    const state = pg.stores.expectations.getState();
    expect(summarizeScores(state.scores).text).toBe("behaves like prosody: 2/2 messages");
    expect(state.scores).toEqual({
      spec: { matched: 1, judged: 2 },
      tigase: { matched: 0, judged: 2 },
      prosody: { matched: 2, judged: 2 },
      ejabberd: { matched: 1, judged: 2 },
    });
    // Pinning another policy changes "the" expectation, not the score.
    pg.expectations.pin("ejabberd");
    expect(selectExpectationChoice(pg.stores.expectations.getState())).toMatchObject({ policy: "ejabberd", source: "pinned" });
  });
});
