/** The explanations service before its builder's chunk has loaded (a file of its own: the chunk is loaded once per module graph). */
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS } from "../../protocol/policy/types";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { addEvents, messageSent } from "../test-support/render";
import { createExplanationService, preloadExplanations } from "./explanations";

describe("explanations service, first use", () => {
  it("fetches the builder when the first message is selected, then explains it", async () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    createExplanationService({ stores, accountBare: () => "alice@localhost", sinkJid: () => "pushsvc@localhost/sink", policyOptions: DEFAULT_POLICY_OPTIONS });
    const sent = messageSent({ messageId: "m-first" });
    addEvents(stores, [sent]);
    stores.timeline.getState().select(sent.id);
    expect(stores.explanations.getState().current).toBeNull();
    await preloadExplanations();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stores.explanations.getState().current).toMatchObject({ eventId: sent.id, messageId: "m-first" });
  });
});
