/**
 * "Try it" (issue 9): sets the playground up the way one counterfactual says, through the
 * playground's own actions, so the user can send again and watch the outcome flip. Each Change of
 * src/protocol/explain maps onto one or a few actions; when the playground cannot make the change
 * (a resource that is not connected, a server policy that is not the user's to switch) it reports
 * the specific reason instead.
 */
import { COUNTERFACTUAL_BODY } from "../../protocol/explain/changes";
import type { Change } from "../../protocol/explain";
import { presenceChoiceText } from "../../protocol/explain/changes";
import type { LaneId, PlaygroundError } from "../model";
import type { ActionResult, Playground } from "../playground-api";
import type { Stores } from "../stores";
import { changeId } from "../stores/explanations";
import { outsideChangeRefusal, outsideResources } from "./outside-sessions";
import { selectResources, type SessionView } from "../stores/sessions";

/** The actions "Try it" uses. */
export type ChangeActions = Pick<
  Playground,
  | "setPresence"
  | "disconnectResource"
  | "killResource"
  | "resumeResource"
  | "addResource"
  | "setPresenceOnConnect"
  | "connectResource"
  | "enable"
  | "disable"
  | "send"
>;

const fail = (message: string, code: PlaygroundError["code"] = "bad-input"): ActionResult<string> => ({ ok: false, error: { code, message } });
const done = (text: string): ActionResult<string> => ({ ok: true, value: text });

function laneOf(stores: Stores, resource: string): SessionView | undefined {
  return selectResources(stores.sessions.getState()).find((v) => v.resource === resource);
}

const isOnline = (v: SessionView | undefined) => v?.status === "online";

type Lane = { ok: true; id: LaneId; wasOnline: boolean; wasHibernated: boolean } | { ok: false; error: PlaygroundError };

/**
 * A hibernated session can only be changed from inside it: resume it (XEP-0198 §5; the server
 * re-sends what it queued), so that an enable or a clean close comes from that very session.
 */
async function wake(actions: ChangeActions, id: LaneId, resource: string): Promise<ActionResult<string>> {
  const resumed = await actions.resumeResource(id);
  if (!resumed.ok) return fail(`${resource} is hibernated (its app was killed) and could not be resumed: ${resumed.error.message}`, resumed.error.code);
  return done(`${resource} resumed`);
}

/**
 * A lane named `resource`, added when missing, online afterwards: connected when it was not, resumed
 * when it was hibernated (`wasOnline`/`wasHibernated` say how it was, so the caller can restore it).
 */
async function ensureLane(stores: Stores, actions: ChangeActions, resource: string): Promise<Lane> {
  let v = laneOf(stores, resource);
  if (!v) {
    const added = actions.addResource(resource);
    if (!added.ok) return added;
    // A resource added only to enable sends no presence: it must not change who is receiving.
    actions.setPresenceOnConnect(added.value, null);
    v = laneOf(stores, resource);
    if (!v) return { ok: false, error: { code: "internal", message: `resource ${resource} was added but is not listed` } };
  }
  if (isOnline(v)) return { ok: true, id: v.id, wasOnline: true, wasHibernated: false };
  if (v.sm?.state === "hibernated") {
    const woken = await wake(actions, v.id, resource);
    return woken.ok ? { ok: true, id: v.id, wasOnline: false, wasHibernated: true } : woken;
  }
  const connected = await actions.connectResource(v.id);
  if (!connected.ok) return connected;
  return { ok: true, id: v.id, wasOnline: false, wasHibernated: false };
}

async function enableFrom(stores: Stores, actions: ChangeActions, change: Extract<Change, { kind: "re-enable" | "enable" }>): Promise<ActionResult<string>> {
  const lane = await ensureLane(stores, actions, change.byResource);
  if (!lane.ok) return lane;
  const result = await actions.enable({ fromResourceId: lane.id, jid: change.jid, node: change.node, away: change.away });
  if (result.outcome !== "result") return fail(`enable from ${change.byResource} failed: ${result.error?.message ?? result.summary}`, result.error?.code ?? "stanza-error");
  const flag = change.away ? "with away='true'" : "without away";
  // The enabling resource goes back to how it was (a re-enable from a phone that had left or whose
  // app was killed), or leaves on purpose.
  if (lane.wasHibernated && change.kind === "re-enable") {
    const killed = await actions.killResource(lane.id);
    if (!killed.ok) return fail(`${change.byResource} enabled ${change.node} ${flag}, but its app could not be killed again: ${killed.error.message}`, killed.error.code);
    return done(`${change.byResource} resumed its hibernated session, enabled ${change.node} ${flag}, and its app was killed again`);
  }
  const leave = change.kind === "enable" ? !change.byResourceStays : !lane.wasOnline;
  if (leave) await actions.disconnectResource(lane.id);
  const woke = lane.wasHibernated ? "resumed its hibernated session and " : "";
  return done(`${change.byResource} ${woke}enabled ${change.node} ${flag}${leave ? ` and disconnected again` : ""}`);
}

async function connectNew(stores: Stores, actions: ChangeActions, change: Extract<Change, { kind: "connect-resource" }>): Promise<ActionResult<string>> {
  const existing = laneOf(stores, change.resource);
  if (isOnline(existing)) return fail(`${change.resource} is already connected`);
  let id = existing?.id;
  if (!id) {
    const added = actions.addResource(change.resource);
    if (!added.ok) return added;
    id = added.value;
  }
  actions.setPresenceOnConnect(id, change.show === "unavailable" ? null : change.show);
  const connected = await actions.connectResource(id);
  if (!connected.ok) return connected;
  if (change.show !== "unavailable" && change.priority !== 0) {
    const p = await actions.setPresence(id, { show: change.show, priority: change.priority });
    if (!p.ok) return p;
  }
  return done(`${change.resource} connected and ${change.show === "unavailable" ? "sent no presence" : `is ${presenceChoiceText(change.show, change.priority)}`}`);
}

/** One counterfactual, set up through the playground's actions. */
export async function applyChangeWith(stores: Stores, actions: ChangeActions, change: Change): Promise<ActionResult<string>> {
  const outside = outsideChangeRefusal(change, outsideResources(stores));
  if (outside) return fail(outside);
  const online = (resource: string): SessionView | ActionResult<string> => {
    const v = laneOf(stores, resource);
    if (!v) return fail(`there is no resource ${resource} in the playground any more`);
    if (!isOnline(v)) return fail(`${resource} is not connected now: connect it first`, "not-connected");
    return v;
  };
  switch (change.kind) {
    case "set-presence": {
      const v = online(change.resource);
      if ("ok" in v) return v;
      const r = await actions.setPresence(v.id, { show: change.show, priority: change.priority });
      return r.ok ? done(`${change.resource} is now ${presenceChoiceText(change.show, change.priority)}`) : r;
    }
    case "disconnect": {
      const v = laneOf(stores, change.resource);
      if (!v || (v.status === "offline" && v.sm?.state !== "hibernated")) return fail(`${change.resource} is not connected now`, "not-connected");
      if (v.sm?.state === "hibernated") {
        // Forgetting the killed session in the page would leave it hibernated on the server until
        // its resumption window ends: resume it and close it cleanly, so the server ends it now.
        const woken = await wake(actions, v.id, change.resource);
        if (!woken.ok) return woken;
        await actions.disconnectResource(v.id);
        return done(`${change.resource} resumed its hibernated session and disconnected cleanly (the server ended it)`);
      }
      await actions.disconnectResource(v.id);
      return done(`${change.resource} disconnected`);
    }
    case "kill-app": {
      const v = online(change.resource);
      if ("ok" in v) return v;
      const r = await actions.killResource(v.id);
      if (!r.ok) return r;
      return r.value.resumable ? done(`${change.resource}'s app was killed: the server hibernates its session`) : fail(`${change.resource}'s socket was dropped, but the server offers no stream resumption, so the session ended instead of hibernating`, "not-connected");
    }
    case "resume": {
      const v = laneOf(stores, change.resource);
      if (!v) return fail(`there is no resource ${change.resource} in the playground any more`);
      const r = await actions.resumeResource(v.id);
      return r.ok ? done(`${change.resource} resumed its session`) : r;
    }
    case "connect-resource":
      return connectNew(stores, actions, change);
    case "re-enable":
    case "enable":
      return enableFrom(stores, actions, change);
    case "disable": {
      const v = selectResources(stores.sessions.getState()).find(isOnline);
      if (!v) return fail("no resource of the account is connected to send the disable from: connect one first", "not-connected");
      const result = await actions.disable({ fromResourceId: v.id, jid: change.jid, node: change.node });
      return result.outcome === "result" ? done(`${change.node} disabled`) : fail(`disable failed: ${result.error?.message ?? result.summary}`, result.error?.code ?? "stanza-error");
    }
    case "send": {
      const r = await actions.send({ to: change.to, kind: change.send, ...(change.send !== "chat-state" ? { body: COUNTERFACTUAL_BODY } : {}) });
      return r.ok ? done(`sent ${r.value.length === 1 ? "the message" : `${r.value.length} messages`}`) : r;
    }
    case "policy":
      return fail(
        `the server's push policy is not something the playground can switch: the reference server runs ${change.policy} on its virtual host ${change.policy === "spec" ? "localhost" : `${change.policy}.localhost`}; set the profile's domain to it, connect again and repeat the set-up`,
      );
  }
}

/** applyChangeWith, with its progress and outcome in the explanations store (what "Try it" shows). */
export async function tryChange(stores: Stores, actions: ChangeActions, change: Change): Promise<ActionResult<string>> {
  const id = changeId(change);
  const store = stores.explanations.getState();
  store.setTrial({ changeId: id, status: "running", text: "setting the playground up…" });
  let result: ActionResult<string>;
  try {
    result = await applyChangeWith(stores, actions, change);
  } catch (e) {
    result = fail(`could not apply the change: ${e instanceof Error ? e.message : String(e)}`, "internal");
  }
  stores.explanations.getState().setTrial(
    result.ok
      ? { changeId: id, status: "done", text: change.kind === "send" ? `${result.value}: its outcome is in the timeline.` : `${result.value}. Send again to see the outcome.` }
      : { changeId: id, status: "failed", text: result.error.message },
  );
  return result;
}
