/**
 * The scenario catalogue (docs/push-semantics.md §C) over TCP: xmpp.js clients on `xmpp://` with
 * STARTTLS, trusting the generated certificate, against the `spec` host. Every scenario must give
 * what it gives over WebSocket (src/scenarios/spec-scenarios.test.ts): pass, with no mismatch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../../scenarios/catalogue";
import { runAndJudge } from "../../scenarios/run";
import { testHarnessOptions } from "../../scenarios/test-support/harness-options";
import { CATALOGUE_SERVER } from "../test-support/test-server";
import { startTcpTestServer, type TcpTestServer } from "./test-support/tcp-server";

let server: TcpTestServer;

beforeAll(async () => {
  server = await startTcpTestServer(CATALOGUE_SERVER);
});

afterAll(async () => {
  await server?.close();
});

describe.concurrent("catalogue over TCP with STARTTLS (localhost, spec)", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id} ${scenario.name}`, async () => {
      const options = { ...testHarnessOptions(`xmpp://127.0.0.1:${server.c2sPort}`, { domain: "localhost" }), tlsOptions: { ca: server.ca } };
      const { judgement, observation } = await runAndJudge(scenario, "spec", options);
      expect(observation.aborted, observation.aborted).toBeUndefined();
      expect(judgement.mismatches, judgement.detail).toEqual([]);
      expect(judgement.verdict, judgement.detail).toBe("pass");
    });
  }
});
