// The runner against an in-process reference server: every host's policy is identified from its
// own behaviour and reproduces itself; spec judging fails a Prosody-like host with a hint; shared
// accounts are drained and cleaned up; a run that cannot log in reports why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLICY_NAMES } from "../protocol/policy/types";
import type { PolicyName } from "../protocol/policy/types";
import { SCENARIOS } from "../scenarios/catalogue";
import { CATALOGUE_SERVER, startTestServer } from "../server/test-support/test-server";
import type { TestServer } from "../server/test-support/test-server";
import { xml } from "@xmpp/client";
import { connectClient, stopQuietly } from "../server/test-support/client";
import { buildChatMessage } from "../protocol/stanzas/message";
import { foreignSenders, REFERENCE_CONCURRENCY, resolveRunMode, runSuite, UnknownScenarioError } from "./runner";
import { observation } from "./test-support/fixtures";
import type { SuiteProgress, SuiteTarget } from "./types";

let server: TestServer;

beforeAll(async () => {
  // XEP-0198 offered: C26/C27 need it (the harness negotiates it only there).
  server = await startTestServer(CATALOGUE_SERVER);
});

afterAll(async () => {
  await server?.close();
});

const HOSTS: Record<PolicyName, string> = {
  spec: "localhost",
  tigase: "tigase.localhost",
  prosody: "prosody.localhost",
  ejabberd: "ejabberd.localhost",
};

let counter = 0;

function target(domain: string, accounts: SuiteTarget["accounts"] = "fresh"): SuiteTarget {
  const tag = `${++counter}${Math.random().toString(36).slice(2, 6)}`;
  return {
    name: `reference ${domain}`,
    service: server.url,
    domain,
    account: { username: `alice-${tag}`, password: "alice-pass" },
    sender: { username: `bob-${tag}`, password: "bob-pass" },
    sink: { username: `pushsvc-${tag}`, password: "pushsvc-pass" },
    mechanism: "PLAIN",
    accounts,
    waits: { pushMs: 3000, noPushMs: 400 },
  };
}

describe.concurrent("runSuite: every policy is identified from its own host", () => {
  for (const policy of POLICY_NAMES) {
    it(`${HOSTS[policy]} behaves like ${policy} and passes under its own policy`, { timeout: 60_000 }, async () => {
      const events: SuiteProgress[] = [];
      const report = await runSuite({ target: target(HOSTS[policy]), policy: "from-disco", concurrency: 5, onProgress: (e) => events.push(e) });

      expect(report.fatal).toBeUndefined();
      expect(report.server).toMatchObject({ kind: "reference", policy });
      expect(report.policy).toBe(policy);
      expect(report.policySource).toBe("disco");
      expect(report.scenarios.map((s) => s.id)).toEqual(SCENARIOS.map((s) => s.id));

      const { best, candidates, scores } = report.identification;
      expect(best).toBe(policy);
      expect(candidates).toEqual([policy]);
      expect(scores[policy].total).toBeGreaterThan(0);
      expect(scores[policy].matched).toBe(scores[policy].total);

      // The host reproduces its own policy: nothing fails, nothing differs, and only scenarios
      // needing a feature the host does not advertise are n/a.
      for (const s of report.scenarios) {
        const advertised = s.needs.every((f) => report.accountFeatures?.includes(f));
        expect(s.verdict, `${s.id}: ${s.detail}`).toBe(advertised ? "pass" : "n/a");
        expect(s.hint).toBeNull();
        if (advertised) expect(s.matches).toContain(policy);
      }
      expect(report.summary.failedMust).toEqual([]);

      expect(events[0]).toMatchObject({ type: "preflight", policy, policySource: "disco" });
      const done = events.filter((e) => e.type === "scenario-done");
      expect(done).toHaveLength(SCENARIOS.length);
      expect(events.filter((e) => e.type === "scenario-start")).toHaveLength(SCENARIOS.length);
    });
  }
});

describe.concurrent("runSuite: judging and reporting", () => {
  it("fails a Prosody-like host under spec on C1, with a hint for that server", async () => {
    const report = await runSuite({ target: target(HOSTS.prosody), scenarios: ["C1", "C21", "C8"] });
    expect(report.policy).toBe("spec");
    expect(report.policySource).toBe("option");
    const [c1, c21, c8] = report.scenarios;
    expect(c1).toMatchObject({ id: "C1", verdict: "fail", level: "MUST" });
    expect(c1?.mismatches).toEqual(["features: tigase:push:away:0 is missing"]);
    expect(c1?.hint).toMatch(/^Reference server \(prosody policy, models Prosody's mod_cloud_notify\): .*never tigase:push:away:0/);
    expect(c21).toMatchObject({ id: "C21", verdict: "fail", level: "SHOULD", matches: ["prosody"] });
    expect(c21?.hint).toMatch(/push_max_errors \(16\)/);
    expect(c8).toMatchObject({ id: "C8", verdict: "n/a", hint: null, comparable: [] });
    expect(report.summary).toEqual({ counts: { pass: 0, fail: 2, info: 0, "n/a": 1 }, failed: ["C1", "C21"], failedMust: ["C1"] });
  });

  it("runs the scenarios given by id, in that order, case-insensitively, judged under the policy given", async () => {
    const report = await runSuite({ target: target(HOSTS.spec), scenarios: ["c4", "C1"], policy: "prosody" });
    expect(report.scenarios.map((s) => s.id)).toEqual(["C4", "C1"]);
    // The spec host advertises away, which the prosody policy excludes.
    expect(report.scenarios.map((s) => s.verdict)).toEqual(["pass", "fail"]);
    expect(report.scenarios[1]?.matches).toEqual(["spec", "tigase"]);
    expect(report.identification.candidates).toEqual(["spec", "tigase"]);
  });

  it("rejects unknown scenario ids before connecting", async () => {
    await expect(runSuite({ target: target(HOSTS.spec), scenarios: ["C4", "C99", "X"] })).rejects.toThrow(UnknownScenarioError);
    await expect(runSuite({ target: target(HOSTS.spec), scenarios: ["C99"] })).rejects.toThrow(/unknown scenario C99/);
  });

  it("reports a run that cannot log in as fatal, with no scenarios", async () => {
    const t = target(HOSTS.spec, "shared");
    // Dev registration: the first login creates the account; a later wrong password fails.
    await runSuite({ target: t, scenarios: ["C1"] });
    const report = await runSuite({ target: { ...t, sender: { ...t.sender, password: "wrong" } }, scenarios: ["C1", "C4"] });
    expect(report.fatal).toMatch(/the sender cannot log in: .*not-authorized/);
    expect(report.scenarios).toEqual([]);
    expect(report.summary.failedMust).toEqual([]);
  });

  it("runs unsupported scenarios on request: still n/a and no evidence, but judged ungated", async () => {
    const report = await runSuite({ target: target(HOSTS.prosody), scenarios: ["C8", "C10"], policy: "prosody", runUnsupported: true });
    expect(report.runUnsupported).toBe(true);
    for (const s of report.scenarios) expect(s).toMatchObject({ verdict: "n/a", matches: [], comparable: [] });
    const [c8, c10] = report.scenarios;
    expect(c8?.ungated).toMatchObject({ verdict: "pass", matched: true, matches: ["spec", "tigase", "prosody", "ejabberd"] });
    // Prosody pushes a registration whose session is gone, whatever the other resources' presence.
    expect(c10?.ungated).toMatchObject({ verdict: "pass", matched: true, matches: ["prosody", "ejabberd"] });
    expect(report.scenarios[1]?.observation.probes[0]?.publishes.map((p) => p.nodeLabel)).toEqual(["N"]);
  });

  it("reads the server's identity from the domain disco, which names the host's policy", async () => {
    const report = await runSuite({ target: target(HOSTS.ejabberd), scenarios: ["C3"], policy: "from-disco" });
    expect(report.server).toEqual({ kind: "reference", name: "XMPP Push Playground reference server (ejabberd policy)", policy: "ejabberd" });
    expect(report.accountFeatures).toContain("urn:xmpp:push:0");
    expect(report.policyNote).toBeUndefined();
  });
});

describe("runSuite settles 'no push' from the reference server's decision log", () => {
  it("with the verdicts, matches and probes of the fixed windows, also where pushes wait for Prosody's 1 s batch", { timeout: 90_000 }, async () => {
    const scenarios = ["C4", "C8", "C10", "C13", "C18", "C21", "C24", "C26", "C27"];
    const [windowed, logged] = await Promise.all([
      runSuite({ target: { ...target(HOSTS.prosody), settle: "window" }, scenarios, policy: "prosody", concurrency: 5 }),
      runSuite({ target: { ...target(HOSTS.prosody), settle: "decision-log" }, scenarios, policy: "prosody", concurrency: 5 }),
    ]);
    expect(windowed.target.settle).toBe("window");
    expect(logged.target.settle).toBe("decision-log");
    const outcome = (r: typeof windowed) =>
      r.scenarios.map((s) => ({ id: s.id, verdict: s.verdict, matched: s.matched, matches: s.matches, probes: s.observation.probes.map((p) => [p.label, p.publishes.length, p.deliveries.length]) }));
    expect(outcome(logged)).toEqual(outcome(windowed));
    // C26 is one of those batches: B's message is pushed only when the 1 s timer fires.
    expect(logged.scenarios.find((s) => s.id === "C26")?.observation.probes.find((p) => p.label === "message")?.publishes.length).toBe(1);
  });

  it("is what `auto` picks on the reference server, with fresh accounts several at a time; real servers keep shared accounts and windows", () => {
    const reference = { kind: "reference", name: "XMPP Push Playground reference server (spec policy)", policy: "spec" } as const;
    const prosody = { kind: "prosody", name: "Prosody", policy: "prosody" } as const;
    expect(resolveRunMode({ accounts: "auto" }, reference, "auto")).toEqual({ accounts: "fresh", settle: "decision-log", concurrency: REFERENCE_CONCURRENCY, mechanism: "PLAIN" });
    expect(resolveRunMode({ accounts: "auto" }, prosody, "auto")).toEqual({ accounts: "shared", settle: "window", concurrency: 1, mechanism: undefined });
    expect(resolveRunMode({ accounts: "fresh", mechanism: "SCRAM-SHA-1" }, prosody, 3)).toEqual({ accounts: "fresh", settle: "window", concurrency: 3, mechanism: "SCRAM-SHA-1" });
    expect(resolveRunMode({ accounts: "shared", settle: "window" }, reference, 8)).toEqual({ accounts: "shared", settle: "window", concurrency: 1, mechanism: undefined });
    expect(resolveRunMode({}, reference, undefined)).toMatchObject({ accounts: "shared", settle: "decision-log", concurrency: 1 });
  });
});

describe("runSuite on shared accounts", () => {
  it("disables what each scenario enabled and drains the messages it left offline", { timeout: 60_000 }, async () => {
    const t = target(HOSTS.prosody, "shared");
    const account = `${t.account.username}@${HOSTS.prosody}`;
    const sm = server.server.sessionManager;
    if (!sm) throw new Error("the test server has a session manager");

    const report = await runSuite({ target: t, scenarios: ["C4", "C20", "C21", "C25"], policy: "prosody", concurrency: 4 });
    expect(report.target.accounts).toBe("shared");
    expect(report.scenarios.map((s) => [s.id, s.verdict])).toEqual([
      ["C4", "pass"],
      ["C20", "pass"],
      ["C21", "pass"],
      ["C25", "pass"],
    ]);
    // C4 left one message offline, C20 two, C21 two: each scenario drained what it left.
    expect(report.scenarios.map((s) => s.drainedMessages)).toEqual([1, 2, 2, 0]);
    expect(report.scenarios.flatMap((s) => s.housekeeping)).toEqual([]);
    // Every scenario bound its own resources and sink resource, so nothing collided.
    const sinks = report.scenarios.map((s) => s.observation.sink).filter((s): s is string => s !== null);
    expect(new Set(sinks).size).toBe(sinks.length);

    // Nothing left behind: no registration (C21's survives the error under prosody: cleanup
    // removed it), no offline message, no session.
    expect(sm.registrationsOf(account)).toEqual([]);
    expect(sm.offlineCount(account)).toBe(0);
    expect(sm.sessionsOf(account)).toEqual([]);
  });

  it("runs a scenario again when another client messaged the account meanwhile, and says so", { timeout: 60_000 }, async () => {
    const t = target(HOSTS.spec, "shared");
    const intruder = await connectClient({ url: server.url, domain: HOSTS.spec, username: `intruder-${counter}`, resource: "elsewhere" });
    let intruded = 0;
    try {
      const report = await runSuite({
        target: t,
        scenarios: ["C4"],
        // Right after the scenario's own message, once: only the first attempt is disturbed.
        onHarnessEvent: (_id, event) => {
          if (event.type === "step" && event.step.kind === "send" && event.step.status === "ok" && intruded++ === 0) {
            void intruder.send(buildChatMessage({ to: `${t.account.username}@${HOSTS.spec}`, body: "not part of the scenario" }));
          }
        },
      });
      const [c4] = report.scenarios;
      expect(intruded).toBe(2);
      expect(c4?.housekeeping).toEqual([
        `attempt 1: the account received messages from intruder-${counter}@localhost/elsewhere during the scenario (another client is using it); running it again`,
      ]);
      // The second attempt saw only its own message and push.
      expect(c4).toMatchObject({ verdict: "pass", drainedMessages: 1 });
      expect(c4?.observation.publishes).toHaveLength(1);
    } finally {
      await stopQuietly(intruder);
    }
  });

  it("gives up after the retries and keeps the warning with the result", { timeout: 60_000 }, async () => {
    const t = target(HOSTS.spec, "shared");
    const intruder = await connectClient({ url: server.url, domain: HOSTS.spec, username: `intruder-${counter}`, resource: "elsewhere" });
    try {
      const report = await runSuite({
        target: t,
        scenarios: ["C4"],
        retries: 1,
        onHarnessEvent: (_id, event) => {
          if (event.type === "step" && event.step.kind === "send" && event.step.status === "ok") {
            void intruder.send(buildChatMessage({ to: `${t.account.username}@${HOSTS.spec}`, body: "again" }));
          }
        },
      });
      const [c4] = report.scenarios;
      expect(c4?.housekeeping).toHaveLength(2);
      expect(c4?.housekeeping[1]).toMatch(/^attempt 2: .*; the result may include pushes for them$/);
      expect(c4?.verdict).toBe("fail");
    } finally {
      await stopQuietly(intruder);
    }
  });
});

describe("runSuite on shared accounts with another session of the account online", () => {
  it("notices it at the drain and warns", { timeout: 30_000 }, async () => {
    const t = target(HOSTS.spec, "shared");
    // Log in once through the suite so the account exists with its password, then keep a session.
    await runSuite({ target: t, scenarios: ["C3"] });
    const phone = await connectClient({ url: server.url, domain: HOSTS.spec, username: t.account.username, password: t.account.password, resource: "phone" });
    try {
      await phone.send(xml("presence"));
      const report = await runSuite({ target: t, scenarios: ["C4"], retries: 0 });
      expect(report.scenarios[0]?.housekeeping).toEqual([
        `attempt 1: the account had other sessions online (${t.account.username}@localhost/phone) during the scenario (another client is using it); the result may include pushes for them`,
      ]);
    } finally {
      await stopQuietly(phone);
    }
  });
});

describe("foreignSenders", () => {
  it("names senders other than the scenario's own sender and sink, live or offline", () => {
    const obs = {
      ...observation(),
      sender: "bob@localhost/B-c4-1",
      sink: "pushsvc@localhost/sink-c4-1",
      deliveries: [
        { seq: 1, at: 0, role: "account" as const, resource: "A1", from: "bob@localhost/B-c4-1", to: "alice@localhost", type: "chat", body: "ours" },
        { seq: 2, at: 0, role: "account" as const, resource: "A1", from: "bob@localhost/other", to: "alice@localhost", type: "chat", body: "theirs" },
        { seq: 3, at: 0, role: "account" as const, resource: "A1", from: "alice@localhost/A2-c4-1", to: "alice@localhost", type: "chat" },
        { seq: 4, at: 0, role: "account" as const, resource: "A1", from: "carol@localhost", to: "alice@localhost", type: "error" },
        { seq: 5, at: 0, role: "sender" as const, resource: "B", from: "dave@localhost/x", to: "bob@localhost", type: "chat" },
      ],
    };
    expect(foreignSenders(obs, ["bob@localhost/B-c4-1", "pushsvc@localhost/sink-c4-1", "eve@localhost/y", "localhost"])).toEqual(["bob@localhost/other", "eve@localhost/y"]);
    expect(foreignSenders({ ...obs, deliveries: [] }, [])).toEqual([]);
  });
});
