import { SENDER_LANE } from "../../model";
import { useProfileStore, useSessionsStore } from "../../stores/hooks";
import { describeError, STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { StatusDot } from "../shared/StatusDot";
import { SendMessageForm } from "./SendMessageForm";
import { useSenderActions } from "./use-sender";

/** bob sends messages to the account: the input that triggers (or should not trigger) pushes. */
export function SenderPanel() {
  const sender = useSessionsStore((s) => s.sessions[SENDER_LANE]);
  const account = useProfileStore((s) => `${s.profile.account.username}@${s.profile.domain}`);
  const senderName = useProfileStore((s) => `${s.profile.sender.username}@${s.profile.domain}`);
  const { busy, error, sent, send, connectToggle } = useSenderActions(sender);

  const status = sender?.status ?? "offline";
  const connected = status === "online";

  return (
    <section className="panel" aria-label="Sender">
      <div className="panel-header">
        <h2>Sender</h2>
        <StatusDot tone={STATUS_TONES[status]} label={STATUS_LABELS[status]} />
      </div>
      <p className="panel-intro">
        <code>{senderName}</code> sends messages to <code>{account}</code>. Whether they are pushed depends on the
        resources&apos; presence and the registrations.
      </p>
      <div className="row">
        <button
          type="button"
          className={connected ? "btn" : "btn btn-primary"}
          disabled={busy || status === "connecting" || status === "disconnecting"}
          onClick={() => void connectToggle()}
        >
          {connected ? "Disconnect sender" : "Connect sender"}
        </button>
      </div>
      {sender?.lastError ? (
        <p className="callout callout-err small" role="alert">
          {describeError(sender.lastError)}
        </p>
      ) : null}

      <SendMessageForm connected={connected} busy={busy} onSend={(request) => void send(request)} />
      {error ? (
        <p className="callout small callout-err" role="alert">
          {error}
        </p>
      ) : sent ? (
        <p className="callout small callout-ok" role="status">
          {sent}
        </p>
      ) : null}
    </section>
  );
}
