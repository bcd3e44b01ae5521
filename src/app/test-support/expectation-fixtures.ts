/**
 * Builders for the expectation tests: the playground's own view of alice@localhost (session views
 * as the sessions store holds them, registrations as the registrations store holds them) and
 * bob's messages as the Playground builds them.
 */
import type { Element } from "@xmpp/xml";
import { buildChatMessage } from "../../protocol/stanzas/message";
import type { KnownRegistration, LaneId, PresenceChoice } from "../model";
import type { SessionView } from "../stores/sessions";
import { connectionSessionId, type ConnectionInfo, type RegistrationFacts } from "../expectations/predict";
import type { ExpectationRecord } from "../expectations/types";
import type { PlaygroundDriver } from "./driver";

export const ACCOUNT = "alice@localhost";
export const SINK = "pushsvc@localhost/sink";
export const BOB = "bob@localhost/playground-x";

/** A resource lane as the sessions store holds it; `presence` null = connected without presence; "offline" = not connected. */
export function resource(name: string, presence: PresenceChoice | null | "offline", priority = 0): SessionView {
  const connected = presence !== "offline";
  const available = connected && presence !== null && presence !== "unavailable";
  return {
    id: `res-${name}`,
    role: "resource",
    label: `alice/${name}`,
    account: ACCOUNT,
    resource: name,
    colour: "#0072B2",
    status: connected ? "online" : "offline",
    jid: connected ? `${ACCOUNT}/${name}` : null,
    lastError: null,
    presenceChoice: connected ? presence : null,
    presence: available ? { show: presence === "available" ? null : presence, priority } : null,
    presenceOnConnect: "available",
    priority,
    statusText: "",
    // Derived flags are not read by the predictions (they recompute from presence).
    receiving: false,
    online: false,
    away: false,
    received: 0,
    connectedAt: connected ? 1 : null,
  };
}

/** Generation 1 for every lane unless given. */
export function connections(views: readonly SessionView[], generations: Record<string, number> = {}): Map<LaneId, ConnectionInfo> {
  return new Map(views.map((v) => [v.id, { generation: generations[v.resource] ?? 1, presenceCount: v.presence ? 1 : 0 }]));
}

export interface RegOptions {
  away?: boolean;
  /** Resource whose connection enabled it (generation 1 unless `generation`). */
  by?: string;
  generation?: number;
  jid?: string;
  state?: KnownRegistration["state"];
  remoteDisabled?: boolean;
  outcomes?: RegistrationFacts["outcomes"];
  enabledAt?: number;
}

let enabledClock = 1_000;

export function reg(node: string, opts: RegOptions = {}): RegistrationFacts {
  const by = opts.by ?? "phone";
  return {
    jid: opts.jid ?? SINK,
    node,
    away: opts.away ?? false,
    publishOptions: null,
    enabledByResource: by,
    enabledAt: opts.enabledAt ?? ++enabledClock,
    enabledBySessionId: connectionSessionId(`res-${by}`, by, opts.generation ?? 1),
    state: opts.state ?? "active",
    remoteDisabled: opts.remoteDisabled ?? false,
    outcomes: opts.outcomes ?? [],
  };
}

/** `body` null: a body-less chat state (`<composing/>`). */
export function chatTo(to = ACCOUNT, body: string | null = "where are you?", id = "m-1"): Element {
  return body === null
    ? buildChatMessage({ to, type: "chat", chatState: "composing", id })
    : buildChatMessage({ to, type: "chat", body, id });
}

/** Timers on a hand-driven clock, so wait windows close exactly when the test says. */
export function manualClock() {
  let t = 1_000_000;
  let ids = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    setTimer: (fn: () => void, ms: number) => {
      const id = ++ids;
      timers.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimer: (h: unknown) => void timers.delete(h as number),
    advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = Math.max(t, due[1].at);
        due[1].fn();
      }
      t = end;
    },
  };
}

/** Sends `body` through the driver and waits until its expectation is judged with the server's decision. */
export async function sendAndJudge(d: PlaygroundDriver, body: string): Promise<ExpectationRecord> {
  await d.send(body);
  const id = d.lastSent[0]!;
  return d.waitFor(() => {
    const r = d.pg.stores.expectations.getState().records[id];
    return r && r.observation.closedAt !== null && r.server ? r : null;
  }, `the judged expectation and the server's decision for "${body}"`);
}
