/**
 * "Try it" over design table B.2 (docs/push-semantics.md), against the in-process reference server:
 * every row the headless driver can set up, under each policy (the four virtual hosts) and with R
 * enabled with away='true' and without it. For each case the table marks as not pushed, the
 * server's decision record must say so (with the table's rule); the first counterfactual of its
 * explanation, applied through `applyChange` (what the card's "Try it" button calls), and the
 * message sent again, must be pushed, by the rule the counterfactual predicted. Where only a policy
 * switch flips the case, "Try it" must say where that policy runs, and the same set-up there pushes.
 * Cases where "Try it" cannot make the change are listed in KNOWN_GAPS, each checked as described.
 *
 * D = "phone" enabled registration R; O = "laptop", "tablet". Rows 11-12 run on a server with
 * XEP-0198 on, the others on one without (src/server/test-support/test-server.ts says why). Rows 1 (always pushed) and 13-15
 * (other message kinds, which the table pairs with setups the other rows cover) are left out.
 * The expected rules are those of src/protocol/policy/decision-table.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { Change, Counterfactual } from "../../protocol/explain";
import type { PolicyName } from "../../protocol/policy/types";
import type { MessageSentEvent, PushEvent } from "../model";
import type { MessageExplanation } from "../stores/explanations";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile, type ReferenceServerFixture } from "../test-support/reference-server";

const DOMAINS: Record<PolicyName, string> = { spec: "localhost", tigase: "tigase.localhost", prosody: "prosody.localhost", ejabberd: "ejabberd.localhost" };

/** A column of B.2: the policy, and for spec and Tigase whether R has away='true'. */
type Column = `${"spec" | "tigase"}/${"away" | "no-away"}` | "prosody" | "ejabberd";

interface Row {
  id: string;
  setup: string;
  /** The resources the driver starts with (phone first). */
  resources: string[];
  /** The row's state needs XEP-0198 hibernation (rows 11 and 12). */
  hibernates?: boolean;
  /** After phone enabled R: bring the account into the row's state. */
  arrange(d: PlaygroundDriver): PlaygroundDriver;
  /** The columns where B.2 says "no", with the rule the server records. */
  notPushed: Partial<Record<Column, string>>;
}

const leave = (d: PlaygroundDriver) => d.disconnect("phone");

const ROWS: Row[] = [
  {
    id: "2", setup: "D gone; O available", resources: ["phone", "laptop"],
    arrange: leave,
    notPushed: { "spec/away": "spec/online-session", "spec/no-away": "spec/online-session", "tigase/away": "tigase/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "3 (away)", setup: "D gone; O away", resources: ["phone", "laptop"],
    arrange: (d) => leave(d).presence("laptop", "away"),
    notPushed: { "spec/no-away": "spec/all-away", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "3 (xa)", setup: "D gone; O xa", resources: ["phone", "laptop"],
    arrange: (d) => leave(d).presence("laptop", "xa"),
    notPushed: { "spec/no-away": "spec/all-away", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "4", setup: "D gone; O dnd", resources: ["phone", "laptop"],
    arrange: (d) => leave(d).presence("laptop", "dnd"),
    notPushed: { "spec/away": "spec/online-session", "spec/no-away": "spec/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "5", setup: "D gone; O chat", resources: ["phone", "laptop"],
    arrange: (d) => leave(d).presence("laptop", "chat"),
    notPushed: { "spec/away": "spec/online-session", "spec/no-away": "spec/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "6", setup: "D gone; O1 away + O2 available", resources: ["phone", "laptop", "tablet"],
    arrange: (d) => leave(d).presence("laptop", "away"),
    notPushed: { "spec/away": "spec/online-session", "spec/no-away": "spec/online-session", "tigase/away": "tigase/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "7", setup: "D gone; O available with priority -1", resources: ["phone", "laptop"],
    arrange: (d) => leave(d).presence("laptop", "available", -1),
    notPushed: { "tigase/away": "tigase/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "8", setup: "D gone; O connected without initial presence", resources: ["phone", "laptop"],
    arrange: (d) => {
      d.pg.setPresenceOnConnect(d.lane("laptop"), null);
      return leave(d).disconnect("laptop").connect("laptop");
    },
    notPushed: { "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "9", setup: "D connected and available", resources: ["phone"],
    arrange: (d) => d,
    notPushed: { "spec/away": "spec/online-session", "spec/no-away": "spec/online-session", "tigase/away": "tigase/online-session", "tigase/no-away": "tigase/no-away-registration", prosody: "prosody/session-alive", ejabberd: "ejabberd/session-alive" },
  },
  {
    id: "10", setup: "D connected with away, nobody else", resources: ["phone"],
    arrange: (d) => d.presence("phone", "away"),
    notPushed: { "spec/no-away": "spec/all-away", "tigase/no-away": "tigase/no-away-registration", prosody: "prosody/session-alive", ejabberd: "ejabberd/session-alive" },
  },
  {
    id: "11 (last show away)", setup: "D hibernated, last presence away, nobody else", resources: ["phone"], hibernates: true,
    arrange: (d) => d.presence("phone", "away").kill("phone"),
    notPushed: { "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "11 (last presence without show)", setup: "D hibernated, last presence available, nobody else", resources: ["phone"], hibernates: true,
    arrange: (d) => d.kill("phone"),
    notPushed: { "tigase/away": "tigase/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
  {
    id: "12", setup: "D hibernated (last presence away) + O available", resources: ["phone", "laptop"], hibernates: true,
    arrange: (d) => d.presence("phone", "away").kill("phone"),
    notPushed: { "spec/away": "spec/online-session", "spec/no-away": "spec/online-session", "tigase/away": "tigase/online-session", "tigase/no-away": "tigase/no-away-registration" },
  },
];

/**
 * Cases whose first counterfactual "Try it" does not make against the reference server (found by
 * this file, reported; the fix belongs in apply-change.ts, not here). Each is checked to fail the way
 * it is described: once "Try it" makes the change, its case fails and the entry is to be deleted.
 */
/**
 * Cases where Try it cannot make the first counterfactual, each checked as described (none today:
 * a hibernated phone is resumed to re-enable and killed again, or resumed and closed to disconnect).
 */
const KNOWN_GAPS: Record<string, { refused?: string; stillHibernated?: true; why: string }> = {};

function columnOf(column: Column): { policy: PolicyName; away: boolean } {
  const [policy, flag] = column.split("/") as [PolicyName, string | undefined];
  // Prosody and ejabberd ignore away: one case each, with R enabled with it.
  return { policy, away: flag !== "no-away" };
}

const CASES = ROWS.flatMap((row) =>
  (Object.entries(row.notPushed) as [Column, string][]).map(([column, rule]) => ({
    name: `row ${row.id} (${row.setup}) · ${column}`,
    row,
    column,
    rule,
    ...columnOf(column),
    knownGap: KNOWN_GAPS[`${row.id}·${column}`],
  })),
);
type Case = (typeof CASES)[number];

/** Select the sent message and wait for its explanation from the server's decision record. */
async function explanationOf(d: PlaygroundDriver, messageId: string): Promise<MessageExplanation> {
  const sent = await d.waitFor(() => d.sentEvent(messageId), `the sent message ${messageId}`);
  d.pg.timeline.select(sent.id);
  return d.waitFor(() => {
    const current = d.pg.stores.explanations.getState().current;
    return current?.eventId === sent.id && current.source === "decision-record" && current.status === "ready" ? current : null;
  }, `the decision record's explanation of ${messageId}`, { sync: true });
}

/** The message the change makes push: the one a "send" change sends itself, else the next one sent. */
async function sendAgain(d: PlaygroundDriver, change: Change): Promise<string> {
  if (change.kind === "send") {
    const sent = d.events().filter((e): e is MessageSentEvent => e.kind === "message-sent");
    return sent[sent.length - 1]!.messageId;
  }
  await d.send("after");
  return d.lastSent[0]!;
}

/** Phone enabled R, the account put in the row's state, "before" sent: its explanation, not pushed by the table's rule. */
async function notPushedCase(server: ReferenceServerFixture, c: Case): Promise<{ d: PlaygroundDriver; before: MessageExplanation; first: Counterfactual }> {
  const { d } = await arrangeOn(server, c, c.policy);
  const before = await explanationOf(d, d.lastSent[0]!);
  expect(before.policy).toBe(c.policy);
  expect(before.card?.rule.id).toBe(c.rule);
  expect(before.card?.pushed).toBe(false);
  const first = before.counterfactuals[0];
  expect(first, "a counterfactual for a message that was not pushed").toBeDefined();
  expect(first!.outcome.pushed).toBe(true);
  return { d, before, first: first! };
}

/** Put a fresh account of `server` into the case's state on the virtual host of `policy`, and send "before". */
// The driver is thenable (awaiting it runs its chain), so it is handed back inside an object.
async function arrangeOn(server: ReferenceServerFixture, { row, away }: Case, policy: PolicyName): Promise<{ d: PlaygroundDriver }> {
  const d = server.driver({ domain: DOMAINS[policy], initialResources: row.resources, windowMs: 300 });
  await d.connect(...row.resources, "sender", "sink").sync().enable({ from: "phone", away });
  await row.arrange(d);
  if (row.hibernates) await d.waitFor(() => d.events().some((e) => e.kind === "decision" && e.logKind === "session-hibernated"), "the server's session-hibernated entry", { sync: true });
  await d.send("before");
  return { d };
}

/** Waits for the push the message caused (linked by the decision log) and checks its record's rule. */
async function expectPushed(d: PlaygroundDriver, messageId: string, first: Counterfactual): Promise<void> {
  const push = await d.waitFor(() => d.pushes().find((p: PushEvent) => p.causeMessageId === messageId), `a push linked to ${messageId} after: ${first.sentence}`, { sync: true });
  expect(push.linkMethod).toBe("server log");
  const after = await explanationOf(d, messageId);
  expect(after.card?.pushed, first.sentence).toBe(true);
  expect(after.card?.rule.id, first.sentence).toBe(first.outcome.rule);
}

function runRows(server: ReferenceServerFixture, cases: Case[]): void {
  const triable = cases.filter((c) => !c.knownGap);
  it.each(triable)("$name: not pushed; its first counterfactual, tried, makes the message sent again push", async (c) => {
    const { d, before, first } = await notPushedCase(server, c);
    const tried = await d.pg.applyChange(first.change);
    if (first.change.kind === "policy") {
      // Policies come last: no change the user can make flips this case (B.2 row 6, spec, R without away).
      expect(before.counterfactuals.every((cf) => cf.change.kind === "policy")).toBe(true);
      // Try it says where that policy runs instead of switching it; set up the same there, it pushes.
      expect(tried).toMatchObject({ ok: false, error: { message: expect.stringContaining(`virtual host ${DOMAINS[first.change.policy]}`) } });
      const { d: there } = await arrangeOn(server, c, first.change.policy);
      await expectPushed(there, there.lastSent[0]!, first);
      return;
    }
    expect(tried, `${first.sentence}\n${JSON.stringify(tried)}`).toMatchObject({ ok: true });
    expect(d.pg.stores.explanations.getState().trial).toMatchObject({ status: "done" });
    await expectPushed(d, await sendAgain(d, first.change), first);
  });

  const gaps = cases.filter((c) => c.knownGap);
  if (gaps.length === 0) return;
  it.each(gaps)("$name: KNOWN GAP, Try it does not make the first counterfactual ($knownGap.why)", async (c) => {
    const gap = c.knownGap!;
    const { d, first } = await notPushedCase(server, c);
    const tried = await d.pg.applyChange(first.change);
    if (gap.refused) {
      expect(tried).toEqual({ ok: false, error: { code: "not-connected", message: gap.refused } });
      return;
    }
    // Try it says it is done, yet the server still holds phone's session: nothing changed for the next message.
    expect(tried, first.sentence).toMatchObject({ ok: true });
    const messageId = await sendAgain(d, first.change);
    const after = await explanationOf(d, messageId);
    expect(after.card?.pushed).toBe(false);
    expect(after.card?.resources.find((r) => r.resource === "phone")?.connection).toBe("hibernated");
  });
}

describe("Try it over design table B.2 (rows 2-10)", () => {
  runRows(referenceServerPerFile(), CASES.filter((c) => !c.row.hibernates));
});

describe("Try it over design table B.2 (rows 11-12, XEP-0198 hibernation)", () => {
  // Resumption outlasts the test: a hibernated phone must still be hibernated when sent to again.
  runRows(referenceServerPerFile({ streamManagement: true, resumptionTimeoutMs: 60_000 }), CASES.filter((c) => c.row.hibernates));
});
