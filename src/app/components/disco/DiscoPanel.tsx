import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import type { DiscoResult, DiscoTarget, FeatureHighlight } from "../../model";
import { usePlayground } from "../../playground-context";
import { awaySupport, awayToggleExplanation } from "../../stores/disco";
import { useDiscoStore, useProfileStore, useSessionsStore, useStores } from "../../stores/hooks";
import { selectResources } from "../../stores/sessions";
import { EmptyState } from "../shared/EmptyState";
import { describeError, formatTime } from "../shared/format";
import { ResourcePicker } from "../shared/ResourcePicker";

const HIGHLIGHT_NOTES: Record<Exclude<FeatureHighlight, null>, string> = {
  push: "XEP-0357 push",
  "push-away": "Tigase away extension",
  "tigase-push": "Tigase push extension",
};

/** A query that failed, and the target's result at that moment. */
interface QueryFailure {
  target: DiscoTarget;
  text: string;
  stored: DiscoResult | null;
}

/**
 * The panel's own line for a failed query, or null: an answer that failed (error, timeout) already
 * shows in its result section, and any newer result (a later query, disco on connect) supersedes it.
 */
function failureText(failure: QueryFailure, current: DiscoResult | null): string | null {
  if (current !== failure.stored) return null;
  if (current && current.outcome !== "result" && current.error && describeError(current.error) === failure.text) return null;
  return failure.text;
}

/** disco#info on the account's bare JID and on the domain: does this server do push, and away? */
export function DiscoPanel() {
  const playground = usePlayground();
  const results = useDiscoStore((s) => s.results);
  const pending = useDiscoStore((s) => s.pending);
  const resources = useSessionsStore(useShallow(selectResources));
  const profile = useProfileStore((s) => s.profile);
  const online = resources.filter((r) => r.status === "online");
  const [from, setFrom] = useState<string>("");
  const fromId = online.some((r) => r.id === from) ? from : online[0]?.id;
  const stores = useStores();
  const [failure, setFailure] = useState<QueryFailure | null>(null);

  const query = async (target: DiscoTarget) => {
    setFailure(null);
    const result = await playground.disco(target, fromId);
    if (!result.ok) setFailure({ target, text: describeError(result.error), stored: stores.disco.getState().results[target] });
  };
  const error = failure ? failureText(failure, results[failure.target]) : null;

  const support = awaySupport({ results });
  return (
    <section className="panel" aria-label="Service discovery">
      <div className="panel-header">
        <h2>Discovery</h2>
      </div>
      <p className="panel-intro">
        Ask the server what it supports. XEP-0357 clients look for <code>urn:xmpp:push:0</code> on the account&apos;s
        bare JID; the away extension is <code>tigase:push:away:0</code>. Both queries run on their own when the
        account&apos;s first resource connects (and again after the server changes); the buttons ask again.
      </p>
      {online.length === 0 ? (
        <EmptyState title="No connected resource">Connect a resource first: disco#info is sent from one of the account&apos;s sessions.</EmptyState>
      ) : (
        <div className="row">
          <ResourcePicker label="Ask from" resources={online} value={fromId ?? ""} onChange={setFrom} />
          <button type="button" className="btn btn-primary" disabled={pending.account} onClick={() => void query("account")}>
            {pending.account ? "Querying account…" : "Query account"}
          </button>
          <button type="button" className="btn" disabled={pending.domain} onClick={() => void query("domain")}>
            {pending.domain ? "Querying domain…" : "Query domain"}
          </button>
        </div>
      )}
      {error ? (
        <p className="callout callout-err" role="alert">
          {error}
        </p>
      ) : null}

      <div className={`callout${support === "advertised" ? " callout-ok" : support === "not-advertised" ? " callout-warn" : ""}`} role="status">
        <strong>Away extension: </strong>
        {awayToggleExplanation({ results })}
      </div>

      <DiscoResultView title={`Account (${profile.account.username}@${profile.domain})`} result={results.account} />
      <DiscoResultView title={`Domain (${profile.domain})`} result={results.domain} />
    </section>
  );
}

function DiscoResultView({ title, result }: { title: string; result: DiscoResult | null }) {
  return (
    <section className="section" aria-label={`${title} disco#info`}>
      <h3>{title}</h3>
      {!result ? (
        <p className="muted small">Not queried yet.</p>
      ) : result.outcome !== "result" ? (
        <p className="callout callout-err small" role="alert">
          {result.outcome === "timeout" ? "No answer (timeout)." : "Error."} {result.error ? describeError(result.error) : null}
        </p>
      ) : (
        <>
          <p className="small muted">
            {result.jid} at {formatTime(result.at)}
          </p>
          <ul className="feature-list" aria-label="Verdicts">
            <li className={result.supportsPush ? "feature-push" : undefined}>
              {result.supportsPush ? "✓ urn:xmpp:push:0 advertised: push notifications supported" : "✗ urn:xmpp:push:0 not advertised"}
            </li>
            <li className={result.supportsAway ? "feature-push" : undefined}>
              {result.supportsAway ? "✓ tigase:push:away:0 advertised: away toggle honoured" : "✗ tigase:push:away:0 not advertised"}
            </li>
          </ul>
          <h4 className="small">Identities</h4>
          {result.identities.length === 0 ? (
            <p className="small muted">None.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">category</th>
                  <th scope="col">type</th>
                  <th scope="col">name</th>
                </tr>
              </thead>
              <tbody>
                {result.identities.map((id, i) => (
                  <tr key={i}>
                    <td className="mono">{id.category}</td>
                    <td className="mono">{id.type}</td>
                    <td>{id.name ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h4 className="small">Features ({result.features.length})</h4>
          <ul className="feature-list" aria-label={`Features of ${result.jid}`}>
            {result.features.map((f) => (
              <li key={f.var} className={f.highlight ? "feature-push" : undefined}>
                <span>{f.var}</span>
                {f.highlight ? <span className="badge badge-push">{HIGHLIGHT_NOTES[f.highlight]}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
