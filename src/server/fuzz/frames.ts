/**
 * Frame-level faults over a list of serialized frames: RFC 7395 §3.3.3 wants one complete element
 * per text frame in UTF-8, so split and merged frames are not-well-formed and bytes that are not
 * UTF-8 (or a binary frame) are unsupported-encoding.
 *
 * Over TCP (RFC 6120) there are no frames, only writes: a split or merged write must change
 * nothing (the server finds element boundaries itself), and bytes that are not UTF-8 are still
 * unsupported-encoding. `tcpWriteFault` checks exactly that.
 */
import fc from "fast-check";
import { HARMLESS, ONLY_STREAM_ERROR, type Allowed } from "./fuzz-case";
import type { FuzzFrame } from "./transport";

export interface FramedFault {
  frames: FuzzFrame[];
  allowed: Allowed;
  label: string;
}

type FrameFault = fc.Arbitrary<(frames: readonly string[]) => FramedFault>;

/** Byte sequences no UTF-8 decoder accepts, including a CESU-8 lone surrogate and an overlong NUL. */
export const INVALID_UTF8: readonly number[][] = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];

const asText = (frames: readonly string[]): FuzzFrame[] => frames.map((text) => ({ text }));

const none: FrameFault = fc.constant((frames) => ({ frames: asText(frames), allowed: HARMLESS, label: "" }));

const split: FrameFault = fc.tuple(fc.nat(), fc.double({ min: 0.05, max: 0.95, noNaN: true })).map(([which, at]) => (frames) => {
  const i = which % frames.length;
  const f = frames[i] ?? "";
  const cut = Math.max(1, Math.min(f.length - 1, Math.floor(f.length * at)));
  const out = [...frames.slice(0, i), f.slice(0, cut), f.slice(cut), ...frames.slice(i + 1)];
  return { frames: asText(out), allowed: ONLY_STREAM_ERROR("not-well-formed"), label: "split-frame" };
});

const merged: FrameFault = fc.nat().map((which) => (frames) => {
  const i = which % frames.length;
  const f = frames[i] ?? "";
  const out = [...frames.slice(0, i), f + (frames[i + 1] ?? f), ...frames.slice(i + 2)];
  return { frames: asText(out), allowed: ONLY_STREAM_ERROR("not-well-formed"), label: "merged-frames" };
});

const badUtf8: FrameFault = fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8), fc.double({ min: 0, max: 1, noNaN: true })).map(([which, bytes, at]) => (frames) => {
  const i = which % frames.length;
  const buf = Buffer.from(frames[i] ?? "", "utf8");
  const cut = Math.floor(buf.length * at);
  const corrupted: FuzzFrame = { bytes: Buffer.concat([buf.subarray(0, cut), Buffer.from(bytes), buf.subarray(cut)]), binary: false };
  return { frames: [...asText(frames.slice(0, i)), corrupted, ...asText(frames.slice(i + 1))], allowed: ONLY_STREAM_ERROR("unsupported-encoding"), label: "invalid-utf8" };
});

const binary: FrameFault = fc.nat().map((which) => (frames) => {
  const i = which % frames.length;
  const out: FuzzFrame[] = frames.map((text, j) => (j === i ? { bytes: Buffer.from(text, "utf8"), binary: true } : { text }));
  return { frames: out, allowed: ONLY_STREAM_ERROR("unsupported-encoding"), label: "binary-frame" };
});

export const frameFault: FrameFault = fc.oneof(
  { weight: 16, arbitrary: none },
  { weight: 1, arbitrary: split },
  { weight: 1, arbitrary: merged },
  { weight: 1, arbitrary: badUtf8 },
  { weight: 1, arbitrary: binary },
);

/** The same cuts as writes on a TCP stream: they must not change the answer to the elements they carry. */
const fragmented: FrameFault = split.map((f) => (frames) => ({ ...f(frames), allowed: HARMLESS, label: "fragmented-write" }));
const coalesced: FrameFault = fc.nat().map((which) => (frames) => {
  const i = which % frames.length;
  if (i + 1 >= frames.length) return { frames: asText(frames), allowed: HARMLESS, label: "" };
  const out = [...frames.slice(0, i), (frames[i] ?? "") + (frames[i + 1] ?? ""), ...frames.slice(i + 2)];
  return { frames: asText(out), allowed: HARMLESS, label: "coalesced-write" };
});

export const tcpWriteFault: FrameFault = fc.oneof(
  { weight: 16, arbitrary: none },
  { weight: 2, arbitrary: fragmented },
  { weight: 1, arbitrary: coalesced },
  { weight: 1, arbitrary: badUtf8 },
);
