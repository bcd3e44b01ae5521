import { describe, expect, it } from "vitest";
import type { ScenarioInfo } from "../expectations";
import type { PushHarness } from "../harness";
import type { Observation } from "../types";
import { AWAY_SCENARIOS } from "./away";
import { BASIC_SCENARIOS } from "./basics";
import { same, scenario } from "./build";
import { HIBERNATION_SCENARIOS } from "./hibernation";
import { describeScenarios, SCENARIOS, scenarioById } from "./index";
import { REGISTRATION_SCENARIOS } from "./registrations";
import { THRESHOLD_SCENARIOS } from "./thresholds";

const ids = (list: readonly { id: string }[]) => list.map((s) => s.id);

describe("catalogue groups", () => {
  it("are contiguous runs of the catalogue, in order", () => {
    expect(ids(BASIC_SCENARIOS)).toEqual(["C1", "C2", "C3", "C4", "C5", "C6", "C7"]);
    expect(ids(AWAY_SCENARIOS)).toEqual(["C8", "C9", "C10", "C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18"]);
    expect(ids(REGISTRATION_SCENARIOS)).toEqual(["C19", "C20", "C21", "C22", "C23", "C24", "C25"]);
    expect(ids(HIBERNATION_SCENARIOS)).toEqual(["C26", "C27"]);
    expect(ids(THRESHOLD_SCENARIOS)).toEqual(["C28", "C29", "C30"]);
    expect(ids(SCENARIOS)).toEqual(
      [...BASIC_SCENARIOS, ...AWAY_SCENARIOS, ...REGISTRATION_SCENARIOS, ...HIBERNATION_SCENARIOS, ...THRESHOLD_SCENARIOS].map((s) => s.id),
    );
  });

  it("are found by id and described without their steps", () => {
    expect(scenarioById("C21")?.name).toBe("Permanent error disables");
    expect(scenarioById("C99")).toBeUndefined();
    const described = describeScenarios();
    expect(described).toHaveLength(SCENARIOS.length);
    expect(described.every((s) => !("run" in s))).toBe(true);
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });
});

describe("scenario()", () => {
  const info: ScenarioInfo = {
    id: "CX",
    name: "test",
    level: "INFO",
    setup: "",
    action: "",
    expectation: "",
    backing: "",
    expected: same({ record: "anything" }),
  };

  it("returns the observation even when a step failed", async () => {
    const seen: (string | undefined)[] = [];
    const fake = {
      observation: (id?: string) => {
        seen.push(id);
        return { scenarioId: id, aborted: "step failed" } as Observation;
      },
    } as unknown as PushHarness;
    const failing = scenario(info, () => Promise.reject(new Error("boom")) as unknown as PushHarness);
    await expect(failing.run(fake)).resolves.toMatchObject({ scenarioId: "CX", aborted: "step failed" });
    expect(seen).toEqual(["CX"]);
  });

  it("same() gives every policy the one expectation", () => {
    expect(Object.keys(info.expected).sort()).toEqual(["ejabberd", "prosody", "spec", "tigase"]);
    expect(new Set(Object.values(info.expected)).size).toBe(1);
  });
});
