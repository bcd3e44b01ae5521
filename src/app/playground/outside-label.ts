/** How an outside session is labelled: apart, so the Resources column need not load outside-sessions.ts. */
export const OUTSIDE_LABEL = "outside session: not opened by the playground";
