/** C26-C27: the enabling device is killed (B.2 rows 11-12) and its XEP-0198 session hibernates. */
import type { Scenario } from "../expectations";
import { enabled, killedAfterRegistering, scenario, sessionBound } from "./build";

export const HIBERNATION_SCENARIOS: readonly Scenario[] = [
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
