import { useShallow } from "zustand/react/shallow";
import { OUTSIDE_LABEL } from "../../playground/outside-label";
import { useOutsideStore, useRegistrationsStore } from "../../stores/hooks";
import { OUTSIDE_COLOUR, selectOutsideSessions, type OutsideSessionView } from "../../stores/outside";
import { StatusDot } from "../shared/StatusDot";

const STATUS: Record<OutsideSessionView["status"], { tone: "ok" | "info" | "idle"; label: string }> = {
  online: { tone: "ok", label: "online" },
  hibernated: { tone: "info", label: "hibernated (XEP-0198)" },
  ended: { tone: "idle", label: "ended" },
};

function presenceText(v: OutsideSessionView): string {
  const p = v.presence;
  if (!p) return v.status === "ended" ? "no presence (gone)" : "no presence yet: receives nothing sent to the bare JID";
  return `${p.show ?? "available"}, priority ${p.priority}${p.status ? `, status "${p.status}"` : ""}`;
}

/** One read-only lane: what the server (or presence) told about a session the playground did not open. */
function OutsideLane({ session }: { session: OutsideSessionView }) {
  const registrations = useRegistrationsStore(
    useShallow((s) => s.registrations.filter((r) => r.enabledByResource === session.resource && r.state === "active" && (session.sessionId === null || r.enabledBySessionId === session.sessionId))),
  );
  const status = STATUS[session.status];
  return (
    <section className="resource-card outside-lane" aria-label={`Outside session ${session.resource}`} style={{ ["--lane-colour" as string]: OUTSIDE_COLOUR }}>
      <div className="resource-head">
        <span className="lane-label truncate" title={session.jid}>
          {session.label}
        </span>
      </div>
      <p className="small muted">{OUTSIDE_LABEL}. Read-only: connect, kill and presence are up to its own client.</p>
      <div className="resource-state">
        <StatusDot tone={status.tone} label={status.label} title={session.jid} />
        <span className="badge badge-info" title={session.seenThrough === "presence" ? "This server has no session log: the playground's resources saw this session's presence" : "From the reference server's session log"}>
          seen through {session.seenThrough}
        </span>
      </div>
      <dl className="outside-facts small">
        <dt>Resource</dt>
        <dd className="mono">{session.resource}</dd>
        <dt>Presence</dt>
        <dd>{presenceText(session)}</dd>
        <dt>Client</dt>
        <dd className="mono">{session.capsNode ?? `unknown (no XEP-0115 caps; resource name "${session.resource}")`}</dd>
        <dt>Push</dt>
        <dd>
          {registrations.length === 0
            ? "no registration enabled by it"
            : registrations.map((r) => `${r.node || "(no node)"} → ${r.jid}${r.away ? " (away=true)" : ""}`).join("; ")}
        </dd>
      </dl>
      {session.note ? <p className="small muted">{session.note}</p> : null}
    </section>
  );
}

/** The account's sessions the playground did not open (issue 12), below its own resources. */
export function OutsideLanes() {
  const sessions = useOutsideStore(useShallow(selectOutsideSessions));
  if (sessions.length === 0) return null;
  return (
    <div className="resource-list" aria-label="Outside sessions">
      <h3 className="small">Outside sessions ({sessions.length})</h3>
      {sessions.map((s) => (
        <OutsideLane key={s.id} session={s} />
      ))}
    </div>
  );
}
