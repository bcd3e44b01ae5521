import { useMemo } from "react";
import { POLICIES } from "../../../protocol/policy";
import type { KnownRegistration, TimelineEvent } from "../../model";
import { accountBareOf } from "../../playground/context";
import { healthOfRegistration, type RegistrationHealth } from "../../playground/registration-health";
import { usePlayground } from "../../playground-context";
import { selectExpectationPolicy } from "../../stores/expectations";
import { useExpectationsStore, useRegistrationsStore, useTimelineStore } from "../../stores/hooks";
import { registrationKeyId } from "../../stores/registrations";
import { formatTime } from "../shared/format";
import type { DisableTarget } from "./EnablePushForm";
import { TestPushButton } from "./TestPushButton";

const STATE_LABELS: Record<KnownRegistration["state"], string> = {
  active: "active",
  disabled: "disabled",
  "remote-disabled": "remote-disabled by the sink",
  "removed-by-server": "removed by the server",
};

export interface RegistrationsSectionProps {
  /** Whether a resource is connected to send a disable from. */
  canDisable: boolean;
  onDisable(target: DisableTarget): void;
}

const NO_EVENTS: readonly TimelineEvent[] = [];

/**
 * Each registration's health under the policy the server is judged under: the server's log when
 * there is one, else the sink's answers and the messages sent (removal is then inferred).
 */
function useRegistrationHealth(registrations: readonly KnownRegistration[]): Map<KnownRegistration, RegistrationHealth> {
  const playground = usePlayground();
  const answers = useRegistrationsStore((s) => s.answers);
  const removals = useRegistrationsStore((s) => s.removals);
  const policyName = useExpectationsStore(selectExpectationPolicy);
  const hasServerLog = useExpectationsStore((s) => s.server !== null);
  const windowMs = useExpectationsStore((s) => s.windowMs);
  // Closed expectation windows re-render the table, so an inference can appear once a window is over.
  const records = useExpectationsStore((s) => s.records);
  // The timeline is read only without a server log (real servers): with one, events arriving do
  // not re-render the table. It appends in place: its sequence number says when it changed.
  const events = useTimelineStore((s) => (hasServerLog ? NO_EVENTS : s.events));
  const liveSeq = useTimelineStore((s) => (hasServerLog ? -1 : s.liveSeq));
  return useMemo(() => {
    const sources = {
      policy: POLICIES[policyName],
      answers,
      removals,
      hasServerLog,
      events,
      account: accountBareOf(playground.stores),
      now: Date.now(),
      windowMs,
    };
    return new Map(registrations.map((r) => [r, healthOfRegistration(r, registrationKeyId(r.jid, r.node), sources)]));
    // `records` only triggers the recomputation (a window closed: `now` moved on).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [registrations, answers, removals, policyName, hasServerLog, windowMs, records, events, liveSeq, playground]);
}

function HealthCell({ health, policy }: { health: RegistrationHealth; policy: string }) {
  const { removal } = health;
  return (
    <td data-testid="registration-health">
      <span title={`${health.rule} (policy ${policy})`}>{health.countText}</span>
      <div className="small muted">last answer: {health.lastAnswerText}</div>
      {removal ? (
        <div className="small" role="note">
          <span className="badge badge-warn">{removal.source === "inferred" ? "removed? (inferred)" : "removed"}</span> {removal.sentence}
        </div>
      ) : null}
    </td>
  );
}

/** The registrations this page knows of, with per-node Disable and "Forget inactive". */
export function RegistrationsSection({ canDisable, onDisable }: RegistrationsSectionProps) {
  const playground = usePlayground();
  const registrations = useRegistrationsStore((s) => s.registrations);
  const pending = useRegistrationsStore((s) => s.pending);
  const sinkJid = playground.sinkJid();
  const active = registrations.filter((r) => r.state === "active");
  const health = useRegistrationHealth(registrations);
  const policyName = useExpectationsStore(selectExpectationPolicy);

  return (
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
              <th scope="col" title={`App Server errors against the removal threshold of ${policyName}`}>
                health ({policyName})
              </th>
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
                  {r.note && !health.get(r)?.removal ? <div className="small muted">{r.note}</div> : null}
                </td>
                <td>
                  {r.pushCount}
                  {r.lastPushAt ? <div className="small muted">last {formatTime(r.lastPushAt)}</div> : null}
                </td>
                <HealthCell health={health.get(r)!} policy={policyName} />
                <td>
                  {r.state === "active" ? (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={!canDisable || pending}
                      aria-label={`Disable node ${r.node || "(no node)"}`}
                      onClick={() => onDisable({ jid: r.jid, node: r.node })}
                    >
                      Disable
                    </button>
                  ) : null}
                  <TestPushButton registration={r} />
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
  );
}
