import { describeCounts } from "../../../conformance/format";
import { describeIdentification } from "../../../conformance/identify";
import { serverLabel } from "../../../conformance/server-identity";
import { useScenariosStore } from "../../stores/hooks";

/** Where a run is (progress bar, scenarios running), its error, the server it judged and the counts. */
export function ScenariosProgress() {
  const catalogue = useScenariosStore((s) => s.catalogue);
  const status = useScenariosStore((s) => s.status);
  const runIds = useScenariosStore((s) => s.runIds);
  const done = useScenariosStore((s) => s.done);
  const running = useScenariosStore((s) => s.running);
  const preflight = useScenariosStore((s) => s.preflight);
  const identification = useScenariosStore((s) => s.identification);
  const report = useScenariosStore((s) => s.report);
  const error = useScenariosStore((s) => s.error);
  const busy = status === "running";
  const total = runIds.length;
  const currentNames = running.map((id) => `${id} ${catalogue.find((s) => s.id === id)?.name ?? ""}`.trim()).join(", ");

  return (
    <>
      {status !== "idle" ? (
        <div className="scenarios-progress">
          <div
            className="scenarios-bar"
            role="progressbar"
            aria-label="Scenario progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
          >
            <div className="scenarios-bar-fill" style={{ width: `${total > 0 ? (100 * done) / total : 0}%` }} />
          </div>
          <span>
            {done}/{total}
            {busy ? (preflight ? (currentNames ? `: running ${currentNames}` : "") : ": logging in and asking disco#info…") : ""}
          </span>
        </div>
      ) : null}
      {error ? (
        <p className="callout callout-err" role="alert">
          {error}
        </p>
      ) : null}
      {preflight ? (
        <p className="scenarios-server">
          Server: {serverLabel(preflight.server)}
          {preflight.server.name ? ` ("${preflight.server.name}")` : ""}. Judged under <strong>{preflight.policy}</strong> (
          {preflight.policySource === "disco" ? "named by its disco#info" : preflight.policySource === "option" ? "chosen" : "default: the server names no policy"}).
          {preflight.accountFeatures ? ` Account advertises: ${preflight.accountFeatures.filter((f) => f.includes("push")).join(", ") || "no push feature"}.` : ""}
        </p>
      ) : null}
      {identification ? (
        <p className="scenarios-identification" data-testid="scenarios-identification">
          {describeIdentification(identification)}
        </p>
      ) : null}
      {report && !report.fatal ? <p className="muted">{describeCounts(report)}</p> : null}
    </>
  );
}
