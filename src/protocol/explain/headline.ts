/**
 * The card's headline: one or two plain sentences naming the resources and registrations that
 * decided, e.g. "Not pushed: laptop is online (available), so spec pushes nothing."
 */
import { enablerState, joinList, presenceText, regLabel } from "../policy/common";
import type { DecisionInput, PushDecision, RegistrationSnapshot, SessionSnapshot } from "../policy/types";
import { isReceiving } from "../routing";
import { POLICY_LABEL } from "./rules";
import { isTigaseOnline, standingOf } from "./state";

const isAre = (n: number) => (n === 1 ? "is" : "are");
const hasHave = (n: number) => (n === 1 ? "has" : "have");
const itThem = (n: number) => (n === 1 ? "it" : "them");
const labels = (regs: readonly RegistrationSnapshot[]) => joinList(regs.map(regLabel));

/** "available", "away", "dnd at priority -1": the presence a session last sent. */
function presenceLabel(s: SessionSnapshot): string {
  const p = s.presence;
  if (p === null) return "no presence";
  const show = p.show ?? "available";
  return p.priority < 0 ? `${show} at priority ${p.priority}` : show;
}

/** "laptop has sent no presence", "phone is hibernated (last presence away)", "laptop is available at priority -1". */
function describeSession(s: SessionSnapshot): string {
  if (s.state === "hibernated") return `${s.resource} is hibernated (last presence ${s.presence === null ? "none" : presenceLabel(s)})`;
  if (s.presence === null) return `${s.resource} has sent no presence`;
  return `${s.resource} is ${presenceLabel(s)}`;
}

function describeSessions(sessions: readonly SessionSnapshot[]): string {
  return joinList(sessions.map(describeSession));
}

function noReceiving(input: DecisionInput): string {
  return input.sessions.length === 0
    ? `nobody of ${input.account} is connected`
    : `no resource is receiving (${describeSessions(input.sessions)})`;
}

function specHeadline(input: DecisionInput, d: PushDecision, pushedRegs: RegistrationSnapshot[]): string | null {
  const { sessions, registrations } = input;
  switch (d.rule) {
    case "spec/no-receiving-session":
      return `${noReceiving(input)}, so spec pushes every registration.`;
    case "spec/online-session": {
      const online = sessions.filter((s) => standingOf(s, input) === "online");
      return `${joinList(online.map((s) => s.resource))} ${isAre(online.length)} online (${online.map(presenceLabel).join(", ")}), so spec pushes nothing.`;
    }
    case "spec/all-away": {
      const receiving = sessions.filter(isReceiving);
      const [only] = receiving;
      const who = receiving.length === 1 && only
        ? `the only receiving resource, ${only.resource}, is ${presenceLabel(only)}`
        : `every receiving resource is away (${receiving.map((s) => `${s.resource}: ${presenceLabel(s)}`).join(", ")})`;
      const without = registrations.filter((r) => !r.away);
      if (pushedRegs.length === 0) {
        return `${who}, but no registration has away='true' (${labels(without)} ${without.length === 1 ? "was" : "were"} enabled without it).`;
      }
      const first = `${who} and ${labels(pushedRegs)} ${hasHave(pushedRegs.length)} away='true'.`;
      return without.length === 0 ? first : `${first} ${labels(without)} ${isAre(without.length)} not pushed: only registrations with away='true' are, when every receiving resource is away.`;
    }
  }
  return null;
}

function tigaseHeadline(input: DecisionInput, d: PushDecision): string | null {
  const { sessions, registrations, account } = input;
  const awayRegs = registrations.filter((r) => r.away);
  const without = registrations.filter((r) => !r.away);
  switch (d.rule) {
    case "tigase/offline":
      return `${account} has no session, so Tigase's offline path pushes every registration.`;
    case "tigase/no-away-registration":
      return (
        `${account} has a session (${describeSessions(sessions)}), so Tigase's offline path does not apply, ` +
        `and no registration has away='true' (${labels(without)} ${without.length === 1 ? "was" : "were"} enabled without it), so the away trigger does not fire.`
      );
    case "tigase/groupchat": {
      const receivers = sessions.filter((s) => s.presence !== null && s.presence.priority >= 0);
      return `a groupchat message to the bare JID while ${describeSessions(receivers)} fires Tigase's groupchat trigger, which pushes every registration.`;
    }
    case "tigase/online-session": {
      const online = sessions.filter(isTigaseOnline);
      return `${joinList(online.map((s) => s.resource))} ${hasHave(online.length)} a presence without <show> (${online.map(presenceText).join("; ")}), which Tigase counts as online whatever the priority, so it pushes nothing.`;
    }
    case "tigase/away": {
      const first = `no session has a presence without <show> (${describeSessions(sessions)}) and ${labels(awayRegs)} ${hasHave(awayRegs.length)} away='true', so Tigase's away trigger fires.`;
      return without.length === 0 ? first : `${first} Tigase pushes ${labels(without)} too, although ${without.length === 1 ? "it lacks" : "they lack"} away='true'.`;
    }
  }
  return null;
}

type BoundPath = "offline" | "not-alive" | "hibernated" | "alive" | "no-body";

/** The path a session-bound server (prosody, ejabberd) takes for one registration; mirrors their `pathOf`. */
function boundPath(input: DecisionInput, reg: RegistrationSnapshot, policy: "prosody" | "ejabberd"): BoundPath {
  const state = enablerState(reg, input.sessions);
  const m = input.message;
  if (state === "hibernated") return "hibernated";
  const offline = policy === "prosody" ? input.delivery.storedOffline : input.delivery.storedOffline && !m.hasBody && m.standaloneChatState !== true;
  if (offline) return "offline";
  if (state === "connected") return "alive";
  return m.hasBody ? "not-alive" : "no-body";
}

/** "the enabling session of n-1, phone, is" / "the enabling sessions of n-1 and n-2 (phone and tablet) are". */
function enablerOf(group: readonly RegistrationSnapshot[]): string {
  const resources = [...new Set(group.map((r) => r.enabledByResource))];
  if (group.length === 1) return `the enabling session of ${labels(group)}, ${joinList(resources)}, is`;
  return `the enabling ${resources.length === 1 ? "session" : "sessions"} of ${labels(group)} (${joinList(resources)}) ${isAre(resources.length)}`;
}

function boundClause(input: DecisionInput, path: BoundPath, group: RegistrationSnapshot[], policy: "prosody" | "ejabberd"): string {
  const server = POLICY_LABEL[policy];
  const them = itThem(group.length);
  switch (path) {
    case "offline":
      return `the message is stored offline because ${noReceiving(input)}, so ${server}'s offline hook pushes ${labels(group)}`;
    case "not-alive":
      return `${enablerOf(group)} gone, so ${server}'s MAM hook pushes ${them}`;
    case "hibernated":
      return `${enablerOf(group)} hibernated, so ${server} pushes ${them}${policy === "prosody" ? " after its 1 s batch timer" : ""}`;
    case "alive":
      return `${enablerOf(group)} still connected, so ${server} does not push ${them}`;
    case "no-body":
      return `the message has no <body>, so ${server} does not archive it, and ${enablerOf(group)} gone rather than hibernated`;
  }
}

const BOUND_ORDER: readonly BoundPath[] = ["offline", "not-alive", "hibernated", "no-body", "alive"];
const BOUND_PUSHES: ReadonlySet<BoundPath> = new Set(["offline", "not-alive", "hibernated"]);

function boundHeadline(input: DecisionInput, d: PushDecision, policy: "prosody" | "ejabberd"): string | null {
  if (!/\/(offline|session-not-alive|hibernated|session-pending|session-alive|no-body)$/.test(d.rule)) return null;
  // A verdict for a registration no longer stored (Prosody's DetachedHold): the policy's reason says it.
  if (d.verdicts.some((v) => !input.registrations.some((r) => r.jid === v.key.jid && r.node === v.key.node))) return null;
  const groups = new Map<BoundPath, RegistrationSnapshot[]>();
  for (const reg of input.registrations) {
    const path = boundPath(input, reg, policy);
    // The paths mirror the policies' own; should they ever drift apart, the policy's reason speaks.
    const verdict = d.verdicts.find((v) => v.key.jid === reg.jid && v.key.node === reg.node);
    if (verdict?.push !== BOUND_PUSHES.has(path)) return null;
    groups.set(path, [...(groups.get(path) ?? []), reg]);
  }
  const clauses = BOUND_ORDER.filter((p) => groups.has(p)).map((p) => boundClause(input, p, groups.get(p) ?? [], policy));
  const first = `${clauses.join("; ")}.`;
  // The classic surprise (docs/push-ecosystem.md §3 #5): another resource is online and the push still goes out.
  const enablers = new Set(input.registrations.map((r) => r.enabledByResource));
  const others = input.sessions.filter((s) => !enablers.has(s.resource) && isReceiving(s));
  if (!d.verdicts.some((v) => v.push) || others.length === 0 || groups.has("offline")) return first;
  return `${first} ${POLICY_LABEL[policy]} does not look at the other resources' presence (${describeSessions(others)}).`;
}

/** The reason a policy gave, as a sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function headline(input: DecisionInput, d: PushDecision): string {
  const pushedKeys = d.verdicts.filter((v) => v.push).map((v) => v.key);
  const pushedRegs = input.registrations.filter((r) => pushedKeys.some((k) => k.jid === r.jid && k.node === r.node));
  const lead = pushedKeys.length === 0 ? "Not pushed" : `Pushed to ${joinList(pushedKeys.map(regLabel))}`;
  const body = d.policy === "spec" ? specHeadline(input, d, pushedRegs) : d.policy === "tigase" ? tigaseHeadline(input, d) : boundHeadline(input, d, d.policy);
  return `${lead}: ${body ?? sentence(d.reason)}`;
}
