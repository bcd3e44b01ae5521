/**
 * Sends one case and reads what the server does with it: after the case's frames comes a probe the
 * server answers only on a stream that is still up (a ping when bound, a good SASL PLAIN before),
 * so "accepted" is observed, not assumed. The outcome is then judged against the case's Allowed.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { isStreamErrorCondition } from "../../protocol/stanzas/errors";
import { parseElement, streamErrorOf } from "../test-support/raw-socket";
import type { FuzzCase } from "./fuzz-case";
import { sendFrame, type FuzzConnection, type FuzzFrame, type Phase } from "./transport";

export const PROBE_USER = "fzprobe";
export const PROBE_PASSWORD = "pass";
const PROBE_ID = "fz_probe";

export type Outcome =
  | { kind: "stream-error"; condition: string }
  | { kind: "stanza-error"; condition: string }
  | { kind: "accept" }
  | { kind: "hang"; detail: string }
  | { kind: "broken"; detail: string };

function probeFor(phase: Phase): { frame: string; answers: (el: Element) => boolean } {
  if (phase === "bound") {
    return {
      frame: `<iq xmlns='${NS.client}' type='get' id='${PROBE_ID}' to='localhost'><ping xmlns='${NS.ping}'/></iq>`,
      answers: (el) => el.is("iq") && el.attrs.id === PROBE_ID && el.attrs.type === "result",
    };
  }
  const creds = Buffer.from(`\0${PROBE_USER}\0${PROBE_PASSWORD}`, "utf8").toString("base64");
  return { frame: `<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${creds}</auth>`, answers: (el) => el.is("success", NS.sasl) };
}

/** The error condition a stanza error reply or SASL failure carries, or null. */
function errorAnswer(el: Element): string | null {
  if (el.is("failure", NS.sasl)) return `sasl:${el.getChildElements()[0]?.getName() ?? "?"}`;
  if (el.attrs.type !== "error" || !["message", "presence", "iq"].includes(el.name)) return null;
  const cond = el.getChild("error")?.getChildElements().find((c) => c.getNS() === NS.stanzaErrors);
  return cond?.getName() ?? "?";
}

function substitute(frame: FuzzFrame, jid: { full: string; bare: string }): FuzzFrame {
  if (!("text" in frame)) return frame;
  return { text: frame.text.replaceAll("%ME%", jid.full).replaceAll("%BARE%", jid.bare) };
}

/** Everything the server sends next, until it closes, the probe is answered or the deadline passes. */
async function readUntilSettled(conn: FuzzConnection, answers: (el: Element) => boolean, deadline: number): Promise<{ elements: Element[]; probed: boolean; timedOut: boolean; unparsable?: string }> {
  const elements: Element[] = [];
  for (;;) {
    let frame: Element;
    try {
      frame = await conn.nextElement(Math.max(1, deadline - Date.now()));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (conn.isClosed()) return { elements, probed: false, timedOut: false };
      if (message.startsWith("server sent an unparsable frame")) return { elements, probed: false, timedOut: false, unparsable: message };
      return { elements, probed: false, timedOut: true };
    }
    elements.push(frame);
    if (answers(frame)) return { elements, probed: true, timedOut: false };
  }
}

/**
 * Ids of the iq requests (get/set) in well-formed frames: RFC 6120 §8.2.3 wants a reply to each.
 * None of the fuzzer's addresses is another live session, so the server itself owes the reply.
 */
function iqRequestIds(frames: FuzzFrame[]): Set<string> {
  const ids = new Set<string>();
  for (const frame of frames) {
    if (!("text" in frame)) continue;
    let el: Element;
    try {
      el = parseElement(frame.text);
    } catch {
      continue;
    }
    const id = el.attrs.id as string | undefined;
    if (el.is("iq", NS.client) && id && (el.attrs.type === "get" || el.attrs.type === "set")) ids.add(id);
  }
  return ids;
}

/** Reads on (until the deadline) for replies to iq requests the probe overtook. */
async function awaitIqReplies(conn: FuzzConnection, elements: Element[], ids: Set<string>, deadline: number): Promise<string[]> {
  const answered = (el: Element): boolean => el.is("iq") && (el.attrs.type === "result" || el.attrs.type === "error") && ids.delete(el.attrs.id as string);
  elements.forEach(answered);
  while (ids.size > 0) {
    try {
      const el = await conn.nextElement(Math.max(1, deadline - Date.now()));
      elements.push(el);
      answered(el);
    } catch {
      break;
    }
  }
  return [...ids];
}

export async function observe(conn: FuzzConnection, c: FuzzCase, jid: { full: string; bare: string }, deadlineMs: number): Promise<Outcome> {
  const deadline = Date.now() + deadlineMs;
  const firstFrame = conn.frames.length;
  const probe = probeFor(c.phase);
  const frames = c.frames.map((f) => substitute(f, jid));
  for (const frame of frames) sendFrame(conn, frame);
  sendFrame(conn, { text: probe.frame });
  const read = await readUntilSettled(conn, probe.answers, deadline);
  if (read.unparsable) return { kind: "broken", detail: read.unparsable };

  const streamError = read.elements.find((el) => el.is("error", NS.streams));
  if (streamError) return judgeStreamError(conn, streamError, c.phase, firstFrame, deadline);
  if (read.probed) {
    const unanswered = c.phase === "bound" ? await awaitIqReplies(conn, read.elements, iqRequestIds(frames), deadline) : [];
    if (unanswered.length > 0) return { kind: "hang", detail: `no reply to iq ${unanswered.join(", ")} within ${deadlineMs} ms` };
    const error = read.elements.map(errorAnswer).find((e) => e !== null);
    return error ? { kind: "stanza-error", condition: error } : { kind: "accept" };
  }
  if (read.timedOut) return { kind: "hang", detail: `no answer to the probe within ${deadlineMs} ms` };
  return { kind: "broken", detail: `closed (${(await conn.closed).code}) without a stream error` };
}

/** RFC 6120 §4.9 + RFC 7395 §3.6: a known condition with text, then `<close/>`, then the socket closes (1000). */
async function judgeStreamError(conn: FuzzConnection, el: Element, phase: Phase, firstFrame: number, deadline: number): Promise<Outcome> {
  const info = streamErrorOf(el);
  const condition = info?.condition ?? "";
  if (!isStreamErrorCondition(condition)) return { kind: "broken", detail: `stream error with condition '${condition}'` };
  if (!info?.text) return { kind: "broken", detail: `stream error ${condition} without text` };
  if (phase === "none" && !parseElement(conn.frames[firstFrame] ?? "<x/>").is("open", NS.framing)) {
    return { kind: "broken", detail: `stream error ${condition} before the <open/> answer` };
  }
  const closed = await Promise.race([conn.closed, new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
  if (!closed) {
    conn.close();
    return { kind: "hang", detail: `stream error ${condition} but the socket stayed open` };
  }
  const closeFrame = conn.frames.slice(firstFrame).some((f) => f.includes(`<close`) && parseElement(f).is("close", NS.framing));
  if (!closeFrame) return { kind: "broken", detail: `stream error ${condition} without <close/>` };
  if (closed.code !== 1000) return { kind: "broken", detail: `stream error ${condition}, socket closed with ${closed.code}` };
  return { kind: "stream-error", condition };
}

/** Whether the outcome is one the case allows; the reason when not. */
export function judge(outcome: Outcome, c: FuzzCase): string | null {
  switch (outcome.kind) {
    case "hang":
    case "broken":
      return outcome.detail;
    case "stream-error":
      return c.allowed.streamErrors.includes(outcome.condition) ? null : `stream error ${outcome.condition}, allowed: ${describeAllowed(c)}`;
    case "stanza-error":
      return c.allowed.stanzaError ? null : `stanza error ${outcome.condition}, allowed: ${describeAllowed(c)}`;
    case "accept":
      return c.allowed.accept ? null : `accepted, allowed: ${describeAllowed(c)}`;
  }
}

function describeAllowed(c: FuzzCase): string {
  const parts = c.allowed.streamErrors.map((s) => `stream:${s}`);
  if (c.allowed.stanzaError) parts.push("stanza error");
  if (c.allowed.accept) parts.push("accept");
  return parts.join(" | ") || "nothing";
}

export function outcomeLabel(o: Outcome): string {
  if (o.kind === "stream-error") return `stream-error:${o.condition}`;
  if (o.kind === "stanza-error") return o.condition.startsWith("sasl:") ? `sasl-failure:${o.condition.slice(5)}` : `stanza-error:${o.condition}`;
  return o.kind;
}
