/** The scenario harness: the `PushHarness` driver and the options of its steps. */
export { PushHarness } from "./push-harness";
export { DEFAULT_WAITS } from "./options";
export type {
  CollectOptions,
  ConnectOptions,
  Credentials,
  DisableStepOptions,
  EnableStepOptions,
  ExpectDeliveryOptions,
  ExpectNoPushOptions,
  ExpectPushOptions,
  HarnessWaits,
  Mechanism,
  PresenceOptions,
  PushHarnessOptions,
  SendOptions,
  SinkAnswer,
  SinkCredentials,
} from "./options";
