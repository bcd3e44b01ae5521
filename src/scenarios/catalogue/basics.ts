/**
 * C1-C7: discovery, enabling, and the push for a message to an account with nobody connected
 * (its publisher, publish-options echo and summary form).
 */
import { NS } from "../../protocol/ns";
import type { Scenario } from "../expectations";
import { AWAY, enabled, registerThenLeave, same, scenario, SUMMARY } from "./build";

export const BASIC_SCENARIOS: readonly Scenario[] = [
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
];
