/**
 * Harness options for the scenario tests against an in-process reference server: fresh usernames
 * per harness (dev registration creates them on first PLAIN login), PLAIN for speed.
 */
import type { PushHarnessOptions } from "../harness";

export interface TestHarnessHosts {
  /** Host of the account and the sender (the policy under test). */
  domain: string;
  /** Host of the App Server sink (default `localhost`: routing between local hosts works). */
  sinkDomain?: string;
}

let counter = 0;

export function testHarnessOptions(url: string, hosts: TestHarnessHosts, waits: PushHarnessOptions["waits"] = {}): PushHarnessOptions {
  counter += 1;
  const tag = `${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    service: url,
    domain: hosts.domain,
    account: { username: `alice-${tag}`, password: "alice-pass" },
    sender: { username: `bob-${tag}`, password: "bob-pass" },
    sink: { username: `pushsvc-${tag}`, password: "pushsvc-pass", resource: "sink", domain: hosts.sinkDomain ?? "localhost" },
    mechanism: "PLAIN",
    waits: { pushMs: 3000, noPushMs: 400, ...waits },
  };
}
