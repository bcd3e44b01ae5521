// The reference server's emulation against itself: two fresh accounts on the same host run the
// same generated sequences and must agree on every step.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCampaign } from "./campaign";
import { startEmulation } from "./emulation";
import type { Emulation } from "./emulation";
import { emulationTarget } from "./targets";

let emulation: Emulation;

beforeAll(async () => {
  emulation = await startEmulation("prosody.localhost");
});

afterAll(async () => {
  await emulation?.close();
});

describe("differential run of the reference server against itself", () => {
  it("agrees on every sequence", async () => {
    const other = emulationTarget(emulation.url, "prosody.localhost");
    const seen: number[] = [];
    const result = await runCampaign({
      left: emulation.target,
      right: other,
      sequences: 4,
      seed: 3,
      shrinkTimeMs: 0,
      onSequence: (_index, run) => seen.push(run.ops.length),
    });
    expect(result.divergences.map((d) => d.original.divergence)).toEqual([]);
    expect(result.agreements).toBe(4);
    expect(seen.every((n) => n >= 2)).toBe(true);
  }, 60_000);
});
