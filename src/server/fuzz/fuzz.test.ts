/**
 * Short seeded fuzz runs over WebSocket and TCP (CI's share of issue 13's fuzzing): no crash, no hang, every
 * input answered as its generator allows, healthy sessions keep exchanging messages and pushes, no
 * socket left behind and memory bounded. `npm run fuzz` runs the long version.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isStreamErrorCondition } from "../../protocol/stanzas/errors";
import { fuzzCase } from "./cases";
import { combine, HARMLESS, HARMLESS_OR, ONLY_STREAM_ERROR, type FuzzCase } from "./fuzz-case";
import { judge } from "./oracle";
import { formatReport } from "./report";
import { mapConcurrently, passed, runFuzz } from "./runner";

const SEED = 20261206;
const INPUTS = 300;
const RSS_BOUND = 1024 * 1024 * 1024;

describe("stream fuzzing (seeded)", () => {
  it(`${INPUTS} generated inputs: no crash, hang, wrong answer, healthy-session loss or leaked socket`, async () => {
    const report = await runFuzz({ inputs: INPUTS, seed: SEED, concurrency: 32, deadlineMs: 8_000 });
    const text = formatReport(report, `seed ${SEED}`);
    expect(report.inputs, text).toBe(INPUTS);
    expect(report.crashes, text).toBe(0);
    expect(report.hangs, text).toBe(0);
    expect(report.wrong, text).toBe(0);
    expect(report.healthy.losses, text).toBe(0);
    expect(report.healthy.rounds, text).toBeGreaterThan(1);
    expect(report.leakedConnections, text).toBe(0);
    expect(report.peakRssBytes, text).toBeLessThan(RSS_BOUND);
    expect(passed(report)).toBe(true);
    // The run exercised each kind of answer, not just one.
    const labels = Object.keys(report.outcomes);
    expect(labels).toContain("accept");
    expect(labels.some((l) => l.startsWith("stanza-error:"))).toBe(true);
    expect(labels.filter((l) => l.startsWith("stream-error:")).length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});

describe("stream fuzzing over TCP (seeded)", () => {
  it("150 generated inputs after STARTTLS, cut into writes anywhere: the same properties as over WebSocket", async () => {
    const report = await runFuzz({ inputs: 150, seed: SEED, transport: "tcp", concurrency: 16, deadlineMs: 8_000 });
    const text = formatReport(report, `tcp, seed ${SEED}`);
    expect(report.inputs, text).toBe(150);
    expect(passed(report), text).toBe(true);
    expect(report.healthy.rounds, text).toBeGreaterThan(1);
    expect(report.kinds["frame/fragmented-write"], text).toBeGreaterThan(0);
    // Each connection made its own STARTTLS handshake; past the first they resume a session ticket.
    expect(report.tls?.handshakes, text).toBeGreaterThan(report.inputs / 2);
    expect(report.tls?.resumed, text).toBeGreaterThan(0);
    const labels = Object.keys(report.outcomes);
    expect(labels).toContain("accept");
    expect(labels.filter((l) => l.startsWith("stream-error:")).length, text).toBeGreaterThanOrEqual(5);
  }, 60_000);
});

describe("generated cases", () => {
  const sample = fc.sample(fuzzCase, { seed: SEED, numRuns: 2000 });

  it("are reproducible from the seed", () => {
    expect(fc.sample(fuzzCase, { seed: SEED, numRuns: 50 }).map((c) => c.kind)).toEqual(sample.slice(0, 50).map((c) => c.kind));
  });

  it("each allow at least one answer, and only RFC 6120 stream error conditions", () => {
    for (const c of sample) {
      expect(c.allowed.accept || c.allowed.stanzaError || c.allowed.streamErrors.length > 0, c.kind).toBe(true);
      for (const condition of c.allowed.streamErrors) expect(isStreamErrorCondition(condition), condition).toBe(true);
    }
  });

  it("cover every phase and the hostile families the issue names", () => {
    const kinds = new Set(sample.map((c) => c.kind));
    expect(new Set(sample.map((c) => c.phase))).toEqual(new Set(["none", "opened", "bound"]));
    for (const kind of ["frame/split-frame", "frame/merged-frames", "frame/invalid-utf8", "frame/binary-frame", "xml/restricted", "stanza/deep-nesting", "stanza/huge-attr", "stanza/from-spoofed", "stanza/namespace", "opened/before-auth", "none/before-open", "open/mutated", "stanza/valid"]) {
      expect(kinds, kind).toContain(kind);
    }
  });
});

describe("mapConcurrently", () => {
  it("keeps at most `limit` calls in flight, starts the next as one ends, and returns results in input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const run = mapConcurrently([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      return n * 10;
    });
    // Release in reverse of arrival whenever calls wait, so later items finish first.
    while (releases.length > 0 || inFlight > 0) {
      await Promise.resolve();
      releases.pop()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await run).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});

describe("combining faults", () => {
  it("a fault that always ends the stream makes the whole case end it", () => {
    expect(combine(HARMLESS, ONLY_STREAM_ERROR("invalid-from"))).toEqual({ streamErrors: ["invalid-from"], stanzaError: false, accept: false });
  });

  it("two maybe-fatal faults allow either error or passing", () => {
    expect(combine(HARMLESS_OR("a"), HARMLESS_OR("b"))).toEqual({ streamErrors: ["a", "b"], stanzaError: true, accept: true });
  });
});

describe("judge", () => {
  const c = (allowed: FuzzCase["allowed"]): FuzzCase => ({ kind: "t", phase: "bound", frames: [], allowed });

  it("accepts only the outcomes the case allows", () => {
    expect(judge({ kind: "stream-error", condition: "invalid-from" }, c(ONLY_STREAM_ERROR("invalid-from")))).toBeNull();
    expect(judge({ kind: "stream-error", condition: "not-well-formed" }, c(ONLY_STREAM_ERROR("invalid-from")))).toMatch(/not-well-formed/);
    expect(judge({ kind: "accept" }, c(ONLY_STREAM_ERROR("invalid-from")))).toMatch(/accepted/);
    expect(judge({ kind: "stanza-error", condition: "bad-request" }, c(HARMLESS))).toBeNull();
    expect(judge({ kind: "stanza-error", condition: "bad-request" }, c({ ...HARMLESS, stanzaError: false }))).toMatch(/stanza error/);
  });

  it("never accepts a hang or a broken close", () => {
    expect(judge({ kind: "hang", detail: "no answer" }, c(HARMLESS))).toBe("no answer");
    expect(judge({ kind: "broken", detail: "closed without a stream error" }, c(HARMLESS))).toMatch(/closed/);
  });
});
