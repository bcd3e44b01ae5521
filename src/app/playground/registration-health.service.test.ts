/**
 * Registration health against the reference server, one policy per virtual host: the sink answers
 * every publish with an error and the registration is removed at the count its policy says
 * (docs/push-semantics.md B.4), as the playground's Registrations table reports it.
 */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../../protocol/policy";
import type { PolicyName } from "../../protocol/policy/types";
import type { SinkMode } from "../model";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";
import { registrationKeyId } from "../stores/registrations";
import { healthOfRegistration, type RegistrationHealth } from "./registration-health";

const server = referenceServerPerFile();

const NOT_FOUND: SinkMode = { kind: "error", type: "cancel", condition: "item-not-found" };
const WAIT: SinkMode = { kind: "error", type: "wait", condition: "resource-constraint" };
const HOSTS: Record<PolicyName, string> = { spec: "localhost", tigase: "tigase.localhost", prosody: "prosody.localhost", ejabberd: "ejabberd.localhost" };

function health(d: PlaygroundDriver, policy: PolicyName): RegistrationHealth {
  const s = d.pg.stores.registrations.getState();
  const reg = s.registrations[0];
  if (!reg) throw new Error("no registration");
  return healthOfRegistration(reg, registrationKeyId(reg.jid, reg.node), {
    policy: POLICIES[policy],
    answers: s.answers,
    removals: s.removals,
    hasServerLog: true,
    events: d.events(),
    account: "",
    now: Date.now(),
    windowMs: 5000,
  });
}

/** Enable from r1, then take r1 offline so every policy pushes for each message to the bare JID. */
async function offlineRegistration(policy: PolicyName, mode: SinkMode, prefix: string): Promise<{ d: PlaygroundDriver }> {
  const d = server.driver({ domain: HOSTS[policy], accountPrefix: prefix, initialResources: ["r1"] });
  await d.connect().enable().disconnect("r1").sinkMode(mode);
  // Wrapped: the driver is a thenable, so an async function would await it instead of returning it.
  return { d };
}

/** bob sends one message; wait until the server's log reports the App Server's answer to its push. */
async function pushAnswered(d: PlaygroundDriver, n: number): Promise<void> {
  await d.send(`m${n}`);
  await d.waitFor(() => (Object.values(d.pg.stores.registrations.getState().answers)[0]?.length ?? 0) >= n, `the log's answer to push ${n}`, { sync: true });
}

describe("registration health against the reference server", () => {
  for (const policy of ["spec", "tigase", "ejabberd"] as const) {
    it(`${policy}: removed after the first cancel/item-not-found`, async () => {
      const { d } = await offlineRegistration(policy, NOT_FOUND, `h${policy[0]}`);
      expect(health(d, policy)).toMatchObject({ errorCount: 0, threshold: 1, countText: "0 of 1 error", lastAnswerText: "none yet", removal: null });
      await pushAnswered(d, 1);
      await d.waitFor(() => d.pg.stores.registrations.getState().registrations[0]?.state === "removed-by-server", "the removal", { sync: true });
      const h = health(d, policy);
      expect(h).toMatchObject({ errorCount: 1, countText: "1 of 1 error", lastAnswerText: "error cancel/item-not-found" });
      expect(h.removal).toMatchObject({ source: "server-log", cause: NOT_FOUND });
      expect(h.removal!.sentence).toMatch(new RegExp(`^removed by the server after cancel/item-not-found: ${policy} `));
    });
  }

  it("ejabberd: the sentence names the rule", async () => {
    const { d } = await offlineRegistration("ejabberd", NOT_FOUND, "he2");
    await pushAnswered(d, 1);
    await d.waitFor(() => health(d, "ejabberd").removal, "the removal", { sync: true });
    expect(health(d, "ejabberd").removal!.sentence).toBe("removed by the server after cancel/item-not-found: ejabberd removes on the first non-wait error");
  });

  it("prosody: kept after 15 errors, removed at the 16th", async () => {
    const { d } = await offlineRegistration("prosody", NOT_FOUND, "hp");
    for (let n = 1; n <= 15; n++) await pushAnswered(d, n);
    await d.sync();
    expect(d.pg.stores.registrations.getState().registrations[0]!.state).toBe("active");
    expect(health(d, "prosody")).toMatchObject({ errorCount: 15, threshold: 16, countText: "15 of 16 errors", removal: null });
    await pushAnswered(d, 16);
    await d.waitFor(() => health(d, "prosody").removal, "the removal at 16", { sync: true });
    expect(d.pg.stores.registrations.getState().registrations[0]!.state).toBe("removed-by-server");
    expect(health(d, "prosody")).toMatchObject({ errorCount: 16, countText: "16 of 16 errors" });
    expect(health(d, "prosody").removal!.sentence).toBe(
      "removed by the server after cancel/item-not-found: prosody removes at the 16th non-wait error in a row (a result resets the count)",
    );
  }, 30_000);

  for (const policy of ["spec", "prosody", "ejabberd"] as const) {
    it(`${policy}: wait errors never remove`, async () => {
      const { d } = await offlineRegistration(policy, WAIT, `hw${policy[0]}`);
      for (let n = 1; n <= 3; n++) await pushAnswered(d, n);
      await d.sync();
      expect(d.pg.stores.registrations.getState().registrations[0]!.state).toBe("active");
      expect(health(d, policy)).toMatchObject({ errorCount: 0, lastAnswerText: "error wait/resource-constraint", removal: null });
    });
  }

  it("tigase: judged by condition, a wait/internal-server-error keeps the registration", async () => {
    const { d } = await offlineRegistration("tigase", { kind: "error", type: "wait", condition: "internal-server-error" }, "hwt");
    for (let n = 1; n <= 3; n++) await pushAnswered(d, n);
    await d.sync();
    expect(d.pg.stores.registrations.getState().registrations[0]!.state).toBe("active");
    expect(health(d, "tigase")).toMatchObject({ lastAnswerText: "error wait/internal-server-error", removal: null });
  });

  it("ejabberd: the message after the removal is explained by it, with the answer and the rule", async () => {
    const { d } = await offlineRegistration("ejabberd", NOT_FOUND, "hx");
    await pushAnswered(d, 1);
    await d.waitFor(() => health(d, "ejabberd").removal, "the removal", { sync: true });
    await d.send("after");
    const sent = await d.waitFor(() => d.sentEvent(d.lastSent[0]!), "the message after the removal");
    d.pg.timeline.select(sent.id);
    const explanation = await d.waitFor(() => {
      const current = d.pg.stores.explanations.getState().current;
      return current?.eventId === sent.id && current.source === "decision-record" ? current : null;
    }, "the explanation from the decision record", { sync: true });
    const node = d.pg.stores.registrations.getState().registrations[0]!.node;
    expect(explanation.card?.pushed).toBe(false);
    expect(explanation.card?.headline).toBe(
      `Not pushed: no push registration in force: the server removed ${node} after the App Server answered cancel/item-not-found (ejabberd removes on the first non-wait error). Enable push again to get pushes.`,
    );
  });
});
