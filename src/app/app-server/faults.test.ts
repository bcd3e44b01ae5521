/** Faults on top of a profile: deterministic with a seeded RNG, per node or for all. */
import { describe, expect, it } from "vitest";
import { decideAppServer, type AppServerConfig } from "./decide";
import { DEFAULT_FAULTS, describeFaults, latencyOf, NO_FAULTS, type FaultSettings } from "./faults";
import { nextRandom } from "./rng";
import { DEFAULT_PROFILE_SETTINGS, initialAppServerState, type AppServerState, type PublishInput } from "./types";

const input = (node = "n1", patch: Partial<PublishInput> = {}): PublishInput => ({ node, options: {}, summary: { otherFields: [] }, from: "localhost", extraChildren: [], ...patch });
const config = (faults: Partial<FaultSettings> = {}, patch: Partial<AppServerConfig> = {}): AppServerConfig => ({
  profile: "generic",
  settings: DEFAULT_PROFILE_SETTINGS,
  faults: { all: { ...NO_FAULTS, ...faults }, byNode: {} },
  genericMode: { kind: "result" },
  ...patch,
});

/** Run publishes at the given times, threading the state. */
function run(c: AppServerConfig, times: number[], node = "n1", state: AppServerState = initialAppServerState(7)) {
  const out = [];
  for (const t of times) {
    const step = decideAppServer(input(node), c, state, t);
    state = step.state;
    out.push(step.decision);
  }
  return { decisions: out, state };
}

describe("the seeded RNG", () => {
  it("is deterministic and in [0, 1)", () => {
    const a = nextRandom(42);
    expect(nextRandom(42)).toEqual(a);
    expect(a.value).toBeGreaterThanOrEqual(0);
    expect(a.value).toBeLessThan(1);
    expect(nextRandom(a.state).value).not.toBe(a.value);
  });
});

describe("latency", () => {
  it("is fixed, or random within its bounds and the same for the same seed", () => {
    expect(latencyOf({ kind: "none" }, () => 0.5)).toBe(0);
    expect(latencyOf({ kind: "fixed", ms: 250 }, () => 0.5)).toBe(250);
    expect(latencyOf({ kind: "random", minMs: 100, maxMs: 300 }, () => 0.5)).toBe(200);
    const random = config({ latency: { kind: "random", minMs: 100, maxMs: 300 } });
    const first = run(random, [0, 2000, 4000]).decisions.map((d) => d.delayMs);
    expect(run(random, [0, 2000, 4000]).decisions.map((d) => d.delayMs)).toEqual(first);
    for (const ms of first) expect(ms >= 100 && ms <= 300).toBe(true);
  });
});

describe("forced answers", () => {
  it("no reply overrides the profile", () => {
    expect(run(config({ answer: { kind: "no-reply" } }), [0]).decisions[0]).toMatchObject({ outcome: { kind: "timeout" }, note: "fault: no reply" });
  });
  it("an error of any type and condition overrides the profile", () => {
    expect(run(config({ answer: { kind: "error", type: "continue", condition: "undefined-condition" } }), [0]).decisions[0]!.outcome).toEqual({ kind: "error", type: "continue", condition: "undefined-condition" });
  });
});

describe("error probability", () => {
  it("answers the error on about p of the publishes, the same ones for the same seed", () => {
    const c = config({ errorProbability: { p: 0.5, type: "wait", condition: "internal-server-error" } });
    const times = Array.from({ length: 200 }, (_, i) => i * 2000);
    const errors = run(c, times).decisions.filter((d) => d.outcome.kind === "error").length;
    expect(errors).toBeGreaterThan(60);
    expect(errors).toBeLessThan(140);
    expect(run(c, times).decisions.map((d) => d.outcome.kind)).toEqual(run(c, times).decisions.map((d) => d.outcome.kind));
    expect(run(config({ errorProbability: { p: 1, type: "auth", condition: "forbidden" } }), [0]).decisions[0]!.outcome).toEqual({ kind: "error", type: "auth", condition: "forbidden" });
  });
});

describe("rate limit", () => {
  it("answers the profile's rate-limit answer past N per second, and recovers after a second", () => {
    const kinds = run(config({ rateLimitPerSecond: 2 }), [0, 100, 200, 1150]).decisions.map((d) => d.outcome);
    expect(kinds).toEqual([{ kind: "result" }, { kind: "result" }, { kind: "error", type: "wait", condition: "resource-constraint" }, { kind: "result" }]);
  });
  it("is an ack under fpush (the push is dropped), and wait under mod_push_appserver's own 5/s", () => {
    const fpush = run(config({ rateLimitPerSecond: 1 }, { profile: "fpush" }), [0, 10]).decisions;
    expect(fpush[1]).toMatchObject({ outcome: { kind: "result" }, provider: "dropped" });
    const mod = run(config({}, { profile: "mod_push_appserver" }), [0, 1, 2, 3, 4, 5]).decisions;
    expect(mod.slice(0, 5).every((d) => d.outcome.kind === "result")).toBe(true);
    expect(mod[5]!.outcome).toEqual({ kind: "error", type: "wait", condition: "resource-constraint" });
  });
  it("counts per node", () => {
    const c = config({ rateLimitPerSecond: 1 });
    const first = run(c, [0], "a");
    expect(run(c, [10], "b", first.state).decisions[0]!.outcome).toEqual({ kind: "result" });
    expect(run(c, [10], "a", first.state).decisions[0]!.outcome.kind).toBe("error");
  });
});

describe("provider outcome", () => {
  it("is recorded with an accepted publish only", () => {
    expect(run(config({ providerOutcome: "delivered" }), [0]).decisions[0]!.provider).toBe("delivered");
    expect(run(config({ providerOutcome: "dropped", answer: { kind: "error", type: "cancel", condition: "gone" } }), [0]).decisions[0]!.provider).toBeNull();
    expect(run(config(), [0]).decisions[0]!.provider).toBeNull();
  });
  it("an expired token makes fpush block it for the next publish", () => {
    const c = config({ providerOutcome: "token-expired" }, { profile: "fpush" });
    const { decisions } = run(c, [0, 2000]);
    expect(decisions[0]).toMatchObject({ outcome: { kind: "result" }, provider: "token-expired" });
    expect(decisions[1]!.outcome).toEqual({ kind: "error", type: "cancel", condition: "policy-violation" });
  });
});

describe("per node settings", () => {
  it("apply to their node only", () => {
    const c: AppServerConfig = { ...config(), faults: { ...DEFAULT_FAULTS, byNode: { bad: { ...NO_FAULTS, answer: { kind: "no-reply" } } } } };
    expect(run(c, [0], "bad").decisions[0]!.outcome).toEqual({ kind: "timeout" });
    expect(run(c, [0], "good").decisions[0]!.outcome).toEqual({ kind: "result" });
  });
  it("are described in a few words", () => {
    expect(describeFaults(NO_FAULTS)).toBe("no faults");
    expect(describeFaults({ ...NO_FAULTS, latency: { kind: "fixed", ms: 50 }, rateLimitPerSecond: 3, providerOutcome: "dropped" })).toBe("latency 50 ms, 3/s, provider: dropped");
  });
});
