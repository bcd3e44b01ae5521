// The catalogue against the sandbox server (the Worker's startSandboxServer, here on a
// MessageChannel) through the page's `sandbox:` transport: every scenario must pass under spec,
// as it does against the Node server (src/scenarios/spec-scenarios.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/catalogue";
import { runAndJudge } from "../scenarios/run";
import { testHarnessOptions } from "../scenarios/test-support/harness-options";
import { SANDBOX_SERVICE } from "./protocol";
import { setPageSandbox } from "./sandbox-client";
import { startInProcessSandbox, type InProcessSandbox } from "./test-support/in-process-sandbox";
import "./xmpp-transport";

let sandbox: InProcessSandbox;

beforeAll(() => {
  sandbox = startInProcessSandbox({ appServerTimeoutMs: 1500 });
  setPageSandbox(sandbox.client);
});

afterAll(async () => {
  setPageSandbox(null);
  await sandbox?.close();
});

describe.concurrent("catalogue under the spec policy on the sandbox server", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id} ${scenario.name}`, async () => {
      const { judgement, observation } = await runAndJudge(scenario, "spec", testHarnessOptions(SANDBOX_SERVICE, { domain: "localhost" }));
      expect(observation.aborted, observation.aborted).toBeUndefined();
      expect(judgement.mismatches, judgement.detail).toEqual([]);
      expect(judgement.verdict, judgement.detail).toBe("pass");
    });
  }
});
