/** The run query language: parse, compile to SQL over the index, search. See docs/query-language.md. */
export type { AttributeName, CompareOp, Condition, Expr, Field, FieldKind, OrderKey, Query, Span, Value } from './ast';
export { parseQuery, MAX_CONDITIONS, MAX_DEPTH, MAX_IN_VALUES, MAX_ORDER_KEYS } from './parser';
export { QueryError, MAX_QUERY_LENGTH, tokenize, type Token } from './tokens';
export { Compiler, type CompileOptions } from './compile';
export { compileSearch, freeTextFilter, searchRuns, splitWords, type CompiledSearch, type SearchInput, type SearchResult, type SelectRunner } from './search';
export { parseDate, parseDuration } from './values';
export { statusValue } from './fields';
