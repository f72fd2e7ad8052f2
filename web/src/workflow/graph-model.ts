/**
 * The editor's workflow model: a tree of stage → action → job nodes built from a workflow file.
 *
 * It is LOSSLESS by construction: every node keeps all of its fields exactly as parsed (`fields`,
 * in file order, children excluded), and entries the graph cannot show (the empty `-` entries of
 * original ContainerOps files, or anything that is not a map) are kept at their index in
 * `extras`. Typed accessors (`./node-fields.ts`) read and write the fields the editor knows, so a
 * field the dashboard has never heard of survives an edit untouched.
 */

/** A plain YAML value as `yaml`'s `toJS()` gives it. */
export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/** Plain YAML map. */
export type YamlMap = { [key: string]: YamlValue };

/** An entry of a list the graph does not draw (null, scalar, list), kept at its original index. */
export interface ListExtra {
  readonly index: number;
  readonly value: YamlValue;
}

/** The children of a node, or the raw value when the file's children field is not a list. */
export interface Children<T> {
  /** Whether the children field appears in the node's map (so it is written back only then). */
  present: boolean;
  items: T[];
  extras: ListExtra[];
  /** Set when the field holds something other than a list; written back unchanged. */
  raw?: YamlValue;
}

export interface JobNode {
  readonly kind: 'job';
  /** Editor-only identity; never written to the file. */
  readonly id: string;
  fields: YamlMap;
}

export interface ActionNode {
  readonly kind: 'action';
  readonly id: string;
  fields: YamlMap;
  jobs: Children<JobNode>;
}

export interface StageNode {
  readonly kind: 'stage';
  readonly id: string;
  fields: YamlMap;
  actions: Children<ActionNode>;
}

export interface WorkflowGraph {
  /** Top-level fields except `stages`, in file order. */
  fields: YamlMap;
  stages: Children<StageNode>;
  /** Position of the children keys inside each map, to write keys back in file order. */
  readonly keyOrder: KeyOrder;
}

/** Where the children key sat among a map's keys (index in the original key list). */
export interface KeyOrder {
  /** node id (or '' for the workflow) → index of the children key among the original keys. */
  readonly childKeyIndex: Map<string, number>;
}

export type GraphNode = StageNode | ActionNode | JobNode;
