/** The account model shared by the reference server and the playground's predictions. */
export { EMPTY_ACCOUNT, copyRegistration, findRegistration, sameKey, type AccountState } from "./state";
export {
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
export {
  accountOnline,
  decideMessage,
  messagePushed,
  observeSessions,
  offlineDelivered,
  storedOffline,
  type MessageContext,
  type MessageDecisionResult,
} from "./counters";
export { copyDetached, findDetached, holdersOfKey, sessionEnded } from "./detached-holds";
export { sessionKeyAfter, sessionKeyOf } from "./session-keyed";
export { applyOperation, replay, type AccountOperation, type OperationResult } from "./replay";
