/** Wording and small helpers shared by the services' timeline summaries. */
import type { Element } from "@xmpp/xml";
import { classifyFeature } from "../../protocol/stanzas/disco";
import type { FeatureHighlight, PresenceChoice } from "../model";

export function serialize(...elements: (Element | null | undefined)[]): string {
  return elements.filter((e): e is Element => !!e).map((e) => e.toString()).join("\n");
}

export function randomNode(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return `n-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function quoteBody(body: string | undefined, max = 60): string {
  if (body === undefined) return "";
  const flat = body.replace(/\s+/g, " ");
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

export function presenceWords(choice: PresenceChoice, priority: number, status: string | undefined): string {
  const base = choice === "unavailable" ? "unavailable" : choice === "available" ? "available" : `available, show ${choice}`;
  return `${base}${choice !== "unavailable" ? `, priority ${priority}` : ""}${status ? `, status ${quoteBody(status, 40)}` : ""}`;
}

export function highlightOf(feature: string): FeatureHighlight {
  const cls = classifyFeature(feature);
  return cls === "other" ? null : cls;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function resumedSummary(who: string, redelivered: number, resent: number): string {
  const server = `${redelivered} delayed message${redelivered === 1 ? "" : "s"} redelivered`;
  const ours = resent > 0 ? `, ${resent} of its own unacknowledged stanza${resent === 1 ? "" : "s"} re-sent` : "";
  return `${who}: session resumed (XEP-0198): ${server}${ours}`;
}
