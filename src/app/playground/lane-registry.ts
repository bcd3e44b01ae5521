/**
 * The lanes the playground drives (the account's resources, the sender, the sink): which XMPP
 * session each holds, and its card in the sessions store with the routing flags (§0.1) derived
 * from its presence. Adding, renaming and removing resources happens here.
 */
import { isAway, isOnline, isReceiving } from "../../protocol/routing";
import type { PolicyOptions, SessionSnapshot } from "../../protocol/policy/types";
import { SENDER_LANE, SINK_LANE, type LaneId, type PresenceChoice, type SessionRole } from "../model";
import type { ActionResult } from "../playground-api";
import { pickColour, SENDER_COLOUR, SINK_COLOUR } from "../stores/palette";
import type { SessionsState, SessionView } from "../stores/sessions";
import { validateResource } from "../xmpp/validate";
import type { XmppSession } from "../xmpp/session";
import { failed, ok, okVoid, type ServiceContext } from "./context";

export interface ManagedLane {
  id: LaneId;
  role: SessionRole;
  session: XmppSession | null;
  unsubscribe: (() => void) | null;
  /** Presence choices sent on this connection (for the snapshot's presenceCount). */
  presenceCount: number;
}

export interface LaneRegistry {
  lane(id: LaneId): ManagedLane | undefined;
  lanes(): ManagedLane[];
  view(id: LaneId): SessionView | undefined;
  resourceViews(): SessionView[];
  /** Patch a card and recompute its receiving/online/away flags. */
  patchView(id: LaneId, changes: Partial<SessionView>): void;
  /** A card as the profile names it now, offline. */
  baseView(id: LaneId, role: SessionRole, resource: string, colour: string): SessionView;
  labelFor(role: SessionRole, user: string, resource: string): string;
  presenceCountOf(id: LaneId): number;
  /** Full JIDs of our own online sessions. */
  ownJids(): ReadonlySet<string>;
  firstOnlineResource(): LaneId | null;
  addResource(name?: string): ActionResult<LaneId>;
  /** Add `count` resources named by the first free `rN`, in one store update. */
  addResources(count: number): ActionResult<LaneId[]>;
  removeResource(id: LaneId): Promise<void>;
  renameResource(id: LaneId, name: string): ActionResult;
  setPresenceOnConnect(id: LaneId, choice: PresenceChoice | null): void;
  setColour(id: LaneId, colour: string): void;
  /** Offline sessions show the profile's current names; live ones keep the names they logged in with. */
  refreshOfflineLabels(): void;
}

/** More than this at once is more likely a typo than a test plan. */
export const MAX_ADD_AT_ONCE = 500;

/** The first `count` names `rN` not in `taken`. */
function freeNames(taken: ReadonlySet<string>, count: number): string[] {
  const names: string[] = [];
  for (let n = 1; names.length < count; n++) if (!taken.has(`r${n}`)) names.push(`r${n}`);
  return names;
}

/**
 * Full JIDs of our own sessions. Asked for every presence received: with 100 resources that is
 * ~10,000 presences on connect, so the set is rebuilt only when the sessions changed.
 */
function ownJidsOf(sessions: () => SessionsState): () => ReadonlySet<string> {
  let built: { of: SessionsState["sessions"]; jids: ReadonlySet<string> } | null = null;
  return () => {
    const current = sessions().sessions;
    if (built?.of !== current) {
      const jids = new Set<string>();
      for (const v of Object.values(current)) if (v.jid) jids.add(v.jid);
      built = { of: current, jids };
    }
    return built.jids;
  };
}

export function createLaneRegistry(ctx: ServiceContext, awayOptions: Pick<PolicyOptions, "awayShows">): LaneRegistry {
  const { stores } = ctx;
  const managed = new Map<LaneId, ManagedLane>();
  let resourceCounter = 0;
  const sessions = () => stores.sessions.getState();
  const profile = () => stores.profile.getState().profile;
  const view = (id: LaneId): SessionView | undefined => sessions().sessions[id];

  function labelFor(role: SessionRole, user: string, resource: string): string {
    return role === "sender" ? user : `${user}/${resource}`;
  }

  function baseView(id: LaneId, role: SessionRole, resource: string, colour: string): SessionView {
    const p = profile();
    const user = role === "resource" ? p.account.username : role === "sender" ? p.sender.username : p.sink.username;
    return {
      id,
      role,
      label: labelFor(role, user.trim(), resource),
      account: `${user.trim().toLowerCase()}@${p.domain.trim().toLowerCase()}`,
      resource,
      colour,
      status: "offline",
      jid: null,
      lastError: null,
      presenceOnConnect: role === "resource" ? "available" : null,
      presenceChoice: null,
      presence: null,
      priority: 0,
      statusText: "",
      receiving: false,
      online: false,
      away: false,
      received: 0,
      connectedAt: null,
    };
  }

  /** Recompute receiving/online/away (§0.1) from the routing helpers. */
  function derive(v: SessionView): Pick<SessionView, "receiving" | "online" | "away"> {
    if (v.status !== "online") return { receiving: false, online: false, away: false };
    const snapshot: SessionSnapshot = { sessionId: v.id, resource: v.resource, state: "connected", presence: v.presence, presenceCount: managed.get(v.id)?.presenceCount ?? 0 };
    return { receiving: isReceiving(snapshot), online: isOnline(snapshot, awayOptions), away: isAway(snapshot, awayOptions) };
  }

  function patchView(id: LaneId, changes: Partial<SessionView>): void {
    const current = view(id);
    if (!current) return;
    sessions().patch(id, { ...changes, ...derive({ ...current, ...changes }) });
  }

  function resourceViews(): SessionView[] {
    const s = sessions();
    return s.order.map((id) => s.sessions[id]).filter((v): v is SessionView => v?.role === "resource");
  }

  function addFixed(id: LaneId, role: SessionRole, resource: string, colour: string): void {
    if (view(id)) return;
    sessions().upsert(baseView(id, role, resource, colour));
    managed.set(id, { id, role, session: null, unsubscribe: null, presenceCount: 0 });
  }

  function addResource(name?: string): ActionResult<LaneId> {
    const existing = resourceViews();
    let resource = name?.trim();
    if (!resource) {
      let n = 1;
      while (existing.some((v) => v.resource === `r${n}`)) n++;
      resource = `r${n}`;
    }
    const valid = validateResource(resource);
    if (!valid.ok) return valid;
    if (existing.some((v) => v.resource === valid.value)) {
      return failed({ code: "bad-input", message: `a resource named ${valid.value} exists already (the server would replace one session with the other)` });
    }
    const id = `res-${++resourceCounter}`;
    managed.set(id, { id, role: "resource", session: null, unsubscribe: null, presenceCount: 0 });
    sessions().upsert(baseView(id, "resource", valid.value, pickColour(existing.map((v) => v.colour))));
    return ok(id);
  }

  function addResources(count: number): ActionResult<LaneId[]> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_ADD_AT_ONCE) {
      return failed({ code: "bad-input", message: `add between 1 and ${MAX_ADD_AT_ONCE} resources at once (got ${String(count)})` });
    }
    const existing = resourceViews();
    const colours = existing.map((v) => v.colour);
    const views: SessionView[] = [];
    for (const resource of freeNames(new Set(existing.map((v) => v.resource)), count)) {
      const id = `res-${++resourceCounter}`;
      const colour = pickColour(colours);
      colours.push(colour);
      managed.set(id, { id, role: "resource", session: null, unsubscribe: null, presenceCount: 0 });
      views.push(baseView(id, "resource", resource, colour));
    }
    sessions().upsertMany(views);
    return ok(views.map((v) => v.id));
  }

  const ownJids = ownJidsOf(sessions);

  addFixed(SENDER_LANE, "sender", "sender", SENDER_COLOUR);
  addFixed(SINK_LANE, "sink", profile().sink.resource, SINK_COLOUR);

  return {
    lane: (id) => managed.get(id),
    lanes: () => [...managed.values()],
    view,
    resourceViews,
    patchView,
    baseView,
    labelFor,
    presenceCountOf: (id) => managed.get(id)?.presenceCount ?? 0,
    ownJids,
    firstOnlineResource: () => resourceViews().find((v) => managed.get(v.id)?.session?.online)?.id ?? null,
    addResource,
    addResources,
    async removeResource(id) {
      const m = managed.get(id);
      if (!m || m.role !== "resource") return;
      await m.session?.stop();
      m.unsubscribe?.();
      managed.delete(id);
      sessions().remove(id);
    },
    renameResource(id, name) {
      const v = view(id);
      if (!v || v.role !== "resource") return failed({ code: "internal", message: `no resource ${id}` });
      if (v.status === "online" || v.status === "connecting") return failed({ code: "bad-input", message: `disconnect ${v.label} before renaming it` });
      const valid = validateResource(name);
      if (!valid.ok) return valid;
      if (resourceViews().some((r) => r.id !== id && r.resource === valid.value)) {
        return failed({ code: "bad-input", message: `a resource named ${valid.value} exists already` });
      }
      patchView(id, { resource: valid.value, label: labelFor("resource", profile().account.username.trim(), valid.value) });
      return okVoid;
    },
    setPresenceOnConnect(id, choice) {
      if (view(id)?.role === "resource") sessions().patch(id, { presenceOnConnect: choice });
    },
    setColour(id, colour) {
      if (view(id)) sessions().patch(id, { colour });
    },
    refreshOfflineLabels() {
      for (const v of Object.values(sessions().sessions)) {
        if (v.status === "online" || v.status === "connecting" || v.status === "disconnecting") continue;
        const resource = v.role === "sink" ? profile().sink.resource.trim() : v.resource;
        const fresh = baseView(v.id, v.role, resource, v.colour);
        if (fresh.label !== v.label || fresh.account !== v.account || fresh.resource !== v.resource) {
          sessions().patch(v.id, { label: fresh.label, account: fresh.account, resource: fresh.resource });
        }
      }
    },
  };
}
