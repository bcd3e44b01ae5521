/** The fuzz report as text, for the CLI and for test failure messages. */
import type { FuzzReport } from "./runner";

const sorted = (counts: Record<string, number>): [string, number][] => Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export function formatReport(r: FuzzReport, header: string): string {
  const rate = r.seconds > 0 ? (r.inputs / r.seconds).toFixed(1) : "-";
  const group = (prefix: string) => sorted(r.outcomes).filter(([k]) => k.startsWith(prefix));
  const lines = [
    header,
    `inputs            ${r.inputs} in ${r.seconds.toFixed(1)} s (${rate} inputs/s)`,
    `crashes           ${r.crashes}`,
    `hangs             ${r.hangs}`,
    `wrong answers     ${r.wrong}`,
    `healthy sessions  ${r.healthy.rounds} rounds, ${r.healthy.losses} losses${r.healthy.firstLoss ? ` (first: ${r.healthy.firstLoss.split("\n")[0]})` : ""}`,
    `leaked sockets    ${r.leakedConnections}`,
    `peak RSS          ${(r.peakRssBytes / 1024 / 1024).toFixed(1)} MiB`,
    ...(r.tls ? [`TLS handshakes    ${r.tls.handshakes} (${r.tls.resumed} resumed a session)`] : []),
    `accepts           ${r.outcomes.accept ?? 0}`,
    "stream errors:",
    ...group("stream-error:").map(([k, n]) => `  ${k.slice("stream-error:".length).padEnd(28)} ${n}`),
    "stanza errors:",
    ...group("stanza-error:").map(([k, n]) => `  ${k.slice("stanza-error:".length).padEnd(28)} ${n}`),
    "SASL failures:",
    ...group("sasl-failure:").map(([k, n]) => `  ${k.slice("sasl-failure:".length).padEnd(28)} ${n}`),
    "inputs by generator:",
    ...sorted(r.kinds).map(([k, n]) => `  ${k.padEnd(40)} ${n}`),
  ];
  if (r.violations.length > 0) {
    lines.push(`violations (first ${r.violations.length}):`);
    for (const v of r.violations) lines.push(`  [${v.kind}] ${v.detail}\n    input: ${v.input}`);
  }
  if (r.counterexample) lines.push("shrunk counterexample:", r.counterexample);
  return lines.join("\n");
}
