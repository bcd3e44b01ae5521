import { useEffect, useMemo, useState } from "react";
import type { LaneId } from "../../model";
import { usePlayground } from "../../playground-context";
import { awaySupport, awayToggleExplanation } from "../../stores/disco";
import { useDiscoStore, useRegistrationsStore, useSinkStore } from "../../stores/hooks";
import { enableFormDefaults } from "../../stores/sink";
import type { SessionView } from "../../stores/sessions";
import { CheckboxField, TextField } from "../shared/Field";
import { ResourcePicker } from "../shared/ResourcePicker";
import { EnableLint } from "./EnableLint";
import { PublishOptionsFieldset, usePublishOptionRows } from "./PublishOptionsFieldset";

export interface DisableTarget {
  jid: string;
  node?: string;
}

export interface EnablePushFormProps {
  /** The connected resources enable and disable can be sent from. */
  online: SessionView[];
  fromId: LaneId | undefined;
  onFromChange(id: LaneId): void;
  onDisable(target: DisableTarget): void;
}

/** The enable form: sender resource, push service jid, node, away flag, publish-options, and the disable buttons. */
export function EnablePushForm({ online, fromId, onFromChange, onDisable }: EnablePushFormProps) {
  const playground = usePlayground();
  const results = useDiscoStore((s) => s.results);
  const pending = useRegistrationsStore((s) => s.pending);
  const [jidOverride, setJidOverride] = useState<string | null>(null);
  const [node, setNode] = useState(() => playground.freshNode());
  const [away, setAway] = useState(false);
  const rows = usePublishOptionRows();
  // The sink's App Server profile says which publish-options a client would send it (p2's secret…).
  const profile = useSinkStore((s) => s.profile);
  const profileSettings = useSinkStore((s) => s.profileSettings);
  const defaults = useMemo(() => enableFormDefaults({ profile, profileSettings }), [profile, profileSettings]);
  const defaultsKey = JSON.stringify(defaults);
  const { applyDefaults } = rows;
  useEffect(() => {
    if (defaults.length > 0) applyDefaults(defaults);
    // Only a change of the defaults themselves re-applies them; the rows stay the user's otherwise.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [defaultsKey]);

  const sinkJid = playground.sinkJid();
  const jid = jidOverride ?? sinkJid;
  const support = awaySupport({ results });

  const enable = () => {
    if (!fromId) return;
    const publishOptions = rows.options.filter((o) => o.var.trim() !== "").map((o) => ({ var: o.var.trim(), value: o.value }));
    void playground.enable({
      fromResourceId: fromId,
      jid: jid.trim(),
      node,
      away,
      publishOptions: publishOptions.length ? publishOptions : null,
    });
  };

  return (
    <form
      className="section"
      aria-label="Enable push"
      onSubmit={(e) => {
        e.preventDefault();
        enable();
      }}
    >
      <ResourcePicker label="Send from" resources={online} value={fromId ?? ""} onChange={onFromChange} help="Prosody and ejabberd tie the registration to this session." />
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
      <PublishOptionsFieldset options={rows.options} setOptions={rows.setOptions} addOption={rows.addOption} />
      <EnableLint jid={jid} node={node} away={away} publishOptions={rows.options} fromId={fromId} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={!fromId || pending}>
          {pending ? "Waiting for the server…" : "Enable push"}
        </button>
        <button type="button" className="btn" disabled={!fromId || pending} onClick={() => onDisable({ jid: jid.trim(), node })}>
          Disable this node
        </button>
        <button type="button" className="btn btn-danger" disabled={!fromId || pending} onClick={() => onDisable({ jid: jid.trim() })}>
          Disable all nodes of this jid
        </button>
      </div>
    </form>
  );
}
