import type { AppServerOutcome } from "../../../protocol/policy/types";
import type { ConnectionStatus, PlaygroundError, PresenceChoice, TimelineKind } from "../../model";
import type { Tone } from "./StatusDot";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Wall-clock time with milliseconds: events that matter are often a few ms apart. */
export function formatTime(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDateTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(at)}`;
}

/** A filesystem-safe local timestamp for export file names. */
export function fileStamp(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

export const KIND_LABELS: Record<TimelineKind, string> = {
  connection: "connection",
  error: "error",
  presence: "presence",
  disco: "disco",
  enable: "enable",
  disable: "disable",
  "message-sent": "message sent",
  "message-received": "received",
  push: "push",
  "sink-answer": "sink answer",
  "remote-disable": "remote disable",
  "raw-send": "raw send",
  decision: "decision",
};

export const KIND_TONES: Record<TimelineKind, Tone> = {
  connection: "info",
  error: "err",
  presence: "idle",
  disco: "info",
  enable: "ok",
  disable: "warn",
  "message-sent": "info",
  "message-received": "ok",
  push: "push",
  "sink-answer": "push",
  "remote-disable": "warn",
  "raw-send": "idle",
  decision: "idle",
};

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  offline: "offline",
  connecting: "connecting…",
  online: "connected",
  disconnecting: "disconnecting…",
  failed: "failed",
};

export const STATUS_TONES: Record<ConnectionStatus, Tone> = {
  offline: "idle",
  connecting: "info",
  online: "ok",
  disconnecting: "info",
  failed: "err",
};

export const PRESENCE_LABELS: Record<PresenceChoice, string> = {
  available: "available",
  chat: "chat",
  away: "away",
  xa: "xa (extended away)",
  dnd: "dnd (do not disturb)",
  unavailable: "unavailable",
};

export function describeAnswer(answer: AppServerOutcome | null | undefined): string {
  if (!answer) return "not answered yet";
  switch (answer.kind) {
    case "result":
      return "result";
    case "error":
      return `error ${answer.type}/${answer.condition}`;
    case "timeout":
      return "no answer (timeout)";
  }
}

/** "code: message [condition] text" in one line, for tables and rows. */
export function describeError(error: PlaygroundError): string {
  const parts = [error.message];
  if (error.condition) parts.push(`condition: ${error.type ? `${error.type}/` : ""}${error.condition}`);
  if (error.text) parts.push(`text: ${error.text}`);
  return parts.join(" · ");
}
