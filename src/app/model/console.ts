/** Raw frames as the console shows them. */
import type { StanzaKind } from "../../protocol/frame-text";
import type { LaneId } from "./lanes";

/** Coarse kind of a raw frame, for the console's filter (`stanzaKind` in xml-format.ts). */
export type FrameKind = StanzaKind;
export const FRAME_KINDS: readonly FrameKind[] = ["message", "presence", "iq", "sm", "sasl", "stream", "other"];

export interface ConsoleFrame {
  id: string;
  at: number;
  lane: LaneId;
  direction: "in" | "out";
  kind: FrameKind;
  /** Raw text as on the wire, SASL credentials masked. */
  text: string;
}
