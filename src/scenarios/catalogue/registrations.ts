/**
 * C19-C25: how registrations end and how servers answer: disable by node and by jid, App Server
 * errors, remote disable, Tigase's "retrieved" ping and the iq type checks.
 */
import type { Scenario } from "../expectations";
import { AWAY, enabled, push, registerThenLeave, same, scenario } from "./build";

export const REGISTRATION_SCENARIOS: readonly Scenario[] = [
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
];
