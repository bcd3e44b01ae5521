import { describe, expect, it } from "vitest";
import { IqLabels, NodeLabels, randomHex } from "./labels";

describe("NodeLabels", () => {
  it("gives each label one fresh random node for its whole life, and maps it back", () => {
    const nodes = new NodeLabels();
    const n = nodes.node("N");
    expect(n).toMatch(/^n-[0-9a-f]{12}$/);
    expect(nodes.node("N")).toBe(n);
    expect(nodes.node("N2")).not.toBe(n);
    expect(nodes.labelOf(n)).toBe("N");
    expect(nodes.labelOf("somebody-elses-node")).toBeNull();
    expect(nodes.toRecord()).toEqual({ N: n, N2: nodes.node("N2") });
  });

  it("resolves a step's node option: default N, a literal node, or none", () => {
    const nodes = new NodeLabels();
    expect(nodes.resolve({})).toEqual({ node: nodes.node("N"), nodeLabel: "N" });
    expect(nodes.resolve({ node: "N1" })).toEqual({ node: nodes.node("N1"), nodeLabel: "N1" });
    expect(nodes.resolve({ node: null })).toEqual({ node: null, nodeLabel: null });
    expect(nodes.resolve({ rawNode: "literal", node: "N" })).toEqual({ node: "literal", nodeLabel: null });
    expect(nodes.resolve({ rawNode: nodes.node("N") })).toEqual({ node: nodes.node("N"), nodeLabel: "N" });
  });
});

describe("IqLabels", () => {
  it("numbers repeated labels from #2 on, per base", () => {
    const labels = new IqLabels();
    expect([labels.next("enable"), labels.next("enable"), labels.next("disable"), labels.next("enable")]).toEqual([
      "enable",
      "enable#2",
      "disable",
      "enable#3",
    ]);
  });
});

describe("randomHex", () => {
  it("gives two hex digits per byte", () => {
    expect(randomHex(3)).toMatch(/^[0-9a-f]{6}$/);
    expect(randomHex(8)).not.toBe(randomHex(8));
  });
});
