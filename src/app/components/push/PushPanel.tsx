import { useState } from "react";
import { SINK_LANE, type LaneId } from "../../model";
import { usePlayground } from "../../playground-context";
import { sameListBy, useRegistrationsStore, useSelectEqual, useSessionsStore } from "../../stores/hooks";
import { selectResources, type SessionView } from "../../stores/sessions";
import { EmptyState } from "../shared/EmptyState";
import { Term, TERMS } from "../shared/Term";
import { EnablePushForm, type DisableTarget } from "./EnablePushForm";
import { OperationResultView } from "./OperationResultView";
import { RegistrationsSection } from "./RegistrationsSection";

/** Enable and disable push (XEP-0357 §6-7) from a chosen resource, and the registrations in force. */
export function PushPanel() {
  const playground = usePlayground();
  // What the picker shows of them: a message received (its count) does not re-render the panel.
  const resources = useSessionsStore(useSelectEqual(selectResources, sameListBy<SessionView>("id", "label", "resource", "status")));
  const sinkStatus = useSessionsStore((s) => s.sessions[SINK_LANE]?.status ?? "offline");
  const lastResult = useRegistrationsStore((s) => s.lastResult);

  const online = resources.filter((r) => r.status === "online");
  const [from, setFrom] = useState<LaneId>("");
  const fromId = online.some((r) => r.id === from) ? from : online[0]?.id;

  const disable = (target: DisableTarget) => {
    if (!fromId) return;
    void playground.disable({ fromResourceId: fromId, jid: target.jid, ...(target.node !== undefined ? { node: target.node } : {}) });
  };

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

      <EnablePushForm online={online} fromId={fromId} onFromChange={setFrom} onDisable={disable} />

      <OperationResultView result={lastResult} />

      <RegistrationsSection canDisable={!!fromId} onDisable={disable} />
    </section>
  );
}
