// Lists (or single objects) as meta.k8s.io/v1 Tables, for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
// Each row carries its cells and, per ?includeObject=, the object: PartialObjectMetadata (the default,
// `Metadata`), the whole object (`Object`), or nothing (`None`).
import { columnsFor } from './columns.js';

type Obj = Record<string, any>;

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: (string | number | boolean)[];
  object?: Obj;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export interface TableOptions {
  /** The list's metadata (resourceVersion, continue, remainingItemCount); for one object, its resourceVersion. */
  readonly listMeta?: Table['metadata'];
  /** ?includeObject=; defaults to Metadata. */
  readonly includeObject?: IncludeObject;
  /** Omit the column definitions (watch events after the first, as the apiserver does). */
  readonly noHeaders?: boolean;
  /** Milliseconds since the epoch; ages are computed against it. */
  readonly now: number;
}

/** Parses ?includeObject=; undefined means the value is not one of the three. */
export function parseIncludeObject(v: string | null | undefined): IncludeObject | undefined {
  if (v === null || v === undefined || v === '') return 'Metadata';
  return v === 'None' || v === 'Metadata' || v === 'Object' ? v : undefined;
}

function rowObject(o: Obj, include: IncludeObject): Obj | undefined {
  switch (include) {
    case 'None':
      return undefined;
    case 'Object':
      return o;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
    default: {
      const never: never = include;
      return never;
    }
  }
}

/** The Table for `resource` (plural, e.g. "pods") holding `objects` in order. */
export function toTable(resource: string, objects: readonly Obj[], opts: TableOptions): Table {
  const columns = columnsFor(resource);
  const include = opts.includeObject ?? 'Metadata';
  const metadata: Table['metadata'] = {};
  if (opts.listMeta?.resourceVersion !== undefined) metadata.resourceVersion = opts.listMeta.resourceVersion;
  if (opts.listMeta?.continue) metadata.continue = opts.listMeta.continue;
  if (opts.listMeta?.remainingItemCount !== undefined) metadata.remainingItemCount = opts.listMeta.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders
      ? null
      : columns.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority })),
    rows: objects.map((o) => {
      const row: TableRow = { cells: columns.map((c) => c.cell(o, opts.now)) };
      const object = rowObject(o, include);
      if (object !== undefined) row.object = object;
      return row;
    }),
  };
}
