/** Syntax tree of a run query (docs/query-language.md). Every node keeps its range in the query text. */

export interface Span {
  readonly start: number;
  readonly end: number;
}

export type FieldKind = 'metric' | 'param' | 'tag' | 'attribute';

/** Attributes a query can name (after aliases are resolved). */
export type AttributeName =
  | 'run_id' | 'name' | 'status' | 'start_time' | 'end_time' | 'experiment' | 'source'
  | 'archived' | 'deleted' | 'duration' | 'note' | 'description' | 'folder';

export type Field =
  | (Span & { readonly kind: 'metric'; readonly key: string })
  | (Span & { readonly kind: 'param'; readonly key: string })
  | (Span & { readonly kind: 'tag'; readonly key: string })
  | (Span & { readonly kind: 'attribute'; readonly key: AttributeName });

export type Value =
  | (Span & { readonly kind: 'number'; readonly value: number; readonly raw: string })
  | (Span & { readonly kind: 'string'; readonly value: string })
  | (Span & { readonly kind: 'boolean'; readonly value: boolean });

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | (Span & { readonly type: 'compare'; readonly field: Field; readonly op: CompareOp; readonly opSpan: Span; readonly value: Value })
  | (Span & { readonly type: 'like'; readonly field: Field; readonly negated: boolean; readonly caseInsensitive: boolean; readonly pattern: Value })
  | (Span & { readonly type: 'in'; readonly field: Field; readonly negated: boolean; readonly values: readonly Value[] })
  | (Span & { readonly type: 'null'; readonly field: Field; readonly negated: boolean });

export type Expr =
  | Condition
  | (Span & { readonly type: 'and'; readonly operands: readonly Expr[] })
  | (Span & { readonly type: 'or'; readonly operands: readonly Expr[] })
  | (Span & { readonly type: 'not'; readonly operand: Expr });

export interface OrderKey extends Span {
  readonly field: Field;
  readonly descending: boolean;
}

export interface Query {
  /** Undefined when the query has no filter (empty, or only `order by`). */
  readonly where: Expr | undefined;
  readonly orderBy: readonly OrderKey[];
}
