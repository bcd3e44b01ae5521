/**
 * The setup the playground is in now, read from its stores: the resources and how they ended up,
 * the active registrations to the sink, the App Server the sink plays, the virtual host and the
 * messages bob sent. Nothing captured (stanzas, answers, ids) and no password goes in; a
 * registration's publish-options lose their credential fields.
 */
import { NO_FAULTS, type FaultSettings } from "../app-server/faults";
import type { MessageSentEvent } from "../model";
import type { Stores } from "../stores";
import { selectResources, type SessionView } from "../stores/sessions";
import { sinkJidOf } from "../playground/context";
import { isSecretField, SETUP_LIMITS, SETUP_VERSION, validateSetup, type Checked, type ResourceEnd, type Setup, type SetupMessage, type SetupPresence, type SetupRegistration, type SetupResource } from "./setup";

function endOf(v: SessionView): ResourceEnd {
  if (v.sm?.state === "hibernated") return "killed";
  return v.status === "online" ? "online" : "disconnected";
}

function presenceOf(v: SessionView): SetupPresence | null {
  if (v.status === "online") {
    if (!v.presence) return null;
    return { show: v.presence.show ?? "available", priority: v.presence.priority, ...(v.presence.status ? { status: v.presence.status } : {}) };
  }
  // An offline card shows what it will send on connecting.
  const choice = v.presenceOnConnect;
  return choice === null || choice === "unavailable" ? null : { show: choice, priority: v.priority };
}

function resourcesOf(stores: Stores): SetupResource[] {
  return selectResources(stores.sessions.getState())
    .slice(0, SETUP_LIMITS.resources)
    .map((v) => ({ name: v.resource, presence: presenceOf(v), end: endOf(v) }));
}

function registrationsOf(stores: Stores, names: readonly string[]): SetupRegistration[] {
  const sink = sinkJidOf(stores);
  const fallback = names[0];
  if (fallback === undefined) return [];
  return stores.registrations
    .getState()
    .registrations.filter((r) => r.state === "active" && r.jid === sink)
    .slice(0, SETUP_LIMITS.registrations)
    .map((r) => ({
      // A registration whose enabling resource was removed is replayed from the first one.
      from: names.includes(r.enabledByResource) ? r.enabledByResource : fallback,
      node: r.node.slice(0, SETUP_LIMITS.nameChars),
      away: r.away,
      publishOptions: (r.publishOptions?.fields ?? [])
        .filter((f) => f.var !== "FORM_TYPE" && !isSecretField(f.var))
        .slice(0, SETUP_LIMITS.publishOptions)
        .map((f) => ({ var: f.var, value: (f.values[0] ?? "").slice(0, SETUP_LIMITS.textChars) })),
      credentialFields: (r.publishOptions?.fields ?? []).filter((f) => isSecretField(f.var)).slice(0, SETUP_LIMITS.publishOptions).map((f) => f.var.slice(0, SETUP_LIMITS.nameChars)),
    }));
}

const sameFaults = (a: FaultSettings, b: FaultSettings) => JSON.stringify(a) === JSON.stringify(b);

/** A burst is sent as one request: the setup keeps its first message, body without the “ (i/n)” suffix. */
function messagesOf(stores: Stores, names: readonly string[]): SetupMessage[] {
  const sent = stores.timeline.getState().events.filter((e): e is MessageSentEvent => e.kind === "message-sent" && e.sendKind !== "raw" && (e.burst?.index ?? 1) === 1);
  return sent.slice(-SETUP_LIMITS.messages).flatMap((e): SetupMessage[] => {
    const resource = e.to.includes("/") ? e.to.slice(e.to.indexOf("/") + 1) : null;
    if (resource !== null && !names.includes(resource)) return [];
    const to = resource ?? "bare";
    const count = Math.min(e.burst?.count ?? 1, SETUP_LIMITS.burst);
    if (e.sendKind === "chat-state") return [{ to, kind: "chat-state", count }];
    const kind = e.sendKind === "groupchat" ? "groupchat" : "chat";
    const body = (e.burst ? (e.body ?? "").replace(/ \(1\/\d+\)$/, "") : (e.body ?? "")).slice(0, SETUP_LIMITS.textChars);
    return body.trim() === "" ? [] : [{ to, kind, body, count }];
  });
}

/** The current setup, checked by the same validation a link goes through. */
export function captureSetup(stores: Stores, title?: string): Checked<Setup> {
  const resources = resourcesOf(stores);
  const names = resources.map((r) => r.name);
  const registrations = registrationsOf(stores, names);
  const sink = stores.sink.getState();
  const nodes = new Set(registrations.map((r) => r.node));
  const faultsByNode = Object.fromEntries(Object.entries(sink.faults.byNode).filter(([node]) => nodes.has(node)));
  const setup: Setup = {
    v: SETUP_VERSION,
    ...(title && title.trim() !== "" ? { title: title.trim().slice(0, SETUP_LIMITS.titleChars) } : {}),
    domain: stores.profile.getState().profile.domain.trim().toLowerCase(),
    resources,
    registrations,
    sink: { profile: sink.profile, mode: sink.mode, faults: sameFaults(sink.faults.all, NO_FAULTS) ? null : sink.faults.all, faultsByNode },
    messages: messagesOf(stores, names),
  };
  const checked = validateSetup(setup);
  return checked.ok ? checked : { ok: false, error: `the current set-up cannot be shared: ${checked.error}` };
}
