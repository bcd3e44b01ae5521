// @vitest-environment jsdom
import "../../../test-setup/dom";
import { renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useFollowLatest } from "./follow-latest";
import type { VirtualListHandle } from "./VirtualList";

function fakeList(atEnd: boolean) {
  const handle = { scrollToIndex: vi.fn(), scrollToEnd: vi.fn(), isAtEnd: vi.fn(() => atEnd) } satisfies VirtualListHandle;
  return { handle, ref: { current: handle as VirtualListHandle | null } };
}

describe("useFollowLatest", () => {
  it("opens at the newest row once rows exist, not on every change", () => {
    const { handle, ref } = fakeList(true);
    const { rerender } = renderHook(({ rows }) => useFollowLatest(ref, rows), { initialProps: { rows: [] as number[] } });
    expect(handle.scrollToEnd).not.toHaveBeenCalled();
    rerender({ rows: [1] });
    expect(handle.scrollToEnd).toHaveBeenCalledTimes(1);
    rerender({ rows: [1, 2] });
    expect(handle.scrollToEnd).toHaveBeenCalledTimes(1);
  });

  it("re-reads whether the list is at its end when the rows change, without a scroll", async () => {
    const { handle, ref } = fakeList(true);
    const { result, rerender } = renderHook(({ rows }) => useFollowLatest(ref, rows), { initialProps: { rows: [1] } });
    expect(result.current[0]).toBe(true);
    handle.isAtEnd.mockReturnValue(false);
    rerender({ rows: [1, 2] });
    await waitFor(() => expect(result.current[0]).toBe(false));
    handle.isAtEnd.mockReturnValue(true);
    rerender({ rows: [2] });
    await waitFor(() => expect(result.current[0]).toBe(true));
  });
});
