// The pushes a presence causes through a hibernated session's queue, predicted by the same
// policies the reference server runs (push-module.ts presenceQueued), from the presence stanzas a
// client sends. Differential runs: Prosody and ejabberd push `A2 presence; A2 enable N1; A2 drop;
// A1 presence`; Prosody relays an unavailable presence from a session that never sent presence (seed 41).
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS, type PolicyName, type PresenceState } from "../../protocol/policy/types";
import { parsePresence } from "../../protocol/stanzas/presence";
import { parseXml } from "../../protocol/stanzas/parse";
import type { SessionView } from "../stores/sessions";
import { ACCOUNT, connections, reg, resource } from "../test-support/expectation-fixtures";
import { connectionSessionId, sessionSnapshots, type RegistrationFacts } from "./predict";
import { predictPresencePushes, type PredictedPresencePush } from "./presence-pushes";

/** What a presence stanza sets: its state, or null for `type='unavailable'`. */
function presenceOf(xml: string): PresenceState | null {
  const parsed = parsePresence(parseXml(xml));
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.kind === "unavailable" ? null : { show: parsed.show, priority: parsed.priority };
}

const SM = { state: "hibernated" as const, enabled: true, resumable: true, id: "sm-1", max: 60, since: 0 };
/** A killed app whose session the server keeps: its last presence stays with it. */
const hibernated = (name: string, presence: "available" | "away" | null): SessionView => ({ ...resource(name, presence), status: "offline", sm: SM });

function predictFor(
  views: SessionView[],
  registrations: RegistrationFacts[],
  sender: string,
  stanza: string,
  serverPolicy: PolicyName | null = null,
): PredictedPresencePush[] {
  return predictPresencePushes({
    account: ACCOUNT,
    sessions: sessionSnapshots(views, connections(views)),
    registrations,
    options: DEFAULT_POLICY_OPTIONS,
    serverPolicy,
    senderSessionId: connectionSessionId(`res-${sender}`, sender, 1),
    senderLabel: sender,
    presence: presenceOf(stanza),
  });
}

/** n-phone, enabled by the phone, then disabled from `by`'s session. */
function disabledBy(by: string): RegistrationFacts {
  const r = reg("n-phone", { by: "phone", state: "disabled" });
  const disabler = { sessionId: connectionSessionId(`res-${by}`, by, 1), label: by, at: r.enabledAt + 1 };
  return { ...r, disabledBy: disabler, disabledBySessionId: disabler.sessionId };
}

const brief = (pushes: PredictedPresencePush[]) => pushes.map((p) => [p.policy, p.key.node, p.delayMs, p.rule]);

describe("predictPresencePushes: a presence queued to a hibernated session", () => {
  const phone = hibernated("phone", "available");

  it("Prosody pushes the hibernated phone's registration after its 1 s batch, without a body; ejabberd at once without a form", () => {
    const pushes = predictFor([resource("laptop", "available"), phone], [reg("n-phone", { by: "phone" })], "laptop", `<presence xmlns="jabber:client"><show>away</show></presence>`);
    expect(brief(pushes)).toEqual([
      ["prosody", "n-phone", 1000, "prosody/stanza-queued"],
      ["ejabberd", "n-phone", 0, "ejabberd/stanza-queued"],
    ]);
    expect(pushes[0]!.summary).toEqual({ formType: "form", messageCount: 1 });
    expect(pushes[1]!.summary).toEqual({ omitForm: true });
    expect(pushes[0]!.sentence).toBe("pushed because the presence of laptop was queued to hibernated phone (Prosody pushes a queued presence after ~1 s)");
    expect(pushes[1]!.sentence).toBe("pushed because the presence of laptop was queued to hibernated phone (ejabberd pushes a presence sent to a pending session at once)");
  });

  it("under the server's policy only, when its log names it", () => {
    const pushes = predictFor([resource("laptop", "available"), phone], [reg("n-phone", { by: "phone" })], "laptop", `<presence xmlns="jabber:client"/>`, "prosody");
    expect(brief(pushes)).toEqual([["prosody", "n-phone", 1000, "prosody/stanza-queued"]]);
  });

  it("nothing when the hibernated session holds no registration (the connected laptop enabled it)", () => {
    expect(predictFor([resource("laptop", "available"), phone], [reg("n-laptop", { by: "laptop" })], "laptop", `<presence xmlns="jabber:client"/>`)).toEqual([]);
  });

  it("nothing when the hibernated session never sent presence: the broadcast does not reach it", () => {
    expect(predictFor([resource("laptop", "available"), hibernated("phone", null)], [reg("n-phone", { by: "phone" })], "laptop", `<presence xmlns="jabber:client"/>`)).toEqual([]);
  });

  it("nothing while the phone is connected: only a hibernated session's queue pushes", () => {
    expect(predictFor([resource("laptop", "available"), resource("phone", "available")], [reg("n-phone", { by: "phone" })], "laptop", `<presence xmlns="jabber:client"/>`)).toEqual([]);
  });

  it("an unavailable presence from an available laptop is queued under both servers", () => {
    const pushes = predictFor([resource("laptop", "available"), phone], [reg("n-phone", { by: "phone" })], "laptop", `<presence xmlns="jabber:client" type="unavailable"/>`);
    expect(brief(pushes).map(([policy]) => policy)).toEqual(["prosody", "ejabberd"]);
    expect(pushes[0]!.sentence).toBe("pushed because the unavailable presence of laptop was queued to hibernated phone (Prosody pushes a queued presence after ~1 s)");
  });

  it("an unavailable presence from a laptop that never sent presence: Prosody relays it (seed 41), ejabberd drops it", () => {
    const pushes = predictFor([resource("laptop", null), phone], [reg("n-phone", { by: "phone" })], "laptop", `<presence xmlns="jabber:client" type="unavailable"/>`);
    expect(brief(pushes)).toEqual([["prosody", "n-phone", 1000, "prosody/stanza-queued"]]);
    expect(pushes[0]!.cause).toEqual({ kind: "presence-queued", from: "laptop", to: "phone", unavailable: true, relayed: true });
    expect(pushes[0]!.sentence).toMatch(/^pushed because the unavailable presence of laptop, which had sent no presence, was still relayed to hibernated phone/);
  });

  it("every hibernated session that sent presence gets it, each pushing what it holds", () => {
    const views = [resource("laptop", "available"), phone, hibernated("tablet", "away")];
    const pushes = predictFor(views, [reg("n-phone", { by: "phone" }), reg("n-tablet", { by: "tablet" })], "laptop", `<presence xmlns="jabber:client"><show>dnd</show><priority>5</priority></presence>`, "ejabberd");
    expect(pushes.map((p) => [p.key.node, p.cause.to])).toEqual([["n-phone", "phone"], ["n-tablet", "tablet"]]);
  });

  it("a registration the phone disabled before it was killed is not pushed (the account model's replay)", () => {
    const disabled = disabledBy("phone");
    expect(predictFor([resource("laptop", "available"), phone], [disabled], "laptop", `<presence xmlns="jabber:client"/>`)).toEqual([]);
  });

  it("one the laptop disabled: Prosody's phone still holds its push identifier and pushes it, ejabberd's does not", () => {
    const pushes = predictFor([resource("laptop", "available"), phone], [disabledBy("laptop")], "laptop", `<presence xmlns="jabber:client"/>`);
    expect(brief(pushes)).toEqual([["prosody", "n-phone", 1000, "prosody/stanza-queued"]]);
    expect(pushes[0]!.reason).toContain("this session still holds its push identifier");
  });
});
