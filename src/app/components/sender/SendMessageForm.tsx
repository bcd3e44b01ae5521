import { useId, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { MAX_BURST, type SendKind } from "../../model";
import { useProfileStore, useSessionsStore } from "../../stores/hooks";
import { selectResources } from "../../stores/sessions";
import { burstSize, type SendRequest } from "./use-sender";

const KIND_NOTES: Record<SendKind, string> = {
  chat: "type='chat' with a <body>: pushable.",
  "chat-state": "A body-less chat state (<composing/>): not pushable under the spec policy.",
  groupchat: "type='groupchat': never pushable under the spec policy.",
};

export interface SendMessageFormProps {
  connected: boolean;
  busy: boolean;
  onSend(request: SendRequest): void;
}

/** What to send: recipient (bare or full JID), kind, body and burst size. */
export function SendMessageForm({ connected, busy, onSend }: SendMessageFormProps) {
  const ids = useId();
  // Only their names are shown: a message received (its count) does not re-render the form.
  const resourceNames = useSessionsStore(useShallow((s) => selectResources(s).map((r) => r.resource)));
  const account = useProfileStore((s) => `${s.profile.account.username}@${s.profile.domain}`);
  const [target, setTarget] = useState<string>("bare");
  const [kind, setKind] = useState<SendKind>("chat");
  const [body, setBody] = useState("Hello from the playground");
  const [count, setCount] = useState("1");

  const to = target === "bare" || resourceNames.includes(target) ? target : "bare";
  const burst = burstSize(count);
  const send = () => onSend({ to, kind, body, count });

  return (
    <form
      className="section"
      aria-label="Send a message"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-to`}>
          To
        </label>
        <select id={`${ids}-to`} className="input mono" value={to} onChange={(e) => setTarget(e.target.value)}>
          <option value="bare">{account} (bare JID)</option>
          {resourceNames.map((resource) => (
            <option key={resource} value={resource}>
              {account}/{resource}
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
              if (connected && !busy) send();
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
            aria-invalid={burst !== null ? undefined : true}
            onChange={(e) => setCount(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={!connected || busy}>
          {burst !== null && burst > 1 ? `Send ${burst} messages` : "Send message"}
        </button>
      </div>
      {!connected ? <p className="small muted">Connect the sender to send.</p> : null}
      <p className="small muted">
        <kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the body sends.
      </p>
    </form>
  );
}
