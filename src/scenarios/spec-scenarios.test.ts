// The catalogue (docs/push-semantics.md §C) against the reference server's `spec` host: every scenario must pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE_SERVER, startTestServer } from "../server/test-support/test-server";
import type { TestServer } from "../server/test-support/test-server";
import { SCENARIOS } from "./catalogue";
import { runAndJudge } from "./run";
import { testHarnessOptions } from "./test-support/harness-options";

let server: TestServer;

beforeAll(async () => {
  // XEP-0198 offered for C26/C27 (hibernation); the harness negotiates it only where they ask.
  server = await startTestServer(CATALOGUE_SERVER);
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

describe("scenarios that need stream management", () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer({ streamManagement: false });
  });
  afterAll(async () => {
    await plain?.close();
  });

  it("are n/a, and send nothing, when the server offers no XEP-0198", async () => {
    for (const scenario of SCENARIOS.filter((s) => s.needsStreamManagement)) {
      const { judgement, observation } = await runAndJudge(scenario, "spec", testHarnessOptions(plain.url, { domain: "localhost" }));
      expect(judgement.verdict, scenario.id).toBe("n/a");
      expect(judgement.detail).toContain("stream management (XEP-0198)");
      expect(observation.sent).toEqual([]);
      expect(observation.iqs).toEqual([]);
    }
  });
});
