import type { SessionView, SmView } from "../../stores/sessions";

type Tone = "ok" | "warn" | "err" | "info" | "idle";

/** The XEP-0198 state of a resource in one word, with a tooltip saying what it means. */
function smBadge(sm: SmView): { label: string; tone: Tone; why: string } {
  const window = sm.max ? ` for up to ${sm.max} s` : "";
  switch (sm.state) {
    case "off":
      return { label: "no SM", tone: "idle", why: "The server did not enable stream management (XEP-0198) on this session: a dropped socket ends it." };
    case "active":
      return sm.resumable
        ? { label: "SM on", tone: "info", why: `Stream management (XEP-0198) with resumption: if the socket drops, the server keeps the session${window}.` }
        : { label: "SM on, no resume", tone: "info", why: "Stream management (XEP-0198) without resumption: if the socket drops, the session ends." };
    case "hibernated":
      return { label: "hibernated", tone: "warn", why: `The app was killed: the server keeps the session${window} (hibernated), queues what arrives for it, and decides about pushes. Resume brings it back.` };
    case "resumed":
      return {
        label: `resumed · ${sm.redelivered ?? 0} redelivered`,
        tone: "ok",
        why: "The same session came back (XEP-0198 <resumed/>); messages it had not acknowledged were redelivered with a <delay/>.",
      };
    case "expired":
      return { label: "expired", tone: "err", why: sm.note ?? "The server dropped the hibernated session: resuming it fails (item-not-found). Connect starts a new session." };
    case "resume-failed":
      return { label: "resume failed", tone: "err", why: sm.note ?? "The server refused to resume the session." };
    case "ended":
      return { label: "session ended", tone: "idle", why: sm.note ?? "The socket was dropped without stream management resumption: the session simply ended." };
  }
}

/** Explanation shown on the card for states the user has to act on. */
function smNote(session: SessionView): string | null {
  const sm = session.sm;
  if (!sm || session.status === "online" || session.status === "connecting") return null;
  switch (sm.state) {
    case "hibernated":
      return `App killed: the server keeps ${session.label}'s session${sm.max ? ` for up to ${sm.max} s` : ""}. Send it messages to see the pushes, then Resume to get them redelivered.`;
    case "expired":
      return "The hibernated session expired on the server: Resume would fail (item-not-found). Connect starts a new session.";
    case "ended":
      return sm.enabled && !sm.resumable
        ? "App killed: stream management was on without resumption, so the session simply ended."
        : "App killed: without stream management (XEP-0198) the session simply ends; there is nothing to resume.";
    default:
      return null;
  }
}

function killTip(session: SessionView): string {
  const sm = session.sm;
  if (session.status !== "online") return "Connect the resource first: there is no running app to kill.";
  if (!sm || sm.state === "off" || !sm.resumable) {
    return "Drop the socket without </close> and without reconnecting, as when the OS kills the app. This server did not enable stream management resumption (XEP-0198) on this session, so the session simply ends.";
  }
  return `Drop the socket without </close> and without reconnecting, as when the OS kills the app. The server keeps the session${sm.max ? ` for up to ${sm.max} s` : ""} (XEP-0198 hibernation) and decides about pushes; Resume brings the same session back.`;
}

function resumeTip(session: SessionView): string {
  const sm = session.sm;
  if (sm?.state === "hibernated" && session.status !== "connecting") {
    return "Reconnect and resume the killed session (XEP-0198 <resume previd h/>): the server redelivers what the app had not acknowledged.";
  }
  if (session.status === "connecting") return "Connecting…";
  if (sm?.state === "expired") return "The server expired the killed session: it cannot be resumed. Connect starts a new session.";
  return "Only a session killed with Kill app while stream management resumption was on can be resumed.";
}

/** "Kill app" and "Resume" (XEP-0198 hibernation) for one resource, and its stream-management state. */
export function SmControls({
  session,
  busy,
  onKill,
  onResume,
}: {
  session: SessionView;
  busy: boolean;
  onKill: () => void;
  onResume: () => void;
}) {
  const canKill = session.status === "online" && !busy;
  const canResume = session.sm?.state === "hibernated" && session.status !== "connecting" && session.status !== "online" && !busy;
  const badge = session.sm ? smBadge(session.sm) : null;
  const note = smNote(session);
  return (
    <div className="resource-sm">
      <div className="toolbar-group" role="group" aria-label={`App lifecycle of ${session.resource}`}>
        <button type="button" className="btn btn-small" aria-label={`Kill app ${session.resource}`} title={killTip(session)} disabled={!canKill} onClick={onKill}>
          Kill app
        </button>
        <button type="button" className="btn btn-small" aria-label={`Resume ${session.resource}`} title={resumeTip(session)} disabled={!canResume} onClick={onResume}>
          Resume
        </button>
        {badge ? (
          <span className={`badge badge-${badge.tone}`} title={badge.why}>
            {badge.label}
          </span>
        ) : null}
      </div>
      {note ? <p className="small muted">{note}</p> : null}
    </div>
  );
}
