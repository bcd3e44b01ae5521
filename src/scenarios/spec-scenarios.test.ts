// The catalogue (design §C) against the reference server's `spec` host: every scenario must pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../server/test-support/test-server";
import type { TestServer } from "../server/test-support/test-server";
import { SCENARIOS } from "./catalogue";
import { runAndJudge } from "./run";
import { testHarnessOptions } from "./test-harness-options";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe.concurrent("catalogue under the spec policy (localhost)", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id} ${scenario.name}`, async () => {
      const result = await runAndJudge(scenario, "spec", testHarnessOptions(server.url, { domain: "localhost" }));
      const { judgement, observation } = result;
      expect(observation.aborted, observation.aborted).toBeUndefined();
      expect(judgement.mismatches, judgement.detail).toEqual([]);
      expect(judgement.verdict, judgement.detail).toBe("pass");
      expect(result.matches).toContain("spec");
      // Every run saw what it needed to judge: the probes and iqs named by the expectation.
      for (const label of Object.keys(scenario.expected.spec.probes ?? {})) expect(observation.probes.map((p) => p.label)).toContain(label);
      for (const label of Object.keys(scenario.expected.spec.iqs ?? {})) expect(observation.iqs.map((i) => i.label)).toContain(label);
    });
  }
});
