/**
 * The enable linter's findings (src/protocol/stanzas/enable-lint.ts), under the enable form before
 * sending and in the XML console for enables seen on the wire. Every text is rendered as text;
 * each finding links its spec section and names the repository's document that says more.
 */
import { useMemo } from "react";
import { lintEnableForm, type EnableLintResult, type LintSeverity } from "../../../protocol/stanzas/enable-lint";
import type { LaneId } from "../../model";
import { usePlayground } from "../../playground-context";
import { useSessionsStore } from "../../stores/hooks";

const BADGES: Record<LintSeverity, string> = { error: "badge-err", warning: "badge-warn", info: "badge-info" };

/** The findings as a list, most severe first; each names its spec section or doc. */
export function EnableLintFindings({ result, label = "Enable check" }: { result: EnableLintResult; label?: string }) {
  const worst = result.findings[0]?.severity ?? "info";
  return (
    <div className={`callout ${worst === "error" ? "callout-err" : worst === "warning" ? "callout-warn" : ""} small`} role="group" aria-label={label}>
      <ul className="lint-findings" style={{ margin: 0, paddingLeft: 16 }}>
        {result.findings.map((f) => (
          <li key={`${f.code}:${f.message}`} data-code={f.code}>
            <span className={`badge ${BADGES[f.severity]}`}>{f.severity}</span> {f.message}{" "}
            <a href={f.ref.url} target="_blank" rel="noreferrer noopener">
              {f.ref.label}
            </a>
            {f.ref.doc ? <span className="muted"> ({f.ref.doc})</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface EnableLintProps {
  jid: string;
  node: string;
  away: boolean;
  publishOptions: readonly { var: string; value: string }[];
  /** The resource the enable will be sent from (Prosody refuses its own full JID as `jid`). */
  fromId: LaneId | undefined;
}

/** What the enable form will send, checked against XEP-0357 §6 and each policy, before sending. */
export function EnableLint({ jid, node, away, publishOptions, fromId }: EnableLintProps) {
  const playground = usePlayground();
  const senderFullJid = useSessionsStore((s) => (fromId ? (s.sessions[fromId]?.jid ?? undefined) : undefined));
  const sinkJid = playground.sinkJid();
  const result = useMemo(
    () => lintEnableForm({ jid, node, away, publishOptions }, { sinkJid, ...(senderFullJid ? { senderFullJid } : {}) }),
    [jid, node, away, publishOptions, sinkJid, senderFullJid],
  );
  return <EnableLintFindings result={result} label="Enable check before sending" />;
}
