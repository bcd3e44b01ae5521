/**
 * An unavailable presence from a session that never sent available presence: Prosody's
 * handle_normal_presence broadcasts it to the account's available resources (prosody.localhost),
 * RFC 6121 §4.5.2 hosts drop it. Over real sessions.
 */
import { describe, expect, it } from "vitest";
import { serverFixture } from "../test-support/server-fixture";
import { eventually, isPresenceFrom, presence, type Inbox } from "../test-support/session-kit";

const fixture = serverFixture();
const login = (jid: string) => fixture.login(jid);
let n = 0;

function sessionsOf(account: string) {
  const manager = fixture.server.server.sessionManager;
  if (!manager) throw new Error("no session manager");
  return manager.sessionsOf(account);
}

async function availableAndQuiet(domain: string): Promise<{ account: string; loud: Inbox; quiet: Inbox }> {
  const account = `alice${++n}@${domain}`;
  const loud = await login(`${account}/loud`);
  const quiet = await login(`${account}/quiet`);
  await loud.send(presence());
  await loud.next(isPresenceFrom(loud.jid), "loud's own presence back");
  return { account, loud, quiet };
}

describe("an unavailable presence from a session that sent no presence", () => {
  it("on prosody.localhost reaches the available resource; the sender stays without presence and gets no echo", async () => {
    const { account, loud, quiet } = await availableAndQuiet("prosody.localhost");
    await quiet.send(presence({ type: "unavailable" }));
    const seen = await loud.next(isPresenceFrom(quiet.jid, "unavailable"), "quiet's unavailable at loud");
    expect(seen.attrs.to).toBe(loud.jid);
    await eventually(() => sessionsOf(account).length === 2, "both sessions");
    expect(sessionsOf(account).map((s) => [s.resource, s.presence === null])).toEqual([
      ["loud", false],
      ["quiet", true],
    ]);
    expect(await quiet.settle(isPresenceFrom(quiet.jid))).toEqual([]);
  });

  it.each(["localhost", "ejabberd.localhost"])("on %s is dropped (RFC 6121 §4.5.2)", async (domain) => {
    const { loud, quiet } = await availableAndQuiet(domain);
    await quiet.send(presence({ type: "unavailable" }));
    expect(await loud.settle(isPresenceFrom(quiet.jid))).toEqual([]);
  });
});
