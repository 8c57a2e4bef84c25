/**
 * The graph order of nodes as ranks, kept while rewrites insert and remove nodes, so the engine can place a
 * replacement where the order stays topological (and never needs to re-sort the graph) and compare two nodes'
 * positions without scanning the node list.
 *
 * Ranks grow along the node list. Each node remembers a floor: a rank at least that of the node just before it.
 * Nodes inserted before a node get ranks between its floor and its rank, so the ranks stay increasing; when
 * repeated insertions before one node exhaust the float gap, `place` says so and the caller falls back.
 */
import type { Graph } from '../../ir/graph.js';
import type { Node } from '../../ir/value.js';

/** Rank distance between consecutive nodes of the original order (room for many halvings). */
const GAP = 2 ** 20;

/** Ranks of the nodes of one graph, in its order. */
export class NodeOrder {
  readonly #ranks = new WeakMap<Node, number>();
  readonly #floors = new WeakMap<Node, number>();
  #end: number;

  constructor(graph: Graph) {
    let rank = 0;
    for (const node of graph.nodes) {
      this.#floors.set(node, rank);
      rank += GAP;
      this.#ranks.set(node, rank);
    }
    this.#end = rank;
  }

  /** The rank of `node` (0 for a node the order does not know). */
  rank(node: Node): number {
    return this.#ranks.get(node) ?? 0;
  }

  /**
   * Ranks for `count` nodes inserted, in order, right before `before` (at the end when undefined); undefined when
   * there is no room left between `before` and the node ahead of it. Call `commit` with the nodes once inserted.
   */
  place(count: number, before: Node | undefined): readonly number[] | undefined {
    const high = before === undefined ? this.#end + (count + 1) * GAP : this.rank(before);
    const low = before === undefined ? this.#end : (this.#floors.get(before) ?? high);
    const ranks = Array.from({ length: count }, (_, index) => low + ((high - low) * (index + 1)) / (count + 1));
    const increasing = ranks.every((rank, index) => rank > (ranks[index - 1] ?? low) && rank < high);
    return increasing ? ranks : undefined;
  }

  /** Records `nodes` as inserted right before `before` (at the end when undefined) with `ranks` from `place`. */
  commit(nodes: readonly Node[], ranks: readonly number[], before: Node | undefined): void {
    let floor = before === undefined ? this.#end : (this.#floors.get(before) ?? 0);
    nodes.forEach((node, index) => {
      const rank = ranks[index] ?? floor;
      this.#floors.set(node, floor);
      this.#ranks.set(node, rank);
      floor = rank;
    });
    if (before === undefined) this.#end = floor;
    else this.#floors.set(before, floor);
  }
}
