/** The shapes of data/query (crm-protocols.md §2.3), shared by the client and its callers. */

export type ObjectData = Record<string, unknown> & { _id: string };
export type FilterOperator =
  | 'EQ'
  | 'N'
  | 'GT'
  | 'GTE'
  | 'LT'
  | 'LTE'
  | 'LIKE'
  | 'NLIKE'
  | 'IS'
  | 'ISN'
  | 'IN'
  | 'NIN'
  | 'BETWEEN'
  | 'NBETWEEN'
  | 'STARTWITH'
  | 'ENDWITH'
  | 'HASANYOF'
  | 'NHASANYOF'
  | 'CONTAINS';
/** Filters are snake_case and orders camelCase: the API really mixes them (§3 Fxiaoke complaint 2). */
export interface QueryFilter {
  field_name: string;
  operator: FilterOperator;
  /** Always strings; timestamps as epoch-ms strings. */
  field_values: string[];
}
export interface QueryOrder {
  fieldName: string;
  isAsc: boolean;
}
export interface QueryInput {
  /** At most 100. */
  limit?: number;
  /** A multiple of limit, at most 10,000: a record position, not a page number. */
  offset?: number;
  filters?: QueryFilter[];
  orders?: QueryOrder[];
  fieldProjection?: string[];
  findExplicitTotal?: boolean;
}
export interface QueryPage {
  dataList: ObjectData[];
  offset: number;
  limit: number;
  total: number;
}

export const MAX_PAGE_SIZE = 100;
