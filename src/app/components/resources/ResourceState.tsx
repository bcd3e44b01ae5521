import type { SessionView } from "../../stores/sessions";
import { STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { StatusDot } from "../shared/StatusDot";
import { Term, TERMS } from "../shared/Term";
import { reachability } from "./reachability";

/** A card's status line: connection status, reachability badge, last presence sent, messages received. */
export function ResourceState({ session }: { session: SessionView }) {
  const reach = reachability(session);
  return (
    <>
      <div className="resource-state">
        <StatusDot tone={STATUS_TONES[session.status]} label={STATUS_LABELS[session.status]} title={session.jid ?? undefined} />
        <span className={`badge badge-${reach.tone}`}>
          <Term tip={`${reach.why} ${reach.label === "not receiving" ? TERMS.receiving : reach.label === "away" ? TERMS.away : reach.label === "online" ? TERMS.online : ""}`}>
            {reach.label}
          </Term>
        </span>
        {session.presenceChoice ? <span className="small muted">sent {session.presenceChoice}</span> : null}
        <span className="small muted" title="Messages this session received since it connected">
          {session.received} received
        </span>
      </div>
      {reach.label === "not receiving" ? <p className="small muted">{reach.why}</p> : null}
    </>
  );
}
