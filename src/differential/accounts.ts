/**
 * Which of a real server's accounts a differential run logs in with: the account whose resources
 * enable push, the sender and the App Server sink. `alice,bob,pushsvc` by default; another triple
 * registered by e2e/real-servers/servers.sh (e.g. `carol,dave,pushsvc2`) lets a run go on beside
 * another one, since each run disables every registration and drains the account after itself.
 */

export interface AccountTriple {
  /** The account whose resources A1, A2 connect and enable push. */
  account: string;
  /** B, the sender. */
  sender: string;
  /** S, the App Server sink. */
  sink: string;
}

export const DEFAULT_ACCOUNTS: AccountTriple = { account: "alice", sender: "bob", sink: "pushsvc" };

/** RFC 7622 localpart characters the real servers' accounts use (no `@`, `/`, spaces). */
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** `carol,dave,pushsvc2` → the triple; a specific message for anything else. */
export function parseAccounts(text: string): AccountTriple | { error: string } {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length !== 3) return { error: `--accounts takes three usernames, account,sender,sink (e.g. carol,dave,pushsvc2), got ${JSON.stringify(text)}` };
  const bad = parts.find((p) => !USERNAME.test(p));
  if (bad !== undefined) return { error: `--accounts: ${JSON.stringify(bad)} is not a username (letters, digits, '.', '_', '-'; no '@' or domain)` };
  if (new Set(parts).size !== 3) return { error: `--accounts: the account, the sender and the sink must be three different users, got ${JSON.stringify(text)}` };
  const [account, sender, sink] = parts as [string, string, string];
  return { account, sender, sink };
}

export function describeAccounts(accounts: AccountTriple): string {
  return `${accounts.account},${accounts.sender},${accounts.sink}`;
}
