/**
 * ejabberd's registrations keyed by their enabling session, over real sessions on the
 * `ejabberd.localhost` host (found by the differential run against ejabberd 23.01; README
 * "Differential runs against the real servers"): a disable clears the sender's push id, and a
 * session's registrations are deleted together.
 */
import { describe, expect, it } from "vitest";
import type { PushLogEntry, RegistrationEntry } from "../../../protocol/push-log";
import { buildDisable, buildEnable } from "../../../protocol/stanzas/push";
import { attrOf } from "../../../protocol/stanzas/xml-util";
import { serverFixture } from "../../test-support/server-fixture";
import { AppServerSink, chat, errorOf, type Inbox } from "../../test-support/session-kit";

const HOST = "ejabberd.localhost";
const fixture = serverFixture();
const login = (jid: string) => fixture.login(jid);
let n = 0;

async function enableOk(inbox: Inbox, sinkJid: string, node: string): Promise<void> {
  const reply = await inbox.iq(buildEnable({ jid: sinkJid, node }));
  expect(errorOf(reply), reply.toString()).toBeNull();
}

const registrationsOf = (account: string) => fixture.server.server.sessionManager?.registrationsOf(account) ?? [];
const removals = (account: string) =>
  fixture.server.server.pushLog
    .list({ account })
    .filter((e: PushLogEntry): e is RegistrationEntry => e.kind === "disable" || e.kind === "registration-removed");

describe("ejabberd.localhost: registrations keyed by the enabling session", () => {
  it("a disable that matches nothing still clears the session's push id: its registration is pushed while it stays connected", async () => {
    n += 1;
    const account = `alice${n}@${HOST}`;
    const sink = new AppServerSink(await login(`pushsvc${n}@localhost/sink`));
    const phone = await login(`${account}/phone`);
    const bob = await login(`bob${n}@localhost/desk`);
    await enableOk(phone, sink.jid, "n-1");

    await bob.send(chat(account, "before"));
    expect(await sink.settle()).toHaveLength(0);

    const reply = await phone.iq(buildDisable({ jid: sink.jid, node: "n-2" }));
    expect(attrOf(reply, "type")).toBe("error");
    expect(errorOf(reply)?.condition).toBe("item-not-found");
    expect(registrationsOf(account)).toMatchObject([{ node: "n-1", pushIdCleared: true }]);

    await bob.send(chat(account, "after"));
    const [push] = await sink.waitFor(1);
    expect(push?.node).toBe("n-1");
    const decision = fixture.server.server.pushLog.list({ account }).filter((e) => e.kind === "message-decision").at(-1);
    expect(decision).toMatchObject({ decision: { rule: "ejabberd/push-id-cleared" } });

    // An enable sets the push id again: the session holds its registrations.
    await enableOk(phone, sink.jid, "n-3");
    await bob.send(chat(account, "re-enabled"));
    expect(await sink.settle()).toHaveLength(1);
  });

  it("a disable of one node removes the other registrations its enabling session made, and says why", async () => {
    n += 1;
    const account = `alice${n}@${HOST}`;
    const sink = new AppServerSink(await login(`pushsvc${n}@localhost/sink`));
    const phone = await login(`${account}/phone`);
    const laptop = await login(`${account}/laptop`);
    await enableOk(phone, sink.jid, "n-1");
    await enableOk(phone, sink.jid, "n-2");
    await enableOk(laptop, sink.jid, "n-3");

    const reply = await laptop.iq(buildDisable({ jid: sink.jid, node: "n-1" }));
    expect(attrOf(reply, "type")).toBe("result");
    expect(registrationsOf(account).map((r) => r.node)).toEqual(["n-3"]);
    const [first, second] = removals(account);
    expect(first).toMatchObject({ kind: "disable", key: { node: "n-1" } });
    expect(second).toMatchObject({ kind: "disable", key: { node: "n-2" } });
    expect(second?.why).toMatch(/^removed with .*#n-1, disabled by laptop: both were enabled by the session of phone/);
  });
});
