/**
 * Design table B.2, row by row, for every policy. Setup as in the table: bob sends alice's bare
 * JID a chat message with a body; D ("phone") enabled registration R; O ("laptop", "tablet") are
 * other resources of alice. Every row runs with R enabled with away='true' and without it.
 *
 * Columns: `tigase` is B.2's Tigase pair (with away / without away); `prosody` and `ejabberd` are
 * B.2's columns (the same for both flavours: they ignore away); `spec` is derived from docs/push-semantics.md §0.2
 * (rule 1 no receiving session → all; rule 2 all receiving away → away=true only; rule 3 → none).
 */
import { describe, expect, it } from "vitest";
import { pushedKeys } from "./common";
import { SINK, available, chat, chatState, hibernated, input, noPresence, registration } from "../test-support/policy-fixtures";
import { POLICIES } from "./index";
import { POLICY_NAMES, type MessageSnapshot, type PolicyName, type SessionSnapshot } from "./types";

interface Expect {
  push: boolean;
  rule: string;
  /** Effective delay of R's publish; checked whenever R is pushed (0 unless given). */
  delayMs?: number;
}
const PUSH = (rule: string, delayMs = 0): Expect => ({ push: true, rule, delayMs });
const NONE = (rule: string): Expect => ({ push: false, rule });

interface Row {
  id: string;
  setup: string;
  sessions: SessionSnapshot[];
  message?: MessageSnapshot;
  /** [R has away='true', R without away]. */
  spec: [Expect, Expect];
  tigase: [Expect, Expect];
  prosody: Expect;
  ejabberd: Expect;
}

const MUC_MESSAGE = chat({ type: "groupchat", from: "room@muc.localhost/juliet" });
const CALL_PROPOSE = chatState({ callPropose: true });

const ROWS: Row[] = [
  {
    id: "1", setup: "nobody connected", sessions: [],
    spec: [PUSH("spec/no-receiving-session"), PUSH("spec/no-receiving-session")],
    tigase: [PUSH("tigase/offline"), PUSH("tigase/offline")],
    prosody: PUSH("prosody/offline"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "2", setup: "D gone; O available (no <show>, priority 0)", sessions: [available("laptop")],
    spec: [NONE("spec/online-session"), NONE("spec/online-session")],
    tigase: [NONE("tigase/online-session"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/session-not-alive"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "3 (away)", setup: "D gone; O away", sessions: [available("laptop", "away")],
    spec: [PUSH("spec/all-away"), NONE("spec/all-away")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/session-not-alive"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "3 (xa)", setup: "D gone; O xa", sessions: [available("laptop", "xa")],
    spec: [PUSH("spec/all-away"), NONE("spec/all-away")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/session-not-alive"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "4", setup: "D gone; O dnd (online under spec's default away set)", sessions: [available("laptop", "dnd")],
    spec: [NONE("spec/online-session"), NONE("spec/online-session")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/session-not-alive"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "5", setup: "D gone; O chat", sessions: [available("laptop", "chat")],
    spec: [NONE("spec/online-session"), NONE("spec/online-session")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/session-not-alive"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "6", setup: "D gone; O1 away + O2 available", sessions: [available("laptop", "away"), available("tablet")],
    spec: [NONE("spec/online-session"), NONE("spec/online-session")],
    tigase: [NONE("tigase/online-session"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/session-not-alive"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "7", setup: "D gone; O available with priority -1 (message goes offline)", sessions: [available("laptop", null, -1)],
    spec: [PUSH("spec/no-receiving-session"), PUSH("spec/no-receiving-session")],
    tigase: [NONE("tigase/online-session"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/offline"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "8", setup: "D gone; O connected without initial presence", sessions: [noPresence("laptop")],
    spec: [PUSH("spec/no-receiving-session"), PUSH("spec/no-receiving-session")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/offline"), ejabberd: PUSH("ejabberd/session-not-alive"),
  },
  {
    id: "9", setup: "D connected and available", sessions: [available("phone")],
    spec: [NONE("spec/online-session"), NONE("spec/online-session")],
    tigase: [NONE("tigase/online-session"), NONE("tigase/no-away-registration")],
    prosody: NONE("prosody/session-alive"), ejabberd: NONE("ejabberd/session-alive"),
  },
  {
    id: "10", setup: "D connected with away, nobody else", sessions: [available("phone", "away")],
    spec: [PUSH("spec/all-away"), NONE("spec/all-away")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: NONE("prosody/session-alive"), ejabberd: NONE("ejabberd/session-alive"),
  },
  {
    id: "11 (last show away)", setup: "D hibernated (XEP-0198), last presence away, nobody else", sessions: [hibernated("phone", "away")],
    spec: [PUSH("spec/no-receiving-session"), PUSH("spec/no-receiving-session")],
    tigase: [PUSH("tigase/away"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/hibernated", 1000), ejabberd: PUSH("ejabberd/session-pending"),
  },
  {
    id: "11 (last presence without show)", setup: "D hibernated, last presence available, nobody else", sessions: [hibernated("phone")],
    spec: [PUSH("spec/no-receiving-session"), PUSH("spec/no-receiving-session")],
    tigase: [NONE("tigase/online-session"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/hibernated", 1000), ejabberd: PUSH("ejabberd/session-pending"),
  },
  {
    id: "12", setup: "D hibernated (last presence away) + O available", sessions: [hibernated("phone", "away"), available("laptop")],
    spec: [NONE("spec/online-session"), NONE("spec/online-session")],
    tigase: [NONE("tigase/online-session"), NONE("tigase/no-away-registration")],
    prosody: PUSH("prosody/hibernated", 1000), ejabberd: PUSH("ejabberd/session-pending"),
  },
  {
    id: "13", setup: "as 3, but no <body> (chat state)", sessions: [available("laptop", "away")], message: chatState(),
    spec: [NONE("spec/not-pushable"), NONE("spec/not-pushable")],
    tigase: [NONE("tigase/not-pushable"), NONE("tigase/not-pushable")],
    prosody: NONE("prosody/no-body"), ejabberd: NONE("ejabberd/no-body"),
  },
  {
    id: "13 (D hibernated)", setup: "as 13, but D hibernated: B.2's smacks / SM-pending paths", sessions: [hibernated("phone", "away"), available("laptop", "away")],
    message: chatState(),
    spec: [NONE("spec/not-pushable"), NONE("spec/not-pushable")],
    tigase: [NONE("tigase/not-pushable"), NONE("tigase/not-pushable")],
    prosody: PUSH("prosody/hibernated", 1000), ejabberd: PUSH("ejabberd/session-pending"),
  },
  {
    id: "14", setup: "as 3, but type='groupchat' to the bare JID (MUC)", sessions: [available("laptop", "away")], message: MUC_MESSAGE,
    spec: [NONE("spec/not-pushable"), NONE("spec/not-pushable")],
    tigase: [PUSH("tigase/groupchat"), PUSH("tigase/groupchat")],
    prosody: PUSH("prosody/bare-groupchat"), ejabberd: NONE("ejabberd/not-pushable"),
  },
  {
    id: "15", setup: "as 3, but a JMI <propose> call without <body>", sessions: [available("laptop", "away")], message: CALL_PROPOSE,
    spec: [NONE("spec/not-pushable"), NONE("spec/not-pushable")],
    tigase: [NONE("tigase/not-pushable"), NONE("tigase/not-pushable")],
    prosody: PUSH("prosody/urgent"), ejabberd: NONE("ejabberd/no-body"),
  },
  {
    id: "15 (D live)", setup: "JMI <propose> while D is connected and available", sessions: [available("phone")], message: CALL_PROPOSE,
    spec: [NONE("spec/not-pushable"), NONE("spec/not-pushable")],
    tigase: [NONE("tigase/not-pushable"), NONE("tigase/not-pushable")],
    prosody: PUSH("prosody/urgent"), ejabberd: NONE("ejabberd/session-alive"),
  },
];

function expectationFor(row: Row, policy: PolicyName, flavour: 0 | 1): Expect {
  switch (policy) {
    case "spec": return row.spec[flavour];
    case "tigase": return row.tigase[flavour];
    case "prosody": return row.prosody;
    case "ejabberd": return row.ejabberd;
  }
}

const CASES = ROWS.flatMap((row) =>
  POLICY_NAMES.flatMap((policy) =>
    ([0, 1] as const).map((flavour) => {
      const expected = expectationFor(row, policy, flavour);
      const verdict = expected.push ? "PUSH" : "no push";
      const name = `row ${row.id} (${row.setup}) · ${policy} · R ${flavour === 0 ? "away='true'" : "without away"} → ${verdict} by ${expected.rule}`;
      return { name, row, policy, away: flavour === 0, expected };
    }),
  ),
);

describe("decision table B.2", () => {
  it.each(CASES)("$name", ({ row, policy, away, expected }) => {
    const r = registration("n-R", { away, by: "phone" });
    const decision = POLICIES[policy].decide(input({ sessions: row.sessions, registrations: [r], message: row.message }));

    expect(decision.policy).toBe(policy);
    expect(decision.rule).toBe(expected.rule);
    expect(pushedKeys(decision)).toEqual(expected.push ? [{ jid: SINK, node: "n-R" }] : []);

    expect(decision.verdicts).toHaveLength(1);
    const [v] = decision.verdicts;
    expect(v?.why).toMatch(expected.push ? /^pushed/ : /^not pushed/);
    expect(decision.reason.length).toBeGreaterThan(20);
    if (expected.push) expect(v?.delayMs ?? decision.delayMs).toBe(expected.delayMs);
    else expect(decision.summary).toEqual({});
  });

  it("covers every B.2 row 1-15", () => {
    const numbers = new Set(ROWS.map((row) => Number.parseInt(row.id, 10)));
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });
});
