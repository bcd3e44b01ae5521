import { useId, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { MAX_BURST, SENDER_LANE, type SendKind } from "../../model";
import { usePlayground } from "../../playground-context";
import { useProfileStore, useSessionsStore } from "../../stores/hooks";
import { selectResources } from "../../stores/sessions";
import { describeError, STATUS_LABELS, STATUS_TONES } from "../shared/format";
import { useActionError } from "../shared/action-error";
import { StatusDot } from "../shared/StatusDot";

const KIND_NOTES: Record<SendKind, string> = {
  chat: "type='chat' with a <body>: pushable.",
  "chat-state": "A body-less chat state (<composing/>): not pushable under the spec policy.",
  groupchat: "type='groupchat': never pushable under the spec policy.",
};

/** bob sends messages to the account: the input that triggers (or should not trigger) pushes. */
export function SenderPanel() {
  const playground = usePlayground();
  const ids = useId();
  const sender = useSessionsStore((s) => s.sessions[SENDER_LANE]);
  const resources = useSessionsStore(useShallow(selectResources));
  const account = useProfileStore((s) => `${s.profile.account.username}@${s.profile.domain}`);
  const senderName = useProfileStore((s) => `${s.profile.sender.username}@${s.profile.domain}`);
  const [target, setTarget] = useState<string>("bare");
  const [kind, setKind] = useState<SendKind>("chat");
  const [body, setBody] = useState("Hello from the playground");
  const [count, setCount] = useState("1");
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  // Connection failures show in the lastError callout; this is for what else an action refused.
  const [error, setError] = useActionError(sender);

  const status = sender?.status ?? "offline";
  const connected = status === "online";
  const resourceNames = resources.map((r) => r.resource);
  const to = target === "bare" || resourceNames.includes(target) ? target : "bare";
  const n = Number(count);
  const countValid = Number.isInteger(n) && n >= 1 && n <= MAX_BURST;

  const send = async () => {
    setSent(null);
    if (!countValid) {
      setError(`Burst size must be a whole number from 1 to ${MAX_BURST}.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await playground.send({ to, kind, body: kind === "chat-state" ? undefined : body, count: n });
      if (result.ok) setSent(`Sent ${result.value.length} ${result.value.length === 1 ? "message" : "messages"} to ${to === "bare" ? account : `${account}/${to}`}.`);
      else setError(result.error);
    } finally {
      setBusy(false);
    }
  };

  const connectToggle = async () => {
    setBusy(true);
    setError(null);
    try {
      if (connected) await playground.disconnectSender();
      else {
        const r = await playground.connectSender();
        if (!r.ok) setError(r.error);
      }
    } finally {
      setBusy(false);
    }
  };

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

      <form
        className="section"
        aria-label="Send a message"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-to`}>
            To
          </label>
          <select id={`${ids}-to`} className="input mono" value={to} onChange={(e) => setTarget(e.target.value)}>
            <option value="bare">{account} (bare JID)</option>
            {resources.map((r) => (
              <option key={r.id} value={r.resource}>
                {account}/{r.resource}
              </option>
            ))}
          </select>
          <div className="field-help">
            A bare-JID message goes to the receiving resources with the highest priority (RFC 6121); a full JID reaches that
            one session.
          </div>
        </div>
        <fieldset>
          <legend>Kind</legend>
          <div className="segmented" role="radiogroup" aria-label="Message kind">
            {(["chat", "chat-state", "groupchat"] as const).map((k) => (
              <label key={k}>
                <input type="radio" name={`${ids}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} />
                {k === "chat" ? "chat with body" : k === "chat-state" ? "chat state (no body)" : "groupchat"}
              </label>
            ))}
          </div>
          <p className="field-help">{KIND_NOTES[kind]}</p>
        </fieldset>
        <div className="field">
          <label className="field-label" htmlFor={`${ids}-body`}>
            Body
          </label>
          <textarea
            id={`${ids}-body`}
            className="input"
            rows={3}
            value={body}
            disabled={kind === "chat-state"}
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                if (connected && !busy) void send();
              }
            }}
          />
        </div>
        <div className="row">
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-count`}>
              Burst size
            </label>
            <input
              id={`${ids}-count`}
              className="input mono"
              type="number"
              min={1}
              max={MAX_BURST}
              value={count}
              aria-invalid={countValid ? undefined : true}
              onChange={(e) => setCount(e.target.value)}
            />
          </div>
          <button type="submit" className="btn btn-primary" disabled={!connected || busy}>
            {n > 1 && countValid ? `Send ${n} messages` : "Send message"}
          </button>
        </div>
        {!connected ? <p className="small muted">Connect the sender to send.</p> : null}
        <p className="small muted">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the body sends.
        </p>
      </form>
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
