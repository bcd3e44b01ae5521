// Design table B.2 without stream management (rows 1-10, 13, 14) against the reference server's
// tigase, prosody and ejabberd hosts, plus the catalogue's expectations where those policies differ
// from spec. D registers R; O (and O2) are the account's other resources; O registers RO from its
// own session, which tells "every registration" (offline paths) from "R only" (session-bound paths).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyName } from "../protocol/policy/types";
import { CATALOGUE_SERVER, startTestServer } from "../server/test-support/test-server";
import type { TestServer } from "../server/test-support/test-server";
import { SCENARIOS } from "./catalogue";
import { PushHarness } from "./harness";
import type { SendOptions } from "./harness";
import { judge, matchingPolicies } from "./judge";
import { runScenario } from "./run";
import { testHarnessOptions } from "./test-support/harness-options";

let server: TestServer;

beforeAll(async () => {
  // XEP-0198 offered for C26/C27 (hibernation); the harness negotiates it only where they ask.
  server = await startTestServer(CATALOGUE_SERVER);
});

afterAll(async () => {
  await server?.close();
});

type Column = "tigase-away" | "tigase-plain" | "prosody" | "ejabberd";

interface ColumnInfo {
  column: Column;
  policy: PolicyName;
  domain: string;
  /** Does D's registration R carry away='true'? (Prosody and ejabberd get it too: they must ignore it.) */
  away: boolean;
}

const COLUMNS: readonly ColumnInfo[] = [
  { column: "tigase-away", policy: "tigase", domain: "tigase.localhost", away: true },
  { column: "tigase-plain", policy: "tigase", domain: "tigase.localhost", away: false },
  { column: "prosody", policy: "prosody", domain: "prosody.localhost", away: true },
  { column: "ejabberd", policy: "ejabberd", domain: "ejabberd.localhost", away: true },
];

/** Node labels that get a message push; `atLeast`: each label one or more times (Tigase row 8 "maybe twice"). */
type RowOutcome = string[] | { atLeast: string[] };

interface Row {
  row: string;
  name: string;
  /** Everything before B's message. */
  setup(h: PushHarness, column: ColumnInfo): PushHarness;
  message?: SendOptions;
  expected: Record<Column, RowOutcome>;
}

/** D registers R and leaves. */
function dGone(h: PushHarness, c: ColumnInfo): PushHarness {
  return h.connect("D").enable("D", { node: "R", away: c.away, label: "enable-R" }).disconnect("D");
}

/** O connects and registers RO from its own session (never with away). */
function oWithRegistration(h: PushHarness): PushHarness {
  return h.connect("O").enable("O", { node: "RO", label: "enable-RO" });
}

const ROWS: readonly Row[] = [
  {
    row: "1",
    name: "nobody connected",
    setup: (h, c) => oWithRegistration(dGone(h, c)).disconnect("O"),
    expected: { "tigase-away": ["R", "RO"], "tigase-plain": ["R", "RO"], prosody: ["R", "RO"], ejabberd: ["R", "RO"] },
  },
  {
    row: "2",
    name: "D gone; O available",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "available"),
    expected: { "tigase-away": [], "tigase-plain": [], prosody: ["R"], ejabberd: ["R"] },
  },
  {
    row: "3 (away)",
    name: "D gone; O away",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "away"),
    expected: { "tigase-away": ["R", "RO"], "tigase-plain": [], prosody: ["R"], ejabberd: ["R"] },
  },
  {
    row: "3 (xa)",
    name: "D gone; O xa",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "xa"),
    expected: { "tigase-away": ["R", "RO"], "tigase-plain": [], prosody: ["R"], ejabberd: ["R"] },
  },
  {
    row: "4",
    name: "D gone; O dnd",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "dnd"),
    expected: { "tigase-away": ["R", "RO"], "tigase-plain": [], prosody: ["R"], ejabberd: ["R"] },
  },
  {
    row: "5",
    name: "D gone; O chat",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "chat"),
    expected: { "tigase-away": ["R", "RO"], "tigase-plain": [], prosody: ["R"], ejabberd: ["R"] },
  },
  {
    row: "6",
    name: "D gone; O away and O2 available",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "away").connect("O2").presence("O2", "available"),
    expected: { "tigase-away": [], "tigase-plain": [], prosody: ["R"], ejabberd: ["R"] },
  },
  {
    row: "7",
    name: "D gone; O available with priority -1 (the message goes offline)",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "available", { priority: -1 }),
    expected: { "tigase-away": [], "tigase-plain": [], prosody: ["R", "RO"], ejabberd: ["R"] },
  },
  {
    row: "8",
    name: "D gone; O connected without initial presence",
    setup: (h, c) => oWithRegistration(dGone(h, c)),
    expected: { "tigase-away": { atLeast: ["R", "RO"] }, "tigase-plain": [], prosody: ["R", "RO"], ejabberd: ["R"] },
  },
  {
    row: "9",
    name: "D connected and available",
    setup: (h, c) => h.connect("D").enable("D", { node: "R", away: c.away, label: "enable-R" }).presence("D", "available"),
    expected: { "tigase-away": [], "tigase-plain": [], prosody: [], ejabberd: [] },
  },
  {
    row: "10",
    name: "D connected with away, nobody else",
    setup: (h, c) => h.connect("D").enable("D", { node: "R", away: c.away, label: "enable-R" }).presence("D", "away"),
    expected: { "tigase-away": ["R"], "tigase-plain": [], prosody: [], ejabberd: [] },
  },
  {
    row: "13",
    name: "as 3, but a chat state without <body>",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "away"),
    message: { body: null, chatState: "composing" },
    expected: { "tigase-away": [], "tigase-plain": [], prosody: [], ejabberd: [] },
  },
  {
    row: "14",
    name: "as 3, but type='groupchat' to the bare JID",
    setup: (h, c) => oWithRegistration(dGone(h, c)).presence("O", "away"),
    message: { type: "groupchat" },
    expected: { "tigase-away": ["R", "RO"], "tigase-plain": ["R", "RO"], prosody: ["R", "RO"], ejabberd: [] },
  },
];

function pushedLabels(h: PushHarness): string[] {
  const probe = h.probe("message");
  return (probe?.publishes ?? []).filter((p) => p.kind !== "retrieved").map((p) => p.nodeLabel ?? `unknown node '${p.node}'`);
}

describe.concurrent("docs/push-semantics.md table B.2 (without stream management)", () => {
  for (const row of ROWS) {
    for (const column of COLUMNS) {
      it(`row ${row.row}: ${row.name} — ${column.column}`, async () => {
        const h = new PushHarness(testHarnessOptions(server.url, { domain: column.domain }));
        try {
          await row.setup(h, column).send(row.message ?? {}).collect("message");
        } finally {
          await h.close();
        }
        const observation = h.observation();
        expect(observation.aborted, observation.aborted).toBeUndefined();
        for (const iq of h.iqs.filter((i) => i.kind === "enable")) expect(iq.outcome, `${iq.label}: ${JSON.stringify(iq.error)}`).toBe("result");
        const pushed = pushedLabels(h);
        const expected = row.expected[column.column];
        if (Array.isArray(expected)) {
          expect([...pushed].sort()).toEqual([...expected].sort());
        } else {
          expect([...new Set(pushed)].sort()).toEqual([...expected.atLeast].sort());
        }
        // Every publish is a readable XEP-0357 notification from the account's domain.
        for (const p of h.probe("message")?.publishes ?? []) {
          expect(p.kind).not.toBe("malformed");
          expect(p.from).toBe(column.domain);
        }
      });
    }
  }
});

const HOSTS: Record<Exclude<PolicyName, "spec">, string> = {
  tigase: "tigase.localhost",
  prosody: "prosody.localhost",
  ejabberd: "ejabberd.localhost",
};

// Every scenario, not only those whose expectation differs from spec: where they agree, the host
// must still behave like spec.
describe.concurrent("catalogue under the tigase, prosody and ejabberd hosts", () => {
  for (const policy of ["tigase", "prosody", "ejabberd"] as const) {
    for (const scenario of SCENARIOS) {
      it(`${scenario.id} ${scenario.name} — ${policy}`, async () => {
        const harness = new PushHarness(testHarnessOptions(server.url, { domain: HOSTS[policy] }));
        // Run it even where the host's disco makes it N/A: the policy must still reproduce its server.
        const observation = await runScenario(scenario, harness, { runUnsupported: true });
        expect(observation.aborted, observation.aborted).toBeUndefined();
        const judgement = judge(scenario, policy, observation, { ignoreNeeds: true });
        expect(judgement.mismatches, judgement.detail).toEqual([]);
        expect(judgement.matched).toBe(true);
        expect(matchingPolicies(scenario, observation)).toContain(policy);

        // As a real playground run would judge it: N/A where the host does not advertise a needed feature.
        const gated = judge(scenario, policy, observation);
        const unsupported = (scenario.needs ?? []).some((f) => !(observation.features ?? []).includes(f));
        expect(gated.verdict).toBe(unsupported ? "n/a" : "pass");
      });
    }
  }
});
