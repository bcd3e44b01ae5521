/** fast-check arbitraries for valid setups, and a small typical one. */
import fc from "fast-check";
import type { FaultSettings } from "../../app-server/faults";
import { xmlTextProblem } from "../../../protocol/xml-text";
import { SETUP_LIMITS, SETUP_VERSION, type Setup, type SetupMessage, type SetupRegistration, type SetupResource } from "../setup";

// Code points, not UTF-16 units: split("") would cut the emoji into two lone surrogates.
const nameArb = fc
  .string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...[..."abcdefghijklmnopqrstuvwxyz0123456789-_<>&\"'é漢😀 "]) })
  .filter((s) => s.trim() === s && s.trim() !== "");
const textArb = fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }).filter((s) => s.trim() !== "" && xmlTextProblem(s, "text") === null && !s.includes("\t") && !s.includes("\n") && !s.includes("\r"));
const errorArb = fc.record({ type: fc.constantFrom("cancel" as const, "wait" as const, "auth" as const, "modify" as const), condition: fc.constantFrom("item-not-found", "internal-server-error", "forbidden") });

const faultsArb: fc.Arbitrary<FaultSettings> = fc.record({
  latency: fc.oneof(fc.constant({ kind: "none" as const }), fc.integer({ min: 0, max: 5000 }).map((ms) => ({ kind: "fixed" as const, ms }))),
  answer: fc.oneof(fc.constant({ kind: "profile" as const }), fc.constant({ kind: "no-reply" as const }), errorArb.map((e) => ({ kind: "error" as const, ...e }))),
  errorProbability: fc.record({ p: fc.double({ min: 0, max: 1, noNaN: true }), type: fc.constant("wait" as const), condition: fc.constant("internal-server-error") }),
  rateLimitPerSecond: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
  providerOutcome: fc.option(fc.constantFrom("delivered" as const, "token-expired" as const, "dropped" as const), { nil: null }),
});

export const setupArb: fc.Arbitrary<Setup> = fc.uniqueArray(nameArb, { minLength: 1, maxLength: SETUP_LIMITS.resources }).chain((names) => {
  const resource: fc.Arbitrary<SetupResource[]> = fc.tuple(
    ...names.map((name) =>
      fc.record({
        name: fc.constant(name),
        presence: fc.option(fc.record({ show: fc.constantFrom("available" as const, "away" as const, "xa" as const, "dnd" as const, "chat" as const), priority: fc.integer({ min: -128, max: 127 }) }), { nil: null }),
        end: fc.constantFrom("online" as const, "disconnected" as const, "killed" as const),
      }),
    ),
  );
  const registration: fc.Arbitrary<SetupRegistration> = fc.record({
    from: fc.constantFrom(...names),
    node: textArb,
    away: fc.boolean(),
    publishOptions: fc.array(fc.record({ var: fc.constantFrom("app", "priority", "device"), value: fc.string({ maxLength: 20 }) }), { maxLength: 3 }),
    credentialFields: fc.subarray(["secret", "token"]),
  });
  const message: fc.Arbitrary<SetupMessage> = fc.oneof(
    fc.record({ to: fc.constantFrom("bare", ...names), kind: fc.constantFrom("chat" as const, "groupchat" as const), body: textArb, count: fc.integer({ min: 1, max: SETUP_LIMITS.burst }) }),
    fc.record({ to: fc.constantFrom("bare", ...names), kind: fc.constant("chat-state" as const), count: fc.constant(1) }),
  );
  return fc.record({
    v: fc.constant(SETUP_VERSION),
    domain: fc.constantFrom("localhost", "tigase.localhost", "prosody.localhost", "ejabberd.localhost"),
    resources: resource,
    registrations: fc.array(registration, { maxLength: SETUP_LIMITS.registrations }),
    sink: fc.record({
      profile: fc.constantFrom("generic" as const, "p2" as const, "fpush" as const, "mod_push_appserver" as const, "tigase" as const),
      mode: fc.oneof(fc.constant({ kind: "result" as const }), fc.constant({ kind: "timeout" as const }), errorArb.map((e) => ({ kind: "error" as const, ...e }))),
      faults: fc.option(faultsArb, { nil: null }),
      faultsByNode: fc.dictionary(textArb, faultsArb, { maxKeys: 3 }),
    }),
    messages: fc.array(message, { maxLength: 5 }),
  });
});

/** The README walk-through as a setup: phone away with an away registration, laptop gone, one message. */
export function walkthroughSetup(): Setup {
  return {
    v: SETUP_VERSION,
    domain: "localhost",
    resources: [
      { name: "phone", presence: { show: "away", priority: 0 }, end: "online" },
      { name: "laptop", presence: { show: "available", priority: 0 }, end: "disconnected" },
    ],
    registrations: [{ from: "phone", node: "walkthrough-node", away: true, publishOptions: [], credentialFields: [] }],
    sink: { profile: "generic", mode: { kind: "result" }, faults: null, faultsByNode: {} },
    messages: [{ to: "bare", kind: "chat", body: "Lunch at noon?", count: 1 }],
  };
}

