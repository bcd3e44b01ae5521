/**
 * "Copy as Markdown" for an explanation card. Resource names, nodes, JIDs, bodies and even rule
 * ids come from the wire or a server's record, so every dynamic string is escaped: no HTML, no
 * links or emphasis, no table breakage, one line each.
 */
import { regLabel } from "../policy/common";
import type { Counterfactual, ExplanationCard, RegistrationState, ResourceState } from "./types";

const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * Escapes text for inline Markdown (CommonMark and GitHub's tables): HTML characters become
 * entities, line breaks become spaces, punctuation that could open emphasis, code, links,
 * strikethrough or a table cell is backslash-escaped, and so is a leading heading or list marker.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, " ")
    .replace(/[&<>"]/g, (c) => HTML[c] ?? c)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    // Block syntax only opens at the start of a line: a heading, quote, list item or numbered item.
    .replace(/^(\s*)([-+#=]|\d+(?=[.)]))/, (_m, space: string, lead: string) => `${space}${/\d/.test(lead) ? `${lead}\\` : `\\${lead}`}`);
}

const yesNo = (b: boolean) => (b ? "yes" : "no");
const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

function resourceRow(r: ResourceState, policy: ExplanationCard["policy"]): string {
  const presence = r.presence === null ? "none" : `${r.presence.show ?? "available"} (priority ${r.presence.priority})`;
  return row([
    `${escapeMarkdown(r.resource)}${r.decisive ? " **(decided)**" : ""}`,
    r.connection,
    yesNo(r.receiving),
    escapeMarkdown(presence),
    r.countsAs === r.standing ? r.standing : `${r.standing} (${policy} counts it ${r.countsAs})`,
    escapeMarkdown(r.enabled.map(regLabel).join(", ") || "–"),
  ]);
}

function publishText(reg: RegistrationState): string {
  const p = reg.publish;
  if (!p) return "";
  const o = p.outcome;
  const answer = o.kind === "error" ? `error type=${o.type} ${o.condition}` : o.kind === "timeout" ? "no reply by the timeout" : o.kind;
  return `; App Server: ${answer}${p.reaction ? `, registration ${p.reaction.action === "keep" ? "kept" : "removed"}` : ""}`;
}

function registrationRow(reg: RegistrationState): string {
  const outcome = `${reg.push ? "**pushed**" : "not pushed"}${reg.push && reg.delayMs ? ` after ${reg.delayMs} ms` : ""}`;
  return row([
    `${escapeMarkdown(reg.label)}${reg.decisive ? " **(decided)**" : ""}`,
    escapeMarkdown(reg.key.jid),
    reg.away ? "true" : "false",
    String(reg.errorCount),
    `${escapeMarkdown(reg.enabledByResource)} (${reg.enabler})`,
    `${outcome}: ${escapeMarkdown(reg.why.replace(/^(not )?pushed( after 1 s)?: /, ""))}${escapeMarkdown(publishText(reg))}`,
  ]);
}

function messageLine(card: ExplanationCard): string {
  const m = card.message;
  const kind = `${m.type} message ${m.hasBody ? "with a body" : "without a body"}${m.callPropose ? " (call proposal)" : ""}${m.delayedByOwnDomain ? " (delayed by own domain)" : ""}`;
  const to = m.to === "bare" ? `${card.account} (bare JID)` : `${card.account}/${m.to}`;
  const where = m.storedOffline ? "stored offline" : m.deliveredTo.length > 0 ? `delivered to ${m.deliveredTo.join(", ")}` : "not delivered";
  const body = m.bodyPreview !== undefined ? `; body: “${m.bodyPreview}”` : "";
  return `**Message:** ${escapeMarkdown(`${kind} from ${m.from} to ${to}, ${where}${body}`)}${m.decisive ? " **(decided)**" : ""}`;
}

/** The card as Markdown, with the counterfactuals when given (they are computed separately). */
export function explanationMarkdown(card: ExplanationCard, whatIf: readonly Counterfactual[] = []): string {
  const origin = card.source === "decision-record"
    ? `Decided by the reference server under the ${card.policy} policy`
    : `Predicted with the ${card.policy} policy (not the server's own record)`;
  const lines = [
    `### ${escapeMarkdown(card.headline)}`,
    "",
    `*${escapeMarkdown(origin)}${card.messageId !== undefined ? `, message ${escapeMarkdown(card.messageId)}` : ""}*`,
    "",
    `**Rule:** ${escapeMarkdown(card.rule.id)}: ${escapeMarkdown(card.rule.title)}  `,
    `**Reason:** ${escapeMarkdown(card.rule.reason)}  `,
    messageLine(card),
    "",
  ];
  if (card.resources.length === 0) lines.push(`No resource of ${escapeMarkdown(card.account)} was connected.`, "");
  else {
    lines.push(row(["Resource", "Connection", "Receiving", "Presence", "Standing", "Enabled"]), row(Array(6).fill("---")));
    lines.push(...card.resources.map((r) => resourceRow(r, card.policy)), "");
  }
  if (card.registrations.length === 0) lines.push("No push registration was in force.", "");
  else {
    lines.push(row(["Registration", "Service JID", "Away", "Errors", "Enabled by", "Outcome"]), row(Array(6).fill("---")));
    lines.push(...card.registrations.map(registrationRow), "");
  }
  for (const note of card.notes) lines.push(`> ${escapeMarkdown(note)}`, "");
  if (whatIf.length > 0) {
    lines.push("**What would have changed it**", "");
    lines.push(...whatIf.map((c) => `- ${escapeMarkdown(c.sentence)}`), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
