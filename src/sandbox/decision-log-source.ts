/**
 * The scenario harness settles "no push" from the reference server's decision log; in the page the
 * sandbox answers that query over its Worker port instead of HTTP (same body, same 400 errors).
 */
import { registerDecisionLogSource } from "../scenarios/harness/server-settle";
import { pageSandbox } from "./sandbox-client";

registerDecisionLogSource("sandbox:", async (search) => {
  const reply = await pageSandbox().queryLog(search);
  return { ok: reply.status === 200, body: reply.body };
});
