/**
 * Typed access to the parts of dagre (@dagrejs/dagre) that the layout uses.
 *
 * dagre 3.1.3 ships declarations, but they import their own files without extensions (`./lib/graph-lib`), which
 * TypeScript cannot follow under this project's NodeNext resolution for an ESM package: every dagre type
 * silently becomes `any`. So the few members used here are declared by hand, from dagre's documented API
 * (https://github.com/dagrejs/dagre/wiki): a graphlib multigraph whose node and edge labels dagre fills in with
 * positions.
 */
import dagreModule from '@dagrejs/dagre';

/** Point of an edge route, in layout coordinates. */
export interface DagrePoint {
  readonly x: number;
  readonly y: number;
}

/** Graph-wide settings; dagre writes the picture's `width` and `height` back. */
export interface DagreGraphLabel {
  rankdir?: 'TB' | 'BT' | 'LR' | 'RL';
  nodesep?: number;
  ranksep?: number;
  edgesep?: number;
  marginx?: number;
  marginy?: number;
  width?: number;
  height?: number;
}

/** A node's size; dagre writes its centre (`x`, `y`) back. */
export interface DagreNodeLabel {
  width: number;
  height: number;
  x?: number;
  y?: number;
}

/** An edge's label size and placement; dagre writes the route (`points`) and the label centre back. */
export interface DagreEdgeLabel {
  width: number;
  height: number;
  labelpos?: 'l' | 'c' | 'r';
  minlen?: number;
  x?: number;
  y?: number;
  points?: DagrePoint[];
}

/** The graphlib graph dagre lays out (the members used here). */
export interface DagreGraph {
  setGraph(label: DagreGraphLabel): DagreGraph;
  graph(): DagreGraphLabel;
  setNode(id: string, label: DagreNodeLabel): DagreGraph;
  node(id: string): DagreNodeLabel | undefined;
  setEdge(from: string, to: string, label: DagreEdgeLabel, name: string): DagreGraph;
  edge(edge: { readonly v: string; readonly w: string; readonly name: string }): DagreEdgeLabel | undefined;
}

/** The dagre module (the members used here). */
export interface Dagre {
  readonly graphlib: {
    readonly Graph: new (options: { multigraph?: boolean; directed?: boolean; compound?: boolean }) => DagreGraph;
  };
  layout(graph: DagreGraph): void;
}

/**
 * dagre, typed. (The module's own type is unresolved, see above, so it assigns without a cast; should dagre's
 * declarations become resolvable, this interface can give way to them.)
 */
export const dagre: Dagre = dagreModule;
