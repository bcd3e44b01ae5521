import { useId, useRef, useState } from "react";
import { NS } from "../../../protocol/ns";
import type { LaneId } from "../../model";
import { usePlayground } from "../../playground-context";
import { useConsoleStore, useProfileStore, useSessionsStore } from "../../stores/hooks";
import { describeError } from "../shared/format";

export interface PresetContext {
  account: string;
  domain: string;
  sinkJid: string;
  node: string;
  id: string;
}

/** Starting points for the raw send box (Gajim's presets, plus the push protocol's own). */
const PRESETS: readonly { name: string; build: (c: PresetContext) => string }[] = [
  { name: "Presence", build: () => `<presence>\n  <priority>0</priority>\n</presence>` },
  { name: "Away presence", build: () => `<presence>\n  <show>away</show>\n  <priority>0</priority>\n</presence>` },
  {
    name: "Message",
    build: (c) => `<message to="${c.account}" type="chat" id="${c.id}">\n  <body>Hello</body>\n</message>`,
  },
  {
    name: "Disco#info iq",
    build: (c) => `<iq type="get" to="${c.account}" id="${c.id}">\n  <query xmlns="${NS.discoInfo}"/>\n</iq>`,
  },
  {
    name: "Enable iq",
    build: (c) => `<iq type="set" id="${c.id}">\n  <enable xmlns="${NS.push}" jid="${c.sinkJid}" node="${c.node}"/>\n</iq>`,
  },
  {
    name: "Disable iq",
    build: (c) => `<iq type="set" id="${c.id}">\n  <disable xmlns="${NS.push}" jid="${c.sinkJid}"/>\n</iq>`,
  },
];

/** Raw send box: any session, presets, Ctrl+Enter to send, Ctrl+Up/Down through the history. */
export function Composer() {
  const playground = usePlayground();
  const ids = useId();
  const sessions = useSessionsStore((s) => s.sessions);
  const order = useSessionsStore((s) => s.order);
  const history = useConsoleStore((s) => s.sendHistory);
  const profile = useProfileStore((s) => s.profile);
  const [text, setText] = useState("");
  const [sessionId, setSessionId] = useState<LaneId>("");
  const [cursor, setCursor] = useState<number | null>(null);
  const draft = useRef("");
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<{ ok: boolean; text: string } | null>(null);

  const online = order.map((id) => sessions[id]).filter((s) => s !== undefined && s.status === "online");
  const from = online.some((s) => s?.id === sessionId) ? sessionId : (online[0]?.id ?? "");

  const send = async () => {
    if (!from || !text.trim() || busy) return;
    setBusy(true);
    setFeedback(null);
    try {
      // The store keeps each text once, so this is harmless if the service records it too.
      playground.rememberSent(text);
      setCursor(null);
      const result = await playground.sendRaw(from, text);
      setFeedback(result.ok ? { ok: true, text: "Sent." } : { ok: false, text: describeError(result.error) });
    } finally {
      setBusy(false);
    }
  };

  const recall = (direction: -1 | 1) => {
    if (history.length === 0) return;
    if (cursor === null) {
      if (direction === 1) return;
      draft.current = text;
      const last = history.length - 1;
      setCursor(last);
      setText(history[last] ?? "");
      return;
    }
    const next = cursor + direction;
    if (next >= history.length) {
      setCursor(null);
      setText(draft.current);
    } else if (next >= 0) {
      setCursor(next);
      setText(history[next] ?? "");
    }
  };

  const applyPreset = (build: (c: PresetContext) => string) => {
    setText(
      build({
        account: `${profile.account.username}@${profile.domain}`,
        domain: profile.domain,
        sinkJid: playground.sinkJid(),
        node: playground.freshNode(),
        id: `raw-${Math.random().toString(36).slice(2, 8)}`,
      }),
    );
    setCursor(null);
    setFeedback(null);
  };

  return (
    <form
      className="composer"
      aria-label="Send raw XML"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="row">
        <div className="field" style={{ flex: "0 1 200px" }}>
          <label className="field-label" htmlFor={`${ids}-from`}>
            Send from
          </label>
          <select id={`${ids}-from`} className="input" value={from} disabled={online.length === 0} onChange={(e) => setSessionId(e.target.value)}>
            {online.length === 0 ? <option value="">no connected session</option> : null}
            {online.map((s) =>
              s ? (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ) : null,
            )}
          </select>
        </div>
        <div className="toolbar-group" role="group" aria-label="Presets">
          {PRESETS.map((p) => (
            <button key={p.name} type="button" className="btn btn-small" onClick={() => applyPreset(p.build)}>
              {p.name}
            </button>
          ))}
        </div>
      </div>
      <label className="visually-hidden" htmlFor={`${ids}-xml`}>
        Raw XML to send
      </label>
      <textarea
        id={`${ids}-xml`}
        className="input"
        value={text}
        spellCheck={false}
        placeholder="<presence/>  — one element; Ctrl+Enter sends, Ctrl+↑/↓ recall history"
        aria-describedby={`${ids}-hint`}
        onChange={(e) => {
          setText(e.target.value);
          setCursor(null);
        }}
        onKeyDown={(e) => {
          if (!(e.ctrlKey || e.metaKey)) return;
          if (e.key === "Enter") {
            e.preventDefault();
            void send();
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            recall(-1);
          } else if (e.key === "ArrowDown") {
            e.preventDefault();
            recall(1);
          }
        }}
      />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!from || !text.trim() || busy}>
          Send XML
        </button>
        <span id={`${ids}-hint`} className="small muted">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> send · <kbd>Ctrl</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> history ({history.length})
        </span>
        {feedback ? (
          <span className={`small ${feedback.ok ? "" : "field-error"}`} role={feedback.ok ? "status" : "alert"}>
            {feedback.text}
          </span>
        ) : null}
      </div>
    </form>
  );
}
