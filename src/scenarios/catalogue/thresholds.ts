/**
 * C28-C30: how many App Server errors a registration survives (docs/push-semantics.md B.4,
 * docs/push-ecosystem.md §2.1). ejabberd removes it at the first error whose type is not `wait`; Prosody
 * counts such errors, removes it at the 16th (`push_max_errors`) and resets the count on a
 * success; a `wait` error is never counted. Removal is observed the way it can be on a real
 * server: whether the next message is still pushed.
 *
 * Each message is one round (`send`, then `syncSink`: the sink's answer has been processed before
 * the next message), and a probe files a run of rounds, so 16 errors cost one quiet window, not 16.
 */
import { PROSODY_MAX_ERRORS } from "../../protocol/policy/prosody";
import type { StanzaErrorSpec } from "../../protocol/policy/types";
import type { Expectation, ProbeExpectation, Scenario } from "../expectations";
import type { PushHarness } from "../harness";
import { enabled, push, registerThenLeave, scenario } from "./build";

/** A permanent error: the App Server does not know the node (p2's answer). */
const PERMANENT: StanzaErrorSpec = { type: "cancel", condition: "item-not-found" };

/** mod_push_appserver's answer when a node exceeds its rate limit (`Ratelimit reached`). */
const RATE_LIMITED: StanzaErrorSpec = { type: "wait", condition: "resource-constraint", text: "Ratelimit reached" };

/** Errors Prosody survives: one fewer than its removal threshold. */
const SURVIVED = PROSODY_MAX_ERRORS - 1;

/** `count` messages from B, each settled with the sink's answer processed, filed under `label`. */
export function rounds(h: PushHarness, count: number, label: string): PushHarness {
  for (let i = 0; i < count; i++) h.send().syncSink();
  return h.collect(label);
}

/** `count` pushes to N (a probe's multiset). */
function pushes(count: number): ProbeExpectation {
  return push(...Array.from({ length: count }, () => "N"));
}

/** The policies that remove at the first non-wait error: one push, then none in every later probe. */
function removedAtFirst(probeLabels: readonly string[], basis: string): Expectation {
  const [first, ...later] = probeLabels;
  const probes: Record<string, ProbeExpectation> = { [first ?? "first"]: push("N") };
  for (const label of later) probes[label] = push();
  return { iqs: enabled, probes, basis };
}

const C28_PROBES = ["first", "errors-2-15", "error-16", "after"] as const;
const C29_PROBES = ["errors", "success", "error-after-success", "after"] as const;

export const THRESHOLD_SCENARIOS: readonly Scenario[] = [
  scenario(
    {
      id: "C28",
      name: "Removal after 1 or 16 errors",
      level: "SHOULD",
      setup: "C4 conditions; S answers every publish with <error type='cancel'><item-not-found/></error>",
      action: "B → account 16 times, each after S's answer to the previous push was processed; then S answers result and B → account once more",
      expectation:
        "ejabberd (and spec, Tigase): the first message is pushed, none after it. Prosody: messages 1-16 are pushed (kept after 15 errors), the 16th error removes it: the 17th is not pushed",
      backing: "XEP-0357 §8 Publish Errors; table B.4; docs/push-ecosystem.md §2.1",
      expected: {
        spec: removedAtFirst(C28_PROBES, "§0.2 spec: the first non-wait error removes the registration"),
        tigase: removedAtFirst(C28_PROBES, "B.4 Tigase: item-not-found removes at once"),
        prosody: {
          iqs: enabled,
          probes: { first: push("N"), "errors-2-15": pushes(SURVIVED - 1), "error-16": push("N"), after: push() },
          basis: "B.4 Prosody: non-wait errors are counted; kept after 15, removed at the 16th (push_max_errors)",
        },
        ejabberd: removedAtFirst(C28_PROBES, "B.4 ejabberd: the first non-wait error deletes the registration"),
      },
    },
    (h) => {
      registerThenLeave(h).sinkAnswers(PERMANENT);
      rounds(h, 1, "first");
      rounds(h, SURVIVED - 1, "errors-2-15");
      rounds(h, 1, "error-16");
      return h.sinkAnswers("result").send().collect("after");
    },
  ),
  scenario(
    {
      id: "C29",
      name: "A success resets the error count",
      level: "INFO",
      setup: "C4 conditions; S answers <error type='cancel'><item-not-found/></error> to 15 publishes, result to the next, then the error again",
      action: "B → account 15 times, once (answered result), once (answered the error), then once more (answered result), each after S's previous answer was processed",
      expectation:
        "Prosody: every message is pushed (the success set the count back to 0, so the error after it is the 1st, not the 16th). ejabberd (and spec, Tigase): only the first",
      backing: "Prosody mod_cloud_notify handle_push_success; table B.4",
      expected: {
        spec: removedAtFirst(C29_PROBES, "§0.2 spec: the first non-wait error removes the registration"),
        tigase: removedAtFirst(C29_PROBES, "B.4 Tigase: item-not-found removes at once"),
        prosody: {
          iqs: enabled,
          probes: { errors: pushes(SURVIVED), success: push("N"), "error-after-success": push("N"), after: push("N") },
          basis: "B.4 Prosody: a result resets the error counter, so 15 + 1 errors never reach 16",
        },
        ejabberd: removedAtFirst(C29_PROBES, "B.4 ejabberd: the first non-wait error deletes the registration"),
      },
    },
    (h) => {
      registerThenLeave(h).sinkAnswers(PERMANENT);
      rounds(h, SURVIVED, "errors");
      rounds(h.sinkAnswers("result"), 1, "success");
      rounds(h.sinkAnswers(PERMANENT), 1, "error-after-success");
      return h.sinkAnswers("result").send().collect("after");
    },
  ),
  scenario(
    {
      id: "C30",
      name: "wait errors never remove",
      level: "SHOULD",
      setup: "C4 conditions; S answers every publish with <error type='wait'><resource-constraint/></error> (mod_push_appserver's rate limit)",
      action: "B → account 16 times (Prosody's threshold), each after S's previous answer was processed; then S answers result and B → account once more",
      expectation: "every message is pushed: a wait error is never counted (spec, Prosody, ejabberd judge by type); Tigase judges by condition and removes on resource-constraint",
      backing: "XEP-0357 §8 MAY keep on transient errors; table B.4; D.8",
      expected: {
        spec: { iqs: enabled, probes: { waits: pushes(PROSODY_MAX_ERRORS), after: push("N") }, basis: "§0.2 spec: a wait error keeps the registration" },
        tigase: removedAtFirst(["waits", "after"], "B.4 Tigase: judged by condition, resource-constraint removes whatever the type (D.8)"),
        prosody: { iqs: enabled, probes: { waits: pushes(PROSODY_MAX_ERRORS), after: push("N") }, basis: "B.4 Prosody: type=wait errors are not counted" },
        ejabberd: { iqs: enabled, probes: { waits: pushes(PROSODY_MAX_ERRORS), after: push("N") }, basis: "B.4 ejabberd: type=wait is a temporary rejection, the registration is kept" },
      },
    },
    (h) => {
      registerThenLeave(h).sinkAnswers(RATE_LIMITED);
      rounds(h, PROSODY_MAX_ERRORS, "waits");
      return h.sinkAnswers("result").send().collect("after");
    },
  ),
];
