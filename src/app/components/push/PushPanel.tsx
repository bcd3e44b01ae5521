import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { SINK_LANE, type KnownRegistration, type LaneId } from "../../model";
import { usePlayground } from "../../playground-context";
import { awaySupport, awayToggleExplanation } from "../../stores/disco";
import { useDiscoStore, useRegistrationsStore, useSessionsStore } from "../../stores/hooks";
import { selectResources } from "../../stores/sessions";
import { EmptyState } from "../shared/EmptyState";
import { CheckboxField, TextField } from "../shared/Field";
import { formatTime } from "../shared/format";
import { ResourcePicker } from "../shared/ResourcePicker";
import { Term, TERMS } from "../shared/Term";
import { OperationResultView } from "./OperationResultView";

interface OptionRow {
  key: number;
  var: string;
  value: string;
}

const STATE_LABELS: Record<KnownRegistration["state"], string> = {
  active: "active",
  disabled: "disabled",
  "remote-disabled": "remote-disabled by the sink",
  "removed-by-server": "removed by the server",
};

/** Enable and disable push (XEP-0357 §6-7) from a chosen resource, and the registrations in force. */
export function PushPanel() {
  const playground = usePlayground();
  const resources = useSessionsStore(useShallow(selectResources));
  const sinkStatus = useSessionsStore((s) => s.sessions[SINK_LANE]?.status ?? "offline");
  const results = useDiscoStore((s) => s.results);
  const registrations = useRegistrationsStore((s) => s.registrations);
  const lastResult = useRegistrationsStore((s) => s.lastResult);
  const pending = useRegistrationsStore((s) => s.pending);

  const online = resources.filter((r) => r.status === "online");
  const [from, setFrom] = useState<LaneId>("");
  const fromId = online.some((r) => r.id === from) ? from : online[0]?.id;
  const [jidOverride, setJidOverride] = useState<string | null>(null);
  const [node, setNode] = useState(() => playground.freshNode());
  const [away, setAway] = useState(false);
  const [options, setOptions] = useState<OptionRow[]>([]);
  const [nextKey, setNextKey] = useState(1);

  const sinkJid = playground.sinkJid();
  const jid = jidOverride ?? sinkJid;
  const support = awaySupport({ results });

  const enable = () => {
    if (!fromId) return;
    const publishOptions = options.filter((o) => o.var.trim() !== "").map((o) => ({ var: o.var.trim(), value: o.value }));
    void playground.enable({
      fromResourceId: fromId,
      jid: jid.trim(),
      node,
      away,
      publishOptions: publishOptions.length ? publishOptions : null,
    });
  };

  const disable = (target: { jid: string; node?: string }) => {
    if (!fromId) return;
    void playground.disable({ fromResourceId: fromId, jid: target.jid, ...(target.node !== undefined ? { node: target.node } : {}) });
  };

  const addOption = (preset?: { var: string; value: string }) => {
    setOptions((rows) => [...rows, { key: nextKey, var: preset?.var ?? "", value: preset?.value ?? "" }]);
    setNextKey((k) => k + 1);
  };

  const active = registrations.filter((r) => r.state === "active");

  return (
    <section className="panel" aria-label="Push registration">
      <div className="panel-header">
        <h2>Enable / disable push</h2>
      </div>
      <p className="panel-intro">
        A <Term tip={TERMS.registration}>registration</Term> tells the server where to publish notifications: the App
        Server&apos;s JID and a <Term tip={TERMS.node}>node</Term>. Enabling the same jid + node again replaces it whole.
      </p>
      {sinkStatus !== "online" ? (
        <p className="callout callout-warn small">
          The App Server sink is not connected: pushes published to it will bounce. Connect the sink in the Sink tab first.
        </p>
      ) : null}
      {online.length === 0 ? (
        <EmptyState title="No connected resource">Connect a resource: enable and disable are sent from one of the account&apos;s sessions.</EmptyState>
      ) : null}

      <form
        className="section"
        aria-label="Enable push"
        onSubmit={(e) => {
          e.preventDefault();
          enable();
        }}
      >
        <ResourcePicker label="Send from" resources={online} value={fromId ?? ""} onChange={setFrom} help="Prosody and ejabberd tie the registration to this session." />
        <div className="row">
          <TextField
            label="Push service jid"
            value={jid}
            mono
            onChange={setJidOverride}
            help={jid === sinkJid ? "The sink's full JID (a bare JID would be answered by the server's PEP)." : "Not the sink: pushes will go elsewhere."}
          />
          {jidOverride !== null && jidOverride !== sinkJid ? (
            <button type="button" className="btn btn-small" onClick={() => setJidOverride(null)}>
              Use sink JID
            </button>
          ) : null}
        </div>
        <div className="row">
          <TextField label="Node" value={node} mono onChange={setNode} help="Empty sends enable without a node (only some servers accept it)." />
          <button type="button" className="btn btn-small" onClick={() => setNode(playground.freshNode())}>
            New node
          </button>
        </div>
        <CheckboxField
          label="Push while away (away='true')"
          checked={away}
          onChange={setAway}
          help={awayToggleExplanation({ results })}
        />
        {away && support === "not-advertised" ? (
          <p className="callout callout-warn small" role="note">
            This server does not advertise <code>tigase:push:away:0</code>; the flag will be sent anyway so you can see what
            the server does with it.
          </p>
        ) : null}
        <fieldset>
          <legend>
            <Term tip={TERMS.publishOptions}>Publish-options</Term> (optional)
          </legend>
          {options.length === 0 ? <p className="small muted">None: the enable carries no form.</p> : null}
          {options.map((row, i) => (
            <div className="kv-row" key={row.key}>
              <TextField
                label={`Field ${i + 1} name`}
                value={row.var}
                mono
                onChange={(v) => setOptions((rows) => rows.map((r) => (r.key === row.key ? { ...r, var: v } : r)))}
              />
              <TextField
                label={`Field ${i + 1} value`}
                value={row.value}
                mono
                onChange={(v) => setOptions((rows) => rows.map((r) => (r.key === row.key ? { ...r, value: v } : r)))}
              />
              <button
                type="button"
                className="btn btn-small btn-icon"
                aria-label={`Remove field ${i + 1}`}
                onClick={() => setOptions((rows) => rows.filter((r) => r.key !== row.key))}
              >
                ✕
              </button>
            </div>
          ))}
          <div className="toolbar-group">
            <button type="button" className="btn btn-small" onClick={() => addOption()}>
              Add field
            </button>
            <button type="button" className="btn btn-small" onClick={() => addOption({ var: "secret", value: playground.freshNode() })}>
              Add secret
            </button>
          </div>
        </fieldset>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={!fromId || pending}>
            {pending ? "Waiting for the server…" : "Enable push"}
          </button>
          <button type="button" className="btn" disabled={!fromId || pending} onClick={() => disable({ jid: jid.trim(), node })}>
            Disable this node
          </button>
          <button type="button" className="btn btn-danger" disabled={!fromId || pending} onClick={() => disable({ jid: jid.trim() })}>
            Disable all nodes of this jid
          </button>
        </div>
      </form>

      <OperationResultView result={lastResult} />

      <section className="section" aria-label="Registrations">
        <h3>
          Registrations <span className="badge">{active.length} active</span>
        </h3>
        {registrations.length === 0 ? (
          <p className="small muted">None yet. Connect the sink, then enable push from a resource.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">node</th>
                <th scope="col">away</th>
                <th scope="col">by</th>
                <th scope="col">state</th>
                <th scope="col">pushes</th>
                <th scope="col">
                  <span className="visually-hidden">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {registrations.map((r) => (
                <tr key={`${r.jid}\u0000${r.node}`}>
                  <td className="mono" title={`jid ${r.jid}`}>
                    {r.node || "(no node)"}
                    {r.jid !== sinkJid ? <div className="small muted">{r.jid}</div> : null}
                    {r.publishOptions?.fields.length ? (
                      <div className="small muted">
                        options: {r.publishOptions.fields.filter((f) => f.var !== "FORM_TYPE").map((f) => f.var).join(", ")}
                      </div>
                    ) : null}
                  </td>
                  <td>{r.away ? "yes" : "no"}</td>
                  <td className="mono">{r.enabledByResource}</td>
                  <td>
                    <span className={`badge ${r.state === "active" ? "badge-ok" : "badge-warn"}`}>{STATE_LABELS[r.state]}</span>
                    {r.note ? <div className="small muted">{r.note}</div> : null}
                  </td>
                  <td>
                    {r.pushCount}
                    {r.lastPushAt ? <div className="small muted">last {formatTime(r.lastPushAt)}</div> : null}
                  </td>
                  <td>
                    {r.state === "active" ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={!fromId || pending}
                        aria-label={`Disable node ${r.node || "(no node)"}`}
                        onClick={() => disable({ jid: r.jid, node: r.node })}
                      >
                        Disable
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {registrations.some((r) => r.state !== "active") ? (
          <button type="button" className="btn btn-small" onClick={() => playground.pruneInactiveRegistrations()}>
            Forget inactive
          </button>
        ) : null}
      </section>
    </section>
  );
}
