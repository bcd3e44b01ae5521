/**
 * App Server profiles: how each real App Server answers a publish on the wire
 * (docs/push-ecosystem.md §1). A profile is data (label, what it emulates, its
 * source, its enable-form defaults, its rate-limit answer) and one pure `answer` function.
 */
import type { AppServerOutcome } from "../../protocol/policy/types";
import type { SinkMode } from "../model";
import type { ProfileAnswer, ProfileId, ProfileSettings, PublishInput } from "./types";

export interface ProfileContext {
  settings: ProfileSettings;
  /** The generic profile's answer (the sink's answer mode). */
  genericMode: SinkMode;
  /** Tokens blocked by earlier provider outcomes (fpush). */
  blockedTokens: readonly string[];
}

export interface AppServerProfile {
  id: ProfileId;
  label: string;
  /** One sentence: what it emulates, for the Sink tab. */
  emulates: string;
  /** Where its behaviour comes from. */
  source: string;
  /** Built-in rate limit (publishes per second per node), if the real one has one. */
  builtInRateLimit: number | null;
  /** How it answers a publish over its rate limit. */
  rateLimitAnswer: ProfileAnswer;
  /** Publish-options the enable form should carry for it. */
  formDefaults(settings: ProfileSettings): { var: string; value: string }[];
  answer(input: PublishInput, ctx: ProfileContext): ProfileAnswer;
}

const RESULT: AppServerOutcome = { kind: "result" };
const NO_REPLY: AppServerOutcome = { kind: "timeout" };
const error = (type: "cancel" | "modify" | "auth" | "wait", condition: string): AppServerOutcome => ({ kind: "error", type, condition });
const BAD_REQUEST = error("modify", "bad-request");

const generic: AppServerProfile = {
  id: "generic",
  label: "Generic (answer mode)",
  emulates: "No particular App Server: every publish gets the answer chosen below.",
  source: "XEP-0357 §8",
  builtInRateLimit: null,
  rateLimitAnswer: { outcome: error("wait", "resource-constraint"), note: "rate limited" },
  formDefaults: () => [],
  answer(input, ctx) {
    if (input.parseError) return { outcome: BAD_REQUEST, note: `malformed push: ${input.parseError}` };
    return { outcome: ctx.genericMode, note: "the chosen answer mode" };
  },
};

const p2: AppServerProfile = {
  id: "p2",
  label: "p2 (Conversations)",
  emulates: "Conversations' App Server: checks the node and the secret publish-option, then hands the push to FCM.",
  source: "iNPUTmice/p2 (PushController.java)",
  builtInRateLimit: null,
  rateLimitAnswer: { outcome: error("wait", "resource-constraint"), note: "rate limited" },
  formDefaults: (settings) => [{ var: "secret", value: settings.p2.secret }],
  answer(input, { settings }) {
    if (input.parseError) return { outcome: BAD_REQUEST, note: `malformed push: ${input.parseError}` };
    const { secret, knownNodes, providerFailure } = settings.p2;
    if (knownNodes.length > 0 && !knownNodes.includes(input.node)) return { outcome: error("cancel", "item-not-found"), note: `p2 knows no registration for node ${input.node || "(none)"}` };
    const sent = input.options.secret;
    if (sent === undefined) return { outcome: error("auth", "forbidden"), note: "no secret publish-option" };
    if (sent !== secret) return { outcome: error("auth", "forbidden"), note: "wrong secret publish-option" };
    if (providerFailure) return { outcome: error("wait", "recipient-unavailable"), note: "FCM refused the push" };
    return { outcome: RESULT, note: "secret matches; handed to FCM (hashed account id only)" };
  },
};

const fpush: AppServerProfile = {
  id: "fpush",
  label: "fpush (Monal)",
  emulates: "Monal's App Server: the node is the device token, the pushModule publish-option picks the app (APNs).",
  source: "monal-im/fpush (xmpp/message_loop.rs, fpush-apns/src/push.rs)",
  builtInRateLimit: null,
  // fpush used to answer wait; "some admins did not understand the wait iq", so it acks now.
  rateLimitAnswer: { outcome: RESULT, note: "rate limited: acknowledged but not pushed" },
  formDefaults: (settings) => [{ var: "pushModule", value: settings.fpush.modules[0] ?? "" }],
  answer(input, { settings, blockedTokens }) {
    // A publish fpush cannot parse is dropped without an answer: the server sees a timeout.
    if (input.parseError) return { outcome: NO_REPLY, note: `unparsable publish dropped without reply: ${input.parseError}` };
    const module = input.options.pushModule ?? settings.fpush.modules[0];
    // Guess: an unknown module is reported as a missing item (fpush has no such app configured).
    if (!module || !settings.fpush.modules.includes(module)) return { outcome: error("cancel", "item-not-found"), note: `no push module ${module ?? "(none)"}` };
    if (settings.fpush.blockedTokens.includes(input.node) || blockedTokens.includes(input.node)) {
      return { outcome: error("cancel", "policy-violation"), note: `token ${input.node} blocked (APNs answered 410)` };
    }
    return { outcome: RESULT, note: `pushed through module ${module}` };
  },
};

/** mod_push_appserver: `high` only when the body is there (auto), else as configured. */
export function modPushPriority(input: PublishInput, setting: ProfileSettings["modPushAppserver"]["priority"]): "high" | "silent" {
  if (setting !== "auto") return setting;
  return input.summary?.lastMessageBody !== undefined ? "high" : "silent";
}

const modPushAppserver: AppServerProfile = {
  id: "mod_push_appserver",
  label: "mod_push_appserver (older Monal)",
  emulates: "Prosody-based App Server: 5 publishes per second per device, priority high/silent/auto.",
  source: "tmolitor-stud-tu/mod_push_appserver (archived 2022); Monal #354",
  builtInRateLimit: 5,
  rateLimitAnswer: { outcome: error("wait", "resource-constraint"), note: "rate limit of 5 per second exceeded" },
  formDefaults: () => [],
  answer(input, { settings }) {
    if (input.parseError) return { outcome: BAD_REQUEST, note: `malformed push: ${input.parseError}` };
    const priority = modPushPriority(input, settings.modPushAppserver.priority);
    return { outcome: RESULT, note: `sent to APNs with priority ${priority}`, details: [`priority ${priority}`] };
  },
};

export const TIGASE_ENCRYPT = "{tigase:push:encrypt:0}encrypted";
export const TIGASE_PRIORITY = "{tigase:push:priority:0}priority";

const tigase: AppServerProfile = {
  id: "tigase",
  label: "Tigase push component (Siskin, Beagle)",
  emulates: "Tigase's component: accepts encrypted (tigase:push:encrypt:0) and priority (tigase:push:priority:0) payloads.",
  source: "tigase/tigase-xeps (docs/push-notifications)",
  builtInRateLimit: null,
  rateLimitAnswer: { outcome: error("wait", "resource-constraint"), note: "rate limited" },
  formDefaults: () => [],
  answer(input) {
    if (input.parseError) return { outcome: BAD_REQUEST, note: `malformed push: ${input.parseError}` };
    const details: string[] = [];
    if (input.extraChildren.some((c) => c.startsWith("{tigase:push:encrypt:0}"))) details.push("encrypted payload (AES-128-GCM)");
    if (input.extraChildren.some((c) => c.startsWith("{tigase:push:priority:0}"))) details.push("priority payload");
    return { outcome: RESULT, note: details.length ? `accepted: ${details.join(", ")}` : "accepted (plain summary)", details };
  },
};

export const PROFILES: Readonly<Record<ProfileId, AppServerProfile>> = { generic, p2, fpush, mod_push_appserver: modPushAppserver, tigase };
export const PROFILE_IDS: readonly ProfileId[] = ["generic", "p2", "fpush", "mod_push_appserver", "tigase"];
