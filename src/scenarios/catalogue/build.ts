/**
 * The building blocks of the catalogue's scenarios (docs/push-semantics.md §C): the scenario
 * wrapper, the set-ups several scenarios share and the expectations several policies share.
 *
 * Resources: A1, A2, A3 of the account; B sends; S (a full JID) is the App Server. A2 is the device
 * that registers (D in table B.2); "A2 gone" means its stream was closed cleanly.
 */
import { NS } from "../../protocol/ns";
import type { PolicyName } from "../../protocol/policy/types";
import type { Expectation, ProbeExpectation, Scenario, ScenarioInfo, SummaryExpectation } from "../expectations";
import type { EnableStepOptions, PushHarness } from "../harness";

export const AWAY = NS.pushAway;

/** A scenario from its description and steps; `run` never throws (a failed step is in the step log). */
export function scenario(info: ScenarioInfo, steps: (h: PushHarness) => PushHarness): Scenario {
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

/** One expectation for every policy. */
export function same(expectation: Expectation): Record<PolicyName, Expectation> {
  return { spec: expectation, tigase: expectation, prosody: expectation, ejabberd: expectation };
}

/** A2 registers with the sink (node label N unless given) and closes its stream: "C2, then A2 gone". */
export function registerThenLeave(h: PushHarness, options: EnableStepOptions = {}): PushHarness {
  return h.connect("A2").enable("A2", { label: "enable", ...options }).disconnect("A2");
}

/** C8's setup: A2 registered with away=true and gone, A1 connected with this presence. */
export function awaySetup(h: PushHarness, show: "away" | "xa" | "dnd" | "chat" | "available", options: EnableStepOptions = { away: true }): PushHarness {
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
export function killedAfterRegistering(h: PushHarness): PushHarness {
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

export const push = (...nodes: string[]): ProbeExpectation => ({ push: nodes });
export const enabled = { enable: "result" } as const;

/** What each policy puts in the summary form of a message push (docs/push-semantics.md A.4 and §0.2). */
export const SUMMARY: Record<PolicyName, SummaryExpectation> = {
  spec: { messageCount: "positive", sender: "full", body: "message" },
  // Offline-storage count: 1 in C4's conditions (the one message just stored).
  tigase: { messageCount: 1, sender: "full", body: "message" },
  // Always 1; sender and real body off by default (push_notification_with_sender/with_body).
  prosody: { messageCount: 1, sender: "absent", body: { placeholder: "New Message!" } },
  // No message-count; include_sender off; include_body's default placeholder.
  ejabberd: { messageCount: "absent", sender: "absent", body: { placeholder: "New message" } },
};

/** Prosody and ejabberd ignore away: a registration is pushed whenever its enabling session is gone (B.2 rows 2-6). */
export const sessionBound = (probes: Record<string, ProbeExpectation>, iqs: Expectation["iqs"] = enabled): Expectation => ({
  iqs,
  probes,
  basis: "B.2: the registration is pushed because its enabling session is gone, whatever the other resources' presence",
});
