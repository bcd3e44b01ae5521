/**
 * One reference server per test file with the sessions each test logs in closed after it: the
 * vitest hooks the session-level server tests all need, registered once.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import type { ReferenceServerOptions } from "../index";
import { connect, type Inbox } from "./session-kit";
import { startTestServer, type TestServer } from "./test-server";

export interface ServerFixture {
  /** The running server (only inside tests: it starts in beforeAll). */
  readonly server: TestServer;
  /** A session for `jid`, stopped after the current test. */
  login(jid: string): Promise<Inbox>;
}

export function serverFixture(options: Partial<ReferenceServerOptions> = {}): ServerFixture {
  let t: TestServer | null = null;
  const open: Inbox[] = [];
  beforeAll(async () => {
    t = await startTestServer(options);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.stop()));
  });
  afterAll(async () => {
    await t?.close();
  });
  return {
    get server(): TestServer {
      if (!t) throw new Error("serverFixture: the server starts in beforeAll; use it inside a test");
      return t;
    },
    async login(jid) {
      const inbox = await connect(this.server.url, jid);
      open.push(inbox);
      return inbox;
    },
  };
}
