// meta.k8s.io/v1 Tables with kubectl's columns for each served resource.
export { humanDuration, since } from './duration.js';
export { COLUMNS, DEFAULT_COLUMNS, columnsFor, type Column } from './columns.js';
export { podCells, readinessGates, type PodCells } from './pod-row.js';
export { parseIncludeObject, toTable, type IncludeObject, type Table, type TableColumnDefinition, type TableOptions, type TableRow } from './table.js';
