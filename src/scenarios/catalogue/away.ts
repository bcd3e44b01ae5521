/**
 * C8-C18: the away extension (tigase:push:away:0): which presence of the other resources lets an
 * away='true' registration be pushed, opting in and out, and what is not pushable.
 */
import type { Scenario } from "../expectations";
import { AWAY, awaySetup, enabled, push, scenario, sessionBound } from "./build";

export const AWAY_SCENARIOS: readonly Scenario[] = [
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
];
