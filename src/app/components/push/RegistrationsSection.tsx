import type { KnownRegistration } from "../../model";
import { usePlayground } from "../../playground-context";
import { useRegistrationsStore } from "../../stores/hooks";
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

/** The registrations this page knows of, with per-node Disable and "Forget inactive". */
export function RegistrationsSection({ canDisable, onDisable }: RegistrationsSectionProps) {
  const playground = usePlayground();
  const registrations = useRegistrationsStore((s) => s.registrations);
  const pending = useRegistrationsStore((s) => s.pending);
  const sinkJid = playground.sinkJid();
  const active = registrations.filter((r) => r.state === "active");

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
