/**
 * The component tests' fake playground, made to answer like a server for the demo player and the
 * share dialog: resources appear in the sessions store, and each send is followed (when the test
 * says so) by the server's decision and the push in the timeline.
 */
import { addEvents, createFakePlayground, pushEvent, session, type FakePlayground } from "../../test-support/render";
import type { LaneId, TimelineEvent } from "../../model";

export interface ScriptedPlayground extends FakePlayground {
  /** The outcomes of the next sends, in order (default: a push). */
  outcomes: ("push" | "no-push" | "silent")[];
}

let seq = 0;

export function createScriptedPlayground(): ScriptedPlayground {
  const pg = createFakePlayground() as ScriptedPlayground;
  const stores = pg.stores;
  pg.outcomes = [];
  pg.addResource.mockImplementation((name?: string) => {
    const id: LaneId = `res-${name ?? "new"}`;
    stores.sessions.getState().upsert(session({ id, resource: name ?? "new", status: "offline" }));
    return { ok: true, value: id };
  });
  pg.removeResource.mockImplementation(async (id: LaneId) => stores.sessions.getState().remove(id));
  pg.connectAll.mockImplementation(async () => {
    for (const id of stores.sessions.getState().order) stores.sessions.getState().patch(id, { status: "online" });
  });
  pg.send.mockImplementation(async () => {
    const messageId = `m-scripted-${++seq}`;
    const outcome = pg.outcomes.shift() ?? "push";
    if (outcome !== "silent") {
      const decision: TimelineEvent = {
        id: `d${seq}`,
        at: Date.now(),
        lane: "server",
        kind: "decision",
        seq,
        logKind: "message-decision",
        messageId,
        summary: `spec: ${outcome === "push" ? "push to 1 registration" : "no push"} for message ${messageId}: scripted`,
      };
      addEvents(stores, outcome === "push" ? [decision, pushEvent({ causeMessageId: messageId })] : [decision]);
    }
    return { ok: true, value: [messageId] };
  });
  return pg;
}
