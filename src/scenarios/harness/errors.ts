/** How the harness fails a step, and how it reads the errors xmpp.js throws. */
import type { StanzaErrorSpec } from "../../protocol/policy/types";

/** A step could not do what it was asked (as opposed to a server answering with a stanza error). */
export class HarnessStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HarnessStepError";
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && typeof (error as { name?: unknown }).name === "string"
    ? (error as { name: string }).name
    : undefined;
}

/** The condition of an xmpp.js `StanzaError` (an iq answered with `type='error'`), null for anything else. */
export function stanzaErrorOf(error: unknown): StanzaErrorSpec | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { name?: unknown; condition?: unknown; type?: unknown; text?: unknown };
  if (e.name !== "StanzaError" || typeof e.condition !== "string") return null;
  const types: StanzaErrorSpec["type"][] = ["cancel", "modify", "auth", "wait", "continue"];
  const spec: StanzaErrorSpec = { type: types.find((t) => t === e.type) ?? "cancel", condition: e.condition };
  if (typeof e.text === "string" && e.text !== "") spec.text = e.text;
  return spec;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HarnessStepError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
