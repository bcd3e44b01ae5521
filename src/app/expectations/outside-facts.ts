/**
 * Outside sessions (issue 12) in the predictions: the account's sessions the playground did not
 * open (a real app over TCP, a second browser) are sessions to the server all the same. An online
 * outside app receives the message and suppresses the push exactly as a simulated resource would,
 * and a registration it enabled binds to its session under Prosody and ejabberd. Kept apart from
 * predict.ts so the snapshot of the playground's own lanes stays as it is.
 */
import type { SessionSnapshot } from "../../protocol/policy/types";
import type { KnownRegistration } from "../model";
import type { OutsideSessionView } from "../stores/outside";

/**
 * The session id a prediction gives an outside session: the server's own when its log told it (so
 * registrations it enabled, which carry that id, bind to it), else one per resource (a session
 * seen only through presence on another server).
 */
export function outsideSessionId(view: Pick<OutsideSessionView, "resource" | "sessionId">): string {
  return view.sessionId ?? `outside/${view.resource}`;
}

/**
 * Outside sessions as the server holds them: online ones connected, hibernated ones (XEP-0198
 * keeps them) hibernated, ended ones absent. A resource the playground now runs itself is its own
 * lane's and is left out here.
 */
export function outsideSessionSnapshots(views: readonly OutsideSessionView[], ownResources: ReadonlySet<string>): SessionSnapshot[] {
  const sessions: SessionSnapshot[] = [];
  for (const v of views) {
    if (v.status === "ended" || ownResources.has(v.resource)) continue;
    sessions.push({
      sessionId: outsideSessionId(v),
      resource: v.resource,
      state: v.status === "hibernated" ? "hibernated" : "connected",
      presence: v.presence ? { ...v.presence } : null,
      // Only the last presence is kept; what the count changes (Tigase's presence ping) is not a message decision.
      presenceCount: v.presence ? 1 : 0,
    });
  }
  return sessions;
}

/**
 * The enabling session of a registration an outside session enabled last (the server's session id,
 * as its log gave it), or null for one of the playground's own: the connection tracker knows those.
 */
export function outsideEnabler(views: readonly OutsideSessionView[], ownResources: ReadonlySet<string>): (registration: KnownRegistration) => string | null {
  const outside = new Set(views.flatMap((v) => (ownResources.has(v.resource) ? [] : [v.resource])));
  return (r) => (outside.has(r.enabledByResource) ? r.enabledBySessionId : null);
}
