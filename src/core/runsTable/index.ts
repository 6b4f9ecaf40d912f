/** The runs table: its columns, rows, filter, exports and saved views (docs/runs-table.md). */
export * from './columns';
export * from './filter';
export * from './table';
export * from './export';
export * from './views';
export * from './session';
