/** The connection profile: where to connect and with which accounts. */
import type { Show } from "../../protocol/policy/types";

export interface AccountCredentials {
  username: string;
  password: string;
}

export interface ConnectionProfile {
  /** Display name of the saved profile. */
  name: string;
  /** WebSocket URL; a relative path resolves against the page's origin (ws/wss). */
  service: string;
  domain: string;
  /** The account under test (alice). */
  account: AccountCredentials;
  /** Sends the messages (bob). */
  sender: AccountCredentials;
  /** The App Server sink: account and resource (its full JID is the push service jid). */
  sink: AccountCredentials & { resource: string };
  /** Persist passwords to localStorage (off by default). */
  rememberPassword: boolean;
  /**
   * `<show>` values the server treats as away (its `--away-shows`), for the predictions and
   * explanations. Absent: away and xa, the servers' default. Added with issue 12.
   */
  awayShows?: Show[];
}
