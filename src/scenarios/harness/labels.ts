/**
 * The names a scenario uses instead of values: node labels (`N`, `N1`) stand for fresh random
 * nodes, and iq labels (`enable`, `enable#2`) name outcomes so expectations can refer to them.
 */

export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface NodeChoice {
  node?: string | null;
  rawNode?: string;
}

export class NodeLabels {
  private readonly nodes = new Map<string, string>();

  /** The random node behind a label (created on first use, stable for the harness's life). */
  node(label: string): string {
    let node = this.nodes.get(label);
    if (node === undefined) {
      node = `${label.toLowerCase()}-${randomHex(6)}`;
      this.nodes.set(label, node);
    }
    return node;
  }

  labelOf(node: string): string | null {
    for (const [label, value] of this.nodes) if (value === node) return label;
    return null;
  }

  /** A step's node option as sent: a literal node, no node (null), or the node of a label (default `N`). */
  resolve(options: NodeChoice): { node: string | null; nodeLabel: string | null } {
    if (options.rawNode !== undefined) return { node: options.rawNode, nodeLabel: this.labelOf(options.rawNode) };
    if (options.node === null) return { node: null, nodeLabel: null };
    const label = options.node ?? "N";
    return { node: this.node(label), nodeLabel: label };
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.nodes);
  }
}

/** Labels are taken when a step is queued, so `enable` twice gives `enable` and `enable#2`. */
export class IqLabels {
  private readonly reserved = new Set<string>();

  next(base: string): string {
    let label = base;
    for (let n = 2; this.reserved.has(label); n++) label = `${base}#${n}`;
    this.reserved.add(label);
    return label;
  }
}
