/**
 * Which password field of the Connection tab a refused login names. Apart from errors.ts, which
 * loads with the XMPP session's code, because the session lanes on the first screen need only this.
 */
import type { PlaygroundError } from "../model";

/** Which password field of the Connection tab a session logs in with. */
export type CredentialField = "Account" | "Sender" | "Sink";

export const CREDENTIAL_FIELD: Record<"resource" | "sender" | "sink", CredentialField> = { resource: "Account", sender: "Sender", sink: "Sink" };

/**
 * A refused login, reworded to name the field to fix: "Password for bob@localhost (Sender) in the
 * Connection tab was refused by the server (not-authorized)". Other errors pass unchanged.
 */
export function nameCredentialField(error: PlaygroundError, field: CredentialField, account: string): PlaygroundError {
  if (error.code !== "bad-credentials" || error.condition !== "not-authorized") return error;
  return { ...error, message: `Password for ${account} (${field}) in the Connection tab was refused by the server (not-authorized)` };
}
