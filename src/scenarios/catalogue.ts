/**
 * The conformance scenarios of design push-semantics.md §C (C1-C25, and C26-C27 for the "app
 * killed" rows 11-12 of table B.2) as data plus steps, with what
 * each policy of §0.2 expects (tigase, prosody and ejabberd per tables B.2 and B.4).
 *
 * Resources: A1, A2, A3 of the account; B sends; S (a full JID) is the App Server. A2 is the device
 * that registers (D in table B.2); "A2 gone" means its stream was closed cleanly.
 */
import { NS } from "../protocol/ns";
import type { PolicyName } from "../protocol/policy/types";
import type { EnableStepOptions, PushHarness } from "./harness";
import type { Expectation, ProbeExpectation, Scenario, ScenarioInfo, SummaryExpectation } from "./expectations";

const AWAY = NS.pushAway;

function scenario(info: ScenarioInfo, steps: (h: PushHarness) => PushHarness): Scenario {
  return {
    ...info,
    async run(h) {
      try {
        await steps(h);
      } catch {
        // The failed step is in the step log; observation() reports it as `aborted`.
      }
      return h.observation(info.id);
    },
  };
}

function same(expectation: Expectation): Record<PolicyName, Expectation> {
  return { spec: expectation, tigase: expectation, prosody: expectation, ejabberd: expectation };
}

/** A2 registers with the sink (node label N unless given) and closes its stream: "C2, then A2 gone". */
function registerThenLeave(h: PushHarness, options: EnableStepOptions = {}): PushHarness {
  return h.connect("A2").enable("A2", { label: "enable", ...options }).disconnect("A2");
}

/** C8's setup: A2 registered with away=true and gone, A1 connected with this presence. */
function awaySetup(h: PushHarness, show: "away" | "xa" | "dnd" | "chat" | "available", options: EnableStepOptions = { away: true }): PushHarness {
  return registerThenLeave(h, options).connect("A1").presence("A1", show);
}

/**
 * B.2 rows 11-12: A2 (stream management on) sends available presence, registers and is killed:
 * its socket drops without </close>, and the server hibernates the resumable session. The probe
 * `hibernation` keeps what the server does on hibernation itself apart from the push for B's
 * message, and is not judged: whether stanzas are still unacknowledged when the socket drops
 * depends on when the server last asked for an ack. Observed (Prosody 0.12, ejabberd 23.01): Prosody
 * pushed nothing on hibernation and B's message ~1003 ms later (its smacks batch timer); ejabberd
 * pushed at once on hibernation (c2s_session_pending with the enable result unacknowledged) and
 * again at once for B's message; both pushed while A1 was available (row 12) and delivered B's
 * message to A1. Both windows outlast Prosody's 1 s batch timer.
 */
function killedAfterRegistering(h: PushHarness): PushHarness {
  const quietMs = Math.max(h.waits.noPushMs, HIBERNATION_QUIET_MS);
  return h
    .connect("A2", { streamManagement: true })
    .presence("A2", "available")
    .enable("A2", { label: "enable" })
    .drop("A2")
    .collect("hibernation", { quietMs })
    .send()
    .collect("message", { quietMs });
}

/** Longer than Prosody's 1 s batch of hibernation pushes, with room for a busy machine. */
const HIBERNATION_QUIET_MS = 1800;

const push = (...nodes: string[]): ProbeExpectation => ({ push: nodes });
const enabled = { enable: "result" } as const;

/** What each policy puts in the summary form of a message push (design A.4 and §0.2). */
const SUMMARY: Record<PolicyName, SummaryExpectation> = {
  spec: { messageCount: "positive", sender: "full", body: "message" },
  // Offline-storage count: 1 in C4's conditions (the one message just stored).
  tigase: { messageCount: 1, sender: "full", body: "message" },
  // Always 1; sender and real body off by default (push_notification_with_sender/with_body).
  prosody: { messageCount: 1, sender: "absent", body: { placeholder: "New Message!" } },
  // No message-count; include_sender off; include_body's default placeholder.
  ejabberd: { messageCount: "absent", sender: "absent", body: { placeholder: "New message" } },
};

/** Prosody and ejabberd ignore away: a registration is pushed whenever its enabling session is gone (B.2 rows 2-6). */
const sessionBound = (probes: Record<string, ProbeExpectation>, iqs: Expectation["iqs"] = enabled): Expectation => ({
  iqs,
  probes,
  basis: "B.2: the registration is pushed because its enabling session is gone, whatever the other resources' presence",
});

export const SCENARIOS: readonly Scenario[] = [
  scenario(
    {
      id: "C1",
      name: "Disco features",
      level: "MUST",
      setup: "A1 connected",
      action: "disco#info to the account's own bare JID",
      expectation: "lists urn:xmpp:push:0 and tigase:push:away:0 (without away, the away scenarios are N/A)",
      backing: "XEP-0357 §5.1; T-SPEC §4.1; Tigase ServiceDiscovery.addAccountFeatures",
      expected: {
        spec: { iqs: { disco: "result" }, features: { include: [NS.push, AWAY] }, basis: "§0.2 spec: the bare-JID disco lists both" },
        tigase: { iqs: { disco: "result" }, features: { include: [NS.push, AWAY] }, basis: "A.1: Tigase with the away bean on" },
        prosody: { iqs: { disco: "result" }, features: { include: [NS.push], exclude: [AWAY] }, basis: "§0.2 prosody: does not advertise the away feature" },
        ejabberd: { iqs: { disco: "result" }, features: { include: [NS.push], exclude: [AWAY] }, basis: "A.1: ejabberd has no tigase:push:* at all" },
      },
    },
    (h) => h.connect("A1").disco("A1"),
  ),
  scenario(
    {
      id: "C2",
      name: "Enable with away",
      level: "MUST",
      needs: [AWAY],
      setup: "A2 connected",
      action: "<enable jid=S node=N away='true'/>",
      expectation: "iq result, empty",
      backing: "T-SPEC §4.2; Tigase okResult",
      expected: same({ iqs: { enable: "empty-result" }, basis: "A.2: all three accept it (Prosody and ejabberd ignore away)" }),
    },
    (h) => h.connect("A2").enable("A2", { away: true, label: "enable" }),
  ),
  scenario(
    {
      id: "C3",
      name: "Enable without jid",
      level: "SHOULD",
      setup: "A2 connected",
      action: "<enable node=N/> (no jid)",
      expectation: "iq error bad-request",
      backing: "XEP-0357 §6 (MUST contain jid); Tigase :137; Prosody :191; ejabberd codec",
      expected: same({ iqs: { enable: { error: "bad-request" } }, basis: "A.2 error replies" }),
    },
    (h) => h.connect("A2").enable("A2", { jid: null, label: "enable" }),
  ),
  scenario(
    {
      id: "C4",
      name: "Offline baseline",
      level: "MUST",
      setup: "A2 enables N, then A2 gone; nobody of the account connected",
      action: "B → account (bare): chat with body",
      expectation: "S gets a publish to N",
      backing: "XEP-0357 §8; B.2 row 1",
      expected: same({ iqs: enabled, probes: { offline: { push: ["N"], delivered: [] } }, basis: "B.2 row 1: nobody connected, every registration is pushed" }),
    },
    (h) => registerThenLeave(h).send().collect("offline"),
  ),
  scenario(
    {
      id: "C5",
      name: "Publisher address",
      level: "SHOULD",
      setup: "as C4",
      action: "inspect the publish iq",
      expectation: "from = the account's domain (no local part, no resource)",
      backing: "XEP-0357 0.3 revision; all three servers",
      expected: same({ iqs: enabled, probes: { offline: { push: ["N"], checks: ["from-domain"] } }, basis: "A.4: from is the server's domain JID everywhere" }),
    },
    (h) => registerThenLeave(h).send().collect("offline"),
  ),
  scenario(
    {
      id: "C6",
      name: "Publish-options echo",
      level: "SHOULD",
      setup: "A2 enables N with a publish-options form (secret = random), then A2 gone",
      action: "B → account",
      expectation: "<publish-options><x> carries the same secret",
      backing: "XEP-0357 §8; Tigase, Prosody, ejabberd",
      expected: same({ iqs: enabled, probes: { offline: { push: ["N"], checks: ["publish-options-echo"] } }, basis: "A.4: all three echo the form" }),
    },
    (h) => registerThenLeave(h, { publishOptions: { secret: `s-${Math.random().toString(36).slice(2, 12)}` } }).send().collect("offline"),
  ),
  scenario(
    {
      id: "C7",
      name: "Summary form sanity",
      level: "INFO",
      setup: "as C4",
      action: "inspect <notification>",
      expectation: "if an <x> is present: FORM_TYPE urn:xmpp:push:summary, only registered fields, integer message-count; record which fields were present",
      backing: "XEP-0357 §8/§12; table A.4",
      expected: {
        spec: { iqs: enabled, probes: { offline: { push: ["N"], checks: ["summary-form"], summary: SUMMARY.spec } }, basis: "§0.2 spec payload: message-count >= 1, full sender, body" },
        tigase: { iqs: enabled, probes: { offline: { push: ["N"], checks: ["summary-form"], summary: SUMMARY.tigase } }, basis: "A.4 Tigase: offline count, full sender, real body" },
        prosody: { iqs: enabled, probes: { offline: { push: ["N"], checks: ["summary-form"], summary: SUMMARY.prosody } }, basis: "A.4 Prosody: count 1, no sender, 'New Message!'" },
        ejabberd: { iqs: enabled, probes: { offline: { push: ["N"], checks: ["summary-form"], summary: SUMMARY.ejabberd } }, basis: "A.4 ejabberd: no count, no sender, 'New message'" },
      },
    },
    (h) => registerThenLeave(h).send().collect("offline"),
  ),
  scenario(
    {
      id: "C8",
      name: "Core: other client away",
      level: "MUST",
      needs: [AWAY],
      setup: "A2 enables N with away='true', A2 gone; A1 presence away",
      action: "B → account",
      expectation: "A1 receives the message and S gets a publish to N",
      backing: "T-SPEC §4; B.2 row 3; Tigase PushNotificationsWithAwayTest",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: ["N"], delivered: ["A1"] } }, basis: "§0.2 spec rule 2: all receiving resources away, away=true registrations pushed" },
        tigase: { iqs: enabled, probes: { message: { push: ["N"], delivered: ["A1"] } }, basis: "B.2 row 3" },
        prosody: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
        ejabberd: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
      },
    },
    (h) => awaySetup(h, "away").send().collect("message"),
  ),
  scenario(
    {
      id: "C9",
      name: "Core: xa",
      level: "MUST",
      needs: [AWAY],
      setup: "as C8 with <show>xa</show>",
      action: "B → account",
      expectation: "push to N",
      backing: "T-SPEC §4; B.2 row 3",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: ["N"], delivered: ["A1"] } }, basis: "§0.2: xa is away" },
        tigase: { iqs: enabled, probes: { message: { push: ["N"], delivered: ["A1"] } }, basis: "B.2 row 3" },
        prosody: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
        ejabberd: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
      },
    },
    (h) => awaySetup(h, "xa").send().collect("message"),
  ),
  scenario(
    {
      id: "C10",
      name: "Available suppresses",
      level: "MUST",
      needs: [AWAY],
      setup: "as C8, but A1's presence has no <show>",
      action: "B → account",
      expectation: "A1 receives it; no publish",
      backing: "T-SPEC (while other clients are AWAY/XA); Tigase test 3rd case; B.2 row 2",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: [], delivered: ["A1"] } }, basis: "§0.2 spec rule 3: a resource is online" },
        tigase: { iqs: enabled, probes: { message: { push: [], delivered: ["A1"] } }, basis: "B.2 row 2" },
        prosody: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
        ejabberd: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
      },
    },
    (h) => awaySetup(h, "available").send().collect("message"),
  ),
  scenario(
    {
      id: "C11",
      name: "One available resource suffices",
      level: "MUST",
      needs: [AWAY],
      setup: "as C8; A1 away and A3 available",
      action: "B → account",
      expectation: "no publish",
      backing: "B.2 row 6",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: [] } }, basis: "§0.2 spec rule 3" },
        tigase: { iqs: enabled, probes: { message: { push: [] } }, basis: "B.2 row 6" },
        prosody: sessionBound({ message: { push: ["N"] } }),
        ejabberd: sessionBound({ message: { push: ["N"] } }),
      },
    },
    (h) => awaySetup(h, "away").connect("A3").presence("A3", "available").send().collect("message"),
  ),
  scenario(
    {
      id: "C12",
      name: "Tracks presence changes",
      level: "MUST",
      needs: [AWAY],
      setup: "as C8",
      action: "B → account; A1 available, B → account; A1 xa, B → account",
      expectation: "push / no push / push",
      backing: "B.2 rows 2-3",
      expected: {
        spec: { iqs: enabled, probes: { away: { push: ["N"], delivered: ["A1"] }, available: { push: [], delivered: ["A1"] }, xa: { push: ["N"], delivered: ["A1"] } }, basis: "§0.2 spec rules 2-3" },
        tigase: { iqs: enabled, probes: { away: { push: ["N"], delivered: ["A1"] }, available: { push: [], delivered: ["A1"] }, xa: { push: ["N"], delivered: ["A1"] } }, basis: "B.2 rows 2-3" },
        prosody: sessionBound({ away: push("N"), available: push("N"), xa: push("N") }),
        ejabberd: sessionBound({ away: push("N"), available: push("N"), xa: push("N") }),
      },
    },
    (h) =>
      awaySetup(h, "away")
        .send()
        .collect("away")
        .presence("A1", "available")
        .send()
        .collect("available")
        .presence("A1", "xa")
        .send()
        .collect("xa"),
  ),
  scenario(
    {
      id: "C13",
      name: "Opt-in required",
      level: "COMPAT",
      needs: [AWAY],
      setup: "A2 enables N without away, A2 gone; A1 away",
      action: "B → account",
      expectation: "no publish (from a server that advertises away)",
      backing: "B.2 row 3, Tigase column 'without away'",
      expected: {
        spec: { iqs: enabled, probes: { message: push() }, basis: "§0.2 spec rule 2: only away=true registrations" },
        tigase: { iqs: enabled, probes: { message: push() }, basis: "B.2 row 3 without away" },
        prosody: sessionBound({ message: push("N") }),
        ejabberd: sessionBound({ message: push("N") }),
      },
    },
    (h) => awaySetup(h, "away", {}).send().collect("message"),
  ),
  scenario(
    {
      id: "C14",
      name: "Opt-out by re-enable",
      level: "SHOULD",
      needs: [AWAY],
      setup: "A2 enables N with away='true', then enables N again without away; A2 gone; A1 away",
      action: "B → account; then A1 gone too, B → account",
      expectation: "no publish; then exactly one publish (the re-enable replaced the registration)",
      backing: "XEP-0357 §6 last request wins; T-ADMIN",
      expected: {
        spec: { iqs: { "enable-away": "result", "enable-plain": "result" }, probes: { away: push(), offline: push("N") }, basis: "§0.1: a new enable with the same key replaces the old one whole" },
        tigase: { iqs: { "enable-away": "result", "enable-plain": "result" }, probes: { away: push(), offline: push("N") }, basis: "A.2 turning away off; B.2 row 1" },
        prosody: { iqs: { "enable-away": "result", "enable-plain": "result" }, probes: { away: push("N"), offline: push("N") }, basis: "B.2 row 3 (away ignored); one registration per jid+node" },
        ejabberd: { iqs: { "enable-away": "result", "enable-plain": "result" }, probes: { away: push("N"), offline: push("N") }, basis: "B.2 row 3 (away ignored); A.6: re-enable deletes the old row" },
      },
    },
    (h) =>
      h
        .connect("A2")
        .enable("A2", { away: true, label: "enable-away" })
        .enable("A2", { label: "enable-plain" })
        .disconnect("A2")
        .connect("A1")
        .presence("A1", "away")
        .send()
        .collect("away")
        .disconnect("A1")
        .send()
        .collect("offline"),
  ),
  scenario(
    {
      id: "C15",
      name: "Boolean strictness",
      level: "MUST",
      partLevels: { one: "INFO", "enable-one": "INFO" },
      needs: [AWAY],
      setup: "A2 enables N1 with away='false', A2 gone; A1 away. Then A2 disables N1, enables N2 with away='1', A2 gone",
      action: "B → account after each",
      expectation: "away='false' → no publish (MUST); away='1' → record (Tigase: no publish)",
      backing: "Tigase AwayPushNotificationsExtension :131",
      expected: {
        spec: { iqs: { "enable-false": "result", "enable-one": "result" }, probes: { false: push(), one: push("N2") }, basis: "§0.2: away is true for the literal true or 1 (xs:boolean)" },
        tigase: { iqs: { "enable-false": "result", "enable-one": "result" }, probes: { false: push(), one: push() }, basis: "A.2: only the literal 'true' counts" },
        prosody: sessionBound({ false: push("N1"), one: push("N2") }, { "enable-false": "result", "enable-one": "result" }),
        ejabberd: sessionBound({ false: push("N1"), one: push("N2") }, { "enable-false": "result", "enable-one": "result" }),
      },
    },
    (h) =>
      awaySetup(h, "away", { node: "N1", away: "false", label: "enable-false" })
        .send()
        .collect("false")
        .connect("A2")
        .disable("A2", { node: "N1", label: "disable-false" })
        .enable("A2", { node: "N2", away: "1", label: "enable-one" })
        .disconnect("A2")
        .send()
        .collect("one"),
  ),
  scenario(
    {
      id: "C16",
      name: "dnd",
      level: "INFO",
      needs: [AWAY],
      setup: "as C8 with <show>dnd</show>",
      action: "B → account",
      expectation: "record push or none (Tigase pushes)",
      backing: "T-SPEC (away/xa) vs T-ADMIN and Siskin (away/xa/dnd)",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: [], delivered: ["A1"] } }, basis: "§0.1: dnd is online unless the server adds it to the away set (default off)" },
        tigase: { iqs: enabled, probes: { message: { push: ["N"], delivered: ["A1"] } }, basis: "B.2 row 4" },
        prosody: sessionBound({ message: push("N") }),
        ejabberd: sessionBound({ message: push("N") }),
      },
    },
    (h) => awaySetup(h, "dnd").send().collect("message"),
  ),
  scenario(
    {
      id: "C17",
      name: "chat",
      level: "INFO",
      needs: [AWAY],
      setup: "as C8 with <show>chat</show>",
      action: "B → account",
      expectation: "record (Tigase code pushes; recommended: no push)",
      backing: "§B.1",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: [], delivered: ["A1"] } }, basis: "§0.1: chat is online" },
        tigase: { iqs: enabled, probes: { message: { push: ["N"], delivered: ["A1"] } }, basis: "B.2 row 5 (code quirk)" },
        prosody: sessionBound({ message: push("N") }),
        ejabberd: sessionBound({ message: push("N") }),
      },
    },
    (h) => awaySetup(h, "chat").send().collect("message"),
  ),
  scenario(
    {
      id: "C18",
      name: "No body, no push",
      level: "SHOULD",
      needs: [AWAY],
      setup: "as C8",
      action: "B sends a chat-state-only message; then a message with a body (control)",
      expectation: "no publish for the chat state; a publish for the control message",
      backing: "Tigase away :154; B.2 row 13",
      expected: {
        spec: { iqs: enabled, probes: { "chat-state": push(), body: push("N") }, basis: "§0.1: body-less messages are not pushable" },
        tigase: { iqs: enabled, probes: { "chat-state": push(), body: push("N") }, basis: "B.2 row 13" },
        prosody: { iqs: enabled, probes: { "chat-state": push(), body: push("N") }, basis: "B.2 row 13: not archived by MAM, no hibernation" },
        ejabberd: { iqs: enabled, probes: { "chat-state": push(), body: push("N") }, basis: "B.2 row 13: not archived by MAM, no SM pending" },
      },
    },
    (h) => awaySetup(h, "away").send({ body: null, chatState: "composing" }).collect("chat-state").send().collect("body"),
  ),
  scenario(
    {
      id: "C19",
      name: "Disable node",
      level: "MUST",
      setup: "A2 enables N, then <disable jid=S node=N/>; A2 gone",
      action: "B → account",
      expectation: "disable gets a result; no publish",
      backing: "XEP-0357 §7 (MUST NOT attempt publishing)",
      expected: same({ iqs: { enable: "result", disable: "result" }, probes: { offline: push() }, basis: "A.3" }),
    },
    (h) => h.connect("A2").enable("A2", { label: "enable" }).disable("A2", { label: "disable" }).disconnect("A2").send().collect("offline"),
  ),
  scenario(
    {
      id: "C20",
      name: "Multiple nodes, disable by jid",
      level: "SHOULD",
      setup: "A2 enables N1 and N2 on S; A2 gone",
      action: "B → account; then A2 connects, sends <disable jid=S/> and leaves; B → account",
      expectation: "first message: two publishes (N1, N2); after the disable: none",
      backing: "XEP-0357 §6/§7; all three",
      expected: same({
        iqs: { "enable-1": "result", "enable-2": "result", "disable-all": "result" },
        probes: { both: push("N1", "N2"), after: push() },
        basis: "A.3: a disable without node removes every node of that jid",
      }),
    },
    (h) =>
      h
        .connect("A2")
        .enable("A2", { node: "N1", label: "enable-1" })
        .enable("A2", { node: "N2", label: "enable-2" })
        .disconnect("A2")
        .send()
        .collect("both")
        .connect("A2")
        .disable("A2", { node: null, label: "disable-all" })
        .disconnect("A2")
        .send()
        .collect("after"),
  ),
  scenario(
    {
      id: "C21",
      name: "Permanent error disables",
      level: "SHOULD",
      setup: "C4 conditions; S answers the first publish with <error type='cancel'><item-not-found/></error>",
      action: "B → account twice (nobody of the account online)",
      expectation: "second message: no publish (Prosody keeps trying until 16 errors: 'tolerant')",
      backing: "XEP-0357 §8.1; Tigase; ejabberd; Prosody",
      expected: {
        spec: { iqs: enabled, probes: { first: push("N"), second: push() }, basis: "§0.2 spec: a non-wait error removes the registration" },
        tigase: { iqs: enabled, probes: { first: push("N"), second: push() }, basis: "B.4 Tigase: item-not-found removes" },
        prosody: { iqs: enabled, probes: { first: push("N"), second: push("N") }, basis: "B.4 Prosody: counted, removed only at 16" },
        ejabberd: { iqs: enabled, probes: { first: push("N"), second: push() }, basis: "B.4 ejabberd: any non-wait error removes at once" },
      },
    },
    (h) =>
      registerThenLeave(h)
        .sinkAnswers({ type: "cancel", condition: "item-not-found" })
        .send()
        .collect("first")
        .sinkAnswers("result")
        .send()
        .collect("second"),
  ),
  scenario(
    {
      id: "C22",
      name: "Transient error keeps",
      level: "SHOULD",
      setup: "as C21, but S answers <error type='wait'><internal-server-error/></error>",
      action: "B → account twice",
      expectation: "the second message is still published",
      backing: "XEP-0357 §8.1 MAY; table B.4",
      expected: same({ iqs: enabled, probes: { first: push("N"), second: push("N") }, basis: "B.4: kept by all (Tigase by condition, the others by type)" }),
    },
    (h) =>
      registerThenLeave(h)
        .sinkAnswers({ type: "wait", condition: "internal-server-error" })
        .send()
        .collect("first")
        .sinkAnswers("result")
        .send()
        .collect("second"),
  ),
  scenario(
    {
      id: "C23",
      name: "Remote disable",
      level: "INFO",
      setup: "C4 conditions; S sends the §A.5 affiliation-none message for N",
      action: "B → account",
      expectation: "record: no publish (Tigase) or publish (Prosody, ejabberd)",
      backing: "XEP-0357 §9 MAY",
      expected: {
        spec: { iqs: enabled, probes: { "remote-disable": push(), after: push() }, basis: "the spec policy honours XEP-0357 §9 (honoursRemoteDisable)" },
        tigase: { iqs: enabled, probes: { "remote-disable": push(), after: push() }, basis: "A.5: Tigase removes jid/node" },
        prosody: { iqs: enabled, probes: { "remote-disable": push("N"), after: push("N") }, basis: "A.5: Prosody ignores it (and pushes for the affiliation message it stores offline)" },
        ejabberd: { iqs: enabled, probes: { "remote-disable": push("N"), after: push("N") }, basis: "A.5: ejabberd ignores it (and pushes for the affiliation message it stores offline)" },
      },
    },
    // The affiliation message itself is a body-less message to an account with nobody connected:
    // a server that ignores it stores it offline, and Prosody (message/offline/handle) and ejabberd
    // (offline_message hook) push for it, without a body. Its own probe keeps that push apart from B's.
    (h) => registerThenLeave(h).sinkRemoteDisable("N").collect("remote-disable").send().collect("after"),
  ),
  scenario(
    {
      id: "C24",
      name: "'Retrieved' ping",
      level: "INFO",
      needs: [AWAY],
      setup: "A2 enables N with away='true', A2 gone",
      action: "A3 connects and sends initial presence; watch S",
      expectation: "record whether S gets a notification with message-count=0 and no sender/body (Tigase sends one)",
      backing: "§B.3; Siskin's dismiss logic",
      expected: {
        spec: { iqs: enabled, probes: { presence: { push: [], retrieved: [] } }, basis: "§0.2 spec sends no retrieved notification" },
        tigase: { iqs: enabled, probes: { presence: { push: [], retrieved: ["N"] } }, basis: "B.3: a session's first presence pings away registrations" },
        prosody: { iqs: enabled, probes: { presence: { push: [], retrieved: [] } }, basis: "Prosody has no such notification" },
        ejabberd: { iqs: enabled, probes: { presence: { push: [], retrieved: [] } }, basis: "ejabberd has no such notification" },
      },
    },
    (h) => registerThenLeave(h, { away: true }).mark().connect("A3").presence("A3", "available").collect("presence"),
  ),
  scenario(
    {
      id: "C25",
      name: "IQ type checks",
      level: "INFO",
      setup: "A2 connected",
      action: "iq type='get' carrying <enable/>; then <disable jid=S node=unknown/>",
      expectation: "get → error (ejabberd not-allowed; Tigase accepts!); disable of an unknown registration → result (Tigase, Prosody) or item-not-found (ejabberd)",
      backing: "§A.2/A.3",
      expected: {
        spec: { iqs: { "enable-get": { error: "bad-request" }, "disable-unknown": "result" }, basis: "§0.2 spec: enable must be a set; disable always answers result" },
        tigase: { iqs: { "enable-get": "result", "disable-unknown": "result" }, basis: "A.2: the iq type is not checked; A.3: result even if nothing matched" },
        prosody: { iqs: { "enable-get": { error: "service-unavailable" }, "disable-unknown": "result" }, basis: "A.2: only iq-set is hooked; A.3: always result" },
        ejabberd: { iqs: { "enable-get": { error: "not-allowed" }, "disable-unknown": { error: "item-not-found" } }, basis: "A.2/A.3 ejabberd" },
      },
    },
    (h) => h.connect("A2").enable("A2", { iqType: "get", node: "NG", label: "enable-get" }).disable("A2", { node: "UNKNOWN", label: "disable-unknown" }),
  ),
  scenario(
    {
      id: "C26",
      name: "Enabling device killed, nobody else",
      level: "SHOULD",
      needsStreamManagement: true,
      setup: "A2 (XEP-0198 resumable) available, enables N, then its socket drops without </close> (app killed): the session hibernates",
      action: "B → account (bare)",
      expectation: "S gets a publish to N (a hibernated session is not receiving); Tigase: none while the last presence was available",
      backing: "B.2 row 11; D.11; XEP-0198 §5",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: ["N"], delivered: [] } }, basis: "§0.1: a hibernated session is not receiving; nobody receives, every registration is pushed" },
        tigase: { iqs: enabled, probes: { message: { push: [], delivered: [] } }, basis: "B.2 row 11: Tigase keeps the last presence (available), no SM trigger" },
        prosody: { iqs: enabled, probes: { message: { push: ["N"], delivered: [] } }, basis: "B.2 row 11: mod_cloud_notify pushes each stanza queued for a hibernated session (1 s batch)" },
        ejabberd: { iqs: enabled, probes: { message: { push: ["N"], delivered: [] } }, basis: "B.2 row 11: mod_push pushes while mgmt_state=pending (c2s_handle_send)" },
      },
    },
    (h) => killedAfterRegistering(h),
  ),
  scenario(
    {
      id: "C27",
      name: "Enabling device killed, another resource available",
      level: "INFO",
      needsStreamManagement: true,
      setup: "A1 available; A2 (XEP-0198 resumable) available, enables N, then its socket drops without </close>",
      action: "B → account (bare)",
      expectation: "A1 receives it; spec and Tigase: no publish (an online resource); Prosody and ejabberd: publish to N",
      backing: "B.2 row 12; D.11",
      expected: {
        spec: { iqs: enabled, probes: { message: { push: [], delivered: ["A1"] } }, basis: "§0.2 spec rule 3: a resource is online" },
        tigase: { iqs: enabled, probes: { message: { push: [], delivered: ["A1"] } }, basis: "B.2 row 12" },
        prosody: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
        ejabberd: sessionBound({ message: { push: ["N"], delivered: ["A1"] } }),
      },
    },
    (h) => killedAfterRegistering(h.connect("A1").presence("A1", "available")),
  ),
];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** The catalogue without its step functions (for JSON export, the UI's list, the CLI's --list). */
export function describeScenarios(): ScenarioInfo[] {
  return SCENARIOS.map(({ run: _run, ...info }) => info);
}
