// @vitest-environment jsdom
import "@testing-library/jest-dom/vitest";
import "../../../test-setup/dom";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ConnectionStatus } from "../../model";
import { createFakePlayground, makeStores, renderWith, session } from "../../test-support/render";
import { SessionStatus } from "./SessionStatus";

function setup(statuses: ConnectionStatus[]) {
  const stores = makeStores();
  statuses.forEach((status, i) => stores.sessions.getState().upsert(session({ id: `res-${i}`, resource: `r${i}`, label: `alice/r${i}`, status })));
  return { ...renderWith(<SessionStatus />, createFakePlayground(stores)), user: userEvent.setup() };
}

describe("SessionStatus", () => {
  it("lists a few sessions with their state", () => {
    setup(["online", "failed"]);
    const list = screen.getByRole("list", { name: "Session status" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(2);
    expect(list).toHaveTextContent("alice/r0");
    expect(list).toHaveTextContent("failed");
  });

  it("summarises many sessions in one line and shows the full list on demand", async () => {
    const { user } = setup([...Array.from({ length: 100 }, () => "online" as const), "failed", "failed"]);
    expect(screen.queryByRole("list", { name: "Session status" })).not.toBeInTheDocument();
    const summary = screen.getByRole("button", { name: "102 sessions: 100 connected, 2 failed" });
    expect(summary).toHaveAttribute("aria-expanded", "false");
    await user.click(summary);
    expect(summary).toHaveAttribute("aria-expanded", "true");
    expect(within(screen.getByRole("list", { name: "Session status" })).getAllByRole("listitem")).toHaveLength(102);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("list", { name: "Session status" })).not.toBeInTheDocument();
  });

  it("follows status changes in the summary", async () => {
    const { stores } = setup(Array.from({ length: 10 }, () => "connecting" as const));
    expect(screen.getByRole("button", { name: "10 sessions: 10 connecting…" })).toBeInTheDocument();
    act(() => stores.sessions.getState().patch("res-3", { status: "online" }));
    expect(screen.getByRole("button", { name: "10 sessions: 1 connected, 9 connecting…" })).toBeInTheDocument();
  });
});
