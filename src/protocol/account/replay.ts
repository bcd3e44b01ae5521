/**
 * An account's history as data: the operations a server applies, in order. The playground rebuilds
 * what each policy would hold by replaying what it saw; tests feed one list to the reference
 * server (as stanzas) and to `replay`, and compare.
 */
import type { AppServerOutcome, PushPolicy, RegistrationKey } from "../policy/types";
import { accountOnline, messagePushed, offlineDelivered, storedOffline } from "./counters";
import {
  appServerAnswer,
  disable,
  enable,
  remoteDisable,
  removeRegistration,
  type AppServerAnswerResult,
  type DisableOperation,
  type DisableResult,
  type EnableOperation,
  type EnableResult,
  type RemoteDisableResult,
} from "./registrations";
import { EMPTY_ACCOUNT, type AccountState } from "./state";

export type AccountOperation =
  | ({ op: "enable" } & EnableOperation)
  | ({ op: "disable" } & DisableOperation)
  | { op: "remote-disable"; key: RegistrationKey }
  | { op: "app-server-answer"; key: RegistrationKey; outcome: AppServerOutcome }
  /** The server removed the registration for a reason the replaying side only learns (its log). */
  | { op: "remove"; key: RegistrationKey }
  | { op: "stored-offline"; cap?: number }
  | { op: "offline-delivered" }
  | { op: "account-online" }
  | { op: "message-pushed" };

/** What one operation did, beside the new state (the operation's own result type). */
export type OperationResult =
  | ({ op: "enable" } & EnableResult)
  | ({ op: "disable" } & DisableResult)
  | ({ op: "remote-disable" } & RemoteDisableResult)
  | ({ op: "app-server-answer" } & AppServerAnswerResult)
  | { op: "remove"; state: AccountState; removed: ReturnType<typeof removeRegistration>["removed"] }
  | { op: "stored-offline" | "offline-delivered" | "account-online" | "message-pushed"; state: AccountState };

export function applyOperation(state: AccountState, policy: PushPolicy, operation: AccountOperation): OperationResult {
  switch (operation.op) {
    case "enable":
      return { op: operation.op, ...enable(state, policy, operation) };
    case "disable":
      return { op: operation.op, ...disable(state, policy, operation) };
    case "remote-disable":
      return { op: operation.op, ...remoteDisable(state, policy, operation.key) };
    case "app-server-answer":
      return { op: operation.op, ...appServerAnswer(state, policy, operation.key, operation.outcome) };
    case "remove":
      return { op: operation.op, ...removeRegistration(state, operation.key) };
    case "stored-offline":
      return { op: operation.op, state: storedOffline(state, operation.cap) };
    case "offline-delivered":
      return { op: operation.op, state: offlineDelivered(state) };
    case "account-online":
      return { op: operation.op, state: accountOnline(state) };
    case "message-pushed":
      return { op: operation.op, state: messagePushed(state) };
  }
}

/** The account after `operations`, from `initial` (empty by default), with each operation's result. */
export function replay(
  policy: PushPolicy,
  operations: readonly AccountOperation[],
  initial: AccountState = EMPTY_ACCOUNT,
): { state: AccountState; results: OperationResult[] } {
  let state = initial;
  const results: OperationResult[] = [];
  for (const operation of operations) {
    const result = applyOperation(state, policy, operation);
    results.push(result);
    state = result.state;
  }
  return { state, results };
}
