/**
 * A suite report as Markdown (for people: a results table, then each failure with its mismatches
 * and hint) and as JSON (for tools: the whole report, observations included unless left out).
 * Everything a server sent is escaped, so the Markdown never carries live HTML.
 */
import type { Verdict } from "../scenarios/judge";
import { describeIdentification } from "./identify";
import { serverLabel } from "./server-identity";
import type { ScenarioReport, SuiteReport } from "./types";

export interface JsonOptions {
  /** Include each scenario's full observation (stanzas, steps, timings). Default true. */
  observations?: boolean;
}

export function toJson(report: SuiteReport, options: JsonOptions = {}): string {
  const value =
    options.observations === false ? { ...report, scenarios: report.scenarios.map(({ observation: _observation, ...rest }) => rest) } : report;
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Text for a Markdown table cell or line: HTML-significant characters, pipes and newlines neutralised. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

/** `pass`, `**fail**`, `info`, `n/a`: a failure stands out in a rendered table. */
export function verdictCell(verdict: Verdict): string {
  return verdict === "fail" ? "**fail**" : verdict;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function describeCounts(report: Pick<SuiteReport, "summary">): string {
  const { counts, failedMust } = report.summary;
  const must = failedMust.length > 0 ? ` (MUST: ${failedMust.join(", ")})` : "";
  return `${counts.pass} pass, ${counts.fail} fail${must}, ${counts.info} info, ${counts["n/a"]} n/a`;
}

export function toMarkdown(report: SuiteReport): string {
  const e = escapeMarkdown;
  const lines: string[] = [];
  lines.push(`# XMPP push conformance: ${e(report.target.name)}`, "");
  lines.push(`- Service: \`${e(report.target.service)}\`, domain \`${e(report.target.domain)}\`, account \`${e(report.target.account)}\``);
  lines.push(`- Server: ${e(serverLabel(report.server))}${report.server.name ? ` (disco identity "${e(report.server.name)}")` : ""}`);
  const source = report.policySource === "disco" ? "named by the server's disco#info" : report.policySource === "option" ? "chosen" : "default";
  lines.push(`- Judged under policy \`${report.policy}\` (${source})${report.policyNote ? `: ${e(report.policyNote)}` : ""}`);
  lines.push(`- Run: ${report.startedAt}, ${formatDuration(report.durationMs)}`);
  if (report.fatal) {
    lines.push(`- **Could not run**: ${e(report.fatal)}`, "");
    return `${lines.join("\n")}\n`;
  }
  lines.push(`- Result: ${describeCounts(report)}`);
  lines.push(`- Observed behaviour: ${e(describeIdentification(report.identification))}`, "");

  // With runUnsupported, what the n/a scenarios showed when run anyway (judged as if advertised).
  const anyway = report.runUnsupported;
  lines.push(
    `| # | Scenario | Level | Verdict | Matches | Detail |${anyway ? " Run anyway |" : ""}`,
    `| --- | --- | --- | --- | --- | --- |${anyway ? " --- |" : ""}`,
  );
  for (const s of report.scenarios) {
    const ungated = anyway ? ` ${s.verdict === "n/a" && s.ungated ? `${s.ungated.verdict} (${s.ungated.matches.join(", ") || "no policy"})` : ""} |` : "";
    lines.push(`| ${s.id} | ${e(s.name)} | ${s.level} | ${verdictCell(s.verdict)} | ${s.matches.join(", ") || "–"} | ${e(s.detail)} |${ungated}`);
  }
  lines.push("");

  const notApplicable = report.scenarios.filter((s) => s.verdict === "n/a");
  if (notApplicable.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const s of notApplicable) byReason.set(s.detail, [...(byReason.get(s.detail) ?? []), s.id]);
    for (const [reason, ids] of byReason) lines.push(`Not applicable: ${ids.join(", ")}: ${e(reason)}.`);
    lines.push("");
  }

  const noteworthy = report.scenarios.filter((s) => s.verdict !== "n/a" && (s.hint !== null || s.mismatches.length > 0 || s.housekeeping.length > 0));
  if (noteworthy.length > 0) {
    lines.push("## Differences and hints", "");
    for (const s of noteworthy) lines.push(...scenarioSection(s), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function scenarioSection(s: ScenarioReport): string[] {
  const e = escapeMarkdown;
  const lines = [`### ${s.id} ${e(s.name)} (${s.level}): ${s.verdict}`, ""];
  if (s.mismatches.length > 0) for (const m of s.mismatches) lines.push(`- Differs: ${e(m)}`);
  else lines.push(`- ${e(s.detail)}`);
  if (s.hint) lines.push(`- Hint: ${e(s.hint)}`);
  for (const note of s.notes) lines.push(`- Seen: ${e(note)}`);
  for (const h of s.housekeeping) lines.push(`- Housekeeping: ${e(h)}`);
  return lines;
}

/** One progress line per finished scenario: `[ 3/25] C3   Enable without jid       SHOULD  pass  (0.4 s)`. */
export function progressLine(report: ScenarioReport, index: number, total: number): string {
  const width = String(total).length;
  const position = `[${String(index + 1).padStart(width)}/${total}]`;
  const head = `${position} ${report.id.padEnd(4)} ${report.name.padEnd(32)} ${report.level.padEnd(6)} ${report.verdict.toUpperCase().padEnd(4)} (${formatDuration(report.durationMs)})`;
  const detail = report.verdict === "pass" ? [] : [`      ${report.detail}`];
  if (report.verdict === "n/a" && report.ungated) detail.push(`      run anyway: ${report.ungated.verdict} (behaves like ${report.ungated.matches.join(", ") || "no policy"})`);
  const hint = report.hint ? [`      hint: ${report.hint}`] : [];
  const notes = report.housekeeping.map((h) => `      note: ${h}`);
  return [head, ...detail, ...hint, ...notes].join("\n");
}
