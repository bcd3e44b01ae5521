/**
 * Outside sessions in the predictions (issue 12), headless against the in-process reference
 * server: a session of the account the playground did not open (a raw client here, a real app in
 * use) is a session to the server, so the prediction must count its presence and the
 * registrations it enabled, and agree with the server's decision record.
 */
import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { rawSession, type RawSocket } from "../../server/test-support";
import { OUTSIDE_LABEL } from "../playground/outside-sessions";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";
import { sendAndJudge } from "../test-support/expectation-fixtures";

const server = referenceServerPerFile();
const WINDOW_MS = 700;

function makeDriver(domain: string): PlaygroundDriver {
  return server.driver({ domain, accountPrefix: "out", windowMs: WINDOW_MS, waitMs: 6000, initialResources: ["r1"] });
}

/** The account's own client, outside the playground: logs in, binds `resource`, sends `setUp` (one stanza a frame) and waits for the server to answer. */
async function outsideClient(d: PlaygroundDriver, resource: string, domain: string, setUp: string[]): Promise<RawSocket> {
  const username = d.view("r1").jid!.split("@")[0]!;
  const { socket } = await rawSession(server.url, { domain, username, resource });
  for (const stanza of setUp) socket.send(stanza);
  socket.send(`<iq xmlns='${NS.client}' type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>`);
  await socket.waitFor((e) => e.is("iq") && e.attrs.id === "ping");
  return socket;
}

async function closeCleanly(socket: RawSocket): Promise<void> {
  socket.send(`<close xmlns='${NS.framing}'/>`);
  await socket.closed;
}

function outsideLane(d: PlaygroundDriver, resource: string) {
  return d.pg.stores.outside.getState().sessions[`outside-${resource}`];
}

describe("predictions count outside sessions", () => {
  it("spec host: an online outside app suppresses the push, and once it is gone the push is expected again", async () => {
    const d = makeDriver("localhost");
    const pg = d.pg;
    await d.connect();
    expect((await pg.enable({ fromResourceId: d.lane("r1"), away: true })).outcome).toBe("result");
    await pg.setPresence(d.lane("r1"), { show: "away", priority: 0 });
    const app = await outsideClient(d, "phone", "localhost", [`<presence xmlns='${NS.client}'/>`]);
    await d.waitFor(() => outsideLane(d, "phone")?.presence, "the outside session's presence from the server log", { sync: true });

    const online = await sendAndJudge(d, "is the phone on?");
    expect(online.sessions.map((s) => [s.resource, s.state])).toEqual([
      ["r1", "connected"],
      ["phone", "connected"],
    ]);
    expect(online.delivery.deliveredTo).toEqual(expect.arrayContaining(["phone"]));
    expect(online.predictions.spec.decision.rule).toBe("spec/online-session");
    expect(online.predictions.spec.expected).toEqual([]);
    expect(online.server).toMatchObject({ policy: "spec", agrees: true, rule: "spec/online-session", pushed: [] });
    expect(online.server!.differences).toEqual([]);
    expect(online.verdicts.spec.status).toBe("match");

    // The explanation counts it too, names it as not the playground's, and "Try it" leaves it to its own client.
    pg.timeline.select(online.eventId);
    const explanation = await d.waitFor(() => {
      const current = pg.stores.explanations.getState().current;
      return current?.eventId === online.eventId && current.status === "ready" ? current : null;
    }, "the explanation of the message", { sync: true });
    expect(explanation.card?.resources.map((r) => [r.resource, r.standing])).toEqual([
      ["r1", "away"],
      ["phone", "online"],
    ]);
    expect(explanation.card?.notes).toContain(`phone is an outside session (${OUTSIDE_LABEL}): counted as the server counts it, with the registrations it enabled; only its own client can change it.`);
    const onPhone = explanation.counterfactuals.find((c) => "resource" in c.change && c.change.resource === "phone");
    expect(onPhone?.outcome.pushed).toBe(true);
    expect(onPhone?.sentence).toMatch(/\(phone is an outside session: its own client would have to do it\)$/);
    expect(await pg.applyChange(onPhone!.change)).toMatchObject({ ok: false, error: { message: `phone is an outside session (${OUTSIDE_LABEL}): make this change in its own client, then send again` } });
    expect(outsideLane(d, "phone")?.status).toBe("online");

    await closeCleanly(app);
    await d.waitFor(() => outsideLane(d, "phone")?.status === "ended", "the outside session's end", { sync: true });
    const gone = await sendAndJudge(d, "and now?");
    expect(gone.sessions.map((s) => s.resource)).toEqual(["r1"]);
    expect(gone.server).toMatchObject({ policy: "spec", agrees: true, rule: "spec/all-away" });
    expect(gone.predictions.spec.expected).toHaveLength(1);
  });

  it("prosody host: a registration an outside app enabled stays bound to its live session", async () => {
    const d = makeDriver("prosody.localhost");
    const pg = d.pg;
    await d.connect();
    const sinkJid = pg.stores.sessions.getState().sessions.sink!.jid!;
    const app = await outsideClient(
      d,
      "tablet",
      "prosody.localhost",
      [`<iq xmlns='${NS.client}' type='set' id='en'><enable xmlns='${NS.push}' jid='${sinkJid}' node='n-tablet'/></iq>`, `<presence xmlns='${NS.client}'><show>away</show></presence>`],
    );
    await d.waitFor(() => pg.stores.registrations.getState().registrations.find((r) => r.node === "n-tablet"), "the outside enable from the server log", { sync: true });
    await d.waitFor(() => outsideLane(d, "tablet")?.presence, "the outside session's presence", { sync: true });
    await pg.setPresence(d.lane("r1"), { show: "away", priority: 0 });

    const record = await sendAndJudge(d, "tablet still there?");
    const tablet = record.sessions.find((s) => s.resource === "tablet");
    expect(tablet).toMatchObject({ state: "connected", presence: { show: "away", priority: 0 } });
    const reg = record.predictions.prosody.registrations.find((r) => r.node === "n-tablet");
    // Bound to the server's own session id, as its log gave it: the enabler is alive, not "gone".
    expect(reg?.enabledBySessionId).toBe(tablet?.sessionId);
    expect(record.server).toMatchObject({ policy: "prosody", agrees: true });
    expect(record.server!.differences).toEqual([]);
    expect(record.verdicts.prosody.status).toBe("match");
    await closeCleanly(app);
  });
});
