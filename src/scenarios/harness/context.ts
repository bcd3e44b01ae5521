/** The parts of a harness that its steps work on, handed to the operation and probe functions. */
import type { IqLabels, NodeLabels } from "./labels";
import type { ObservationLog } from "./observations";
import type { HarnessWaits } from "./options";
import type { DecisionLogSettler } from "./server-settle";
import type { Sessions } from "./sessions";
import type { Sink } from "./sink";

export interface HarnessContext {
  readonly waits: HarnessWaits;
  readonly log: ObservationLog;
  readonly sessions: Sessions;
  readonly sink: Sink;
  readonly nodes: NodeLabels;
  readonly iqLabels: IqLabels;
  /** The reference server's decision log, which settles "no push" without a fixed window (null elsewhere). */
  readonly decisionLog: DecisionLogSettler | null;
}
