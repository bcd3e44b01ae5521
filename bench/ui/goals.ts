/** The goals of issue 14, as targets of the printed table (at most the limit). */
import type { Target } from "../lib/stats";

const atMost = (limit: number, text: string): Target => ({ limit: limit + 1e-9, direction: "below", text: `≤ ${text}` });

export const GOALS = {
  latencyP50: atMost(5, "5 ms"),
  latencyP99: atMost(25, "25 ms"),
  burst: atMost(1500, "1.5 s"),
  longTask: atMost(50, "50 ms"),
  addResources: atMost(500, "0.5 s"),
  connectAll: atMost(1000, "1 s"),
  importShown: atMost(1000, "1 s"),
  searchKey: atMost(16, "16 ms"),
  heap: atMost(250 * 1024 * 1024, "250 MB"),
};
