// Runs a parsed SELECT over the stored events: compiled to closures once, then one pass over the rows.
import { AGGREGATES, COLUMNS, compare, compile, DateTime, plain, toNumber, type Compiled, type Value } from './hogql-compile.ts';
import { HogQLError, parseSelect, type Expr, type SelectQuery } from './hogql-parse.ts';
import type { StoredEvent } from './store.ts';

/** PostHog's answer to a HogQL query, the fields the emulator fills. */
export interface HogQLResult {
  columns: string[];
  types: string[];
  results: unknown[][];
  hasMore: boolean;
  limit: number;
  offset: number;
  hogql: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 50_000;

/** Event names a WHERE pins down (`event = 'x'` or `event IN (…)` at its top level), to scan only those. */
function pinnedEvents(where: Expr | undefined): string[] | undefined {
  if (!where) return undefined;
  if (where.k === 'bin' && where.op === 'and') return pinnedEvents(where.l) ?? pinnedEvents(where.r);
  const isEvent = (e: Expr) => e.k === 'id' && e.name === 'event';
  if (where.k === 'bin' && where.op === '=' && isEvent(where.l) && where.r.k === 'lit') return [String(where.r.v)];
  if (where.k === 'in' && !where.negated && isEvent(where.e) && where.list.every((i) => i.k === 'lit'))
    return where.list.map((i) => String(i.k === 'lit' ? i.v : ''));
  return undefined;
}

const containsAggregate = (e: Expr): boolean =>
  e.k === 'call'
    ? AGGREGATES.has(e.fn) || e.args.some(containsAggregate)
    : e.k === 'bin'
      ? containsAggregate(e.l) || containsAggregate(e.r)
      : e.k === 'not'
        ? containsAggregate(e.e)
        : e.k === 'in'
          ? containsAggregate(e.e)
          : false;

/** One aggregate's running state per group. */
interface AggState {
  add(row: StoredEvent): void;
  value(): Value;
}

function aggregateState(call: Extract<Expr, { k: 'call' }>, now: number): () => AggState {
  const arg = call.args[0] ? compile(call.args[0], now) : undefined;
  if (call.fn === 'sum') {
    if (!arg) throw new HogQLError('sum() takes one argument');
    return () => {
      let total = 0;
      return { add: (row) => void (total += toNumber(arg(row)) ?? 0), value: () => total };
    };
  }
  if (call.distinct || call.fn === 'uniq') {
    if (!arg) throw new HogQLError(`${call.fn}(DISTINCT …) takes one argument`);
    return () => {
      const seen = new Set<unknown>();
      return {
        add: (row) => {
          const v = arg(row);
          if (v !== null) seen.add(v instanceof DateTime ? v.ms : v);
        },
        value: () => seen.size,
      };
    };
  }
  return () => {
    let n = 0;
    return { add: (row) => void (!arg || arg(row) !== null ? n++ : 0), value: () => n };
  };
}

const typeOf = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? 'Int64' : 'Float64') : typeof v === 'boolean' ? 'Bool' : 'String');

/** Evaluates `text` over `events` as of `now`. Throws HogQLError for anything outside the subset. */
export function runHogQL(text: string, events: (names: string[] | undefined) => Iterable<StoredEvent>, now: number): HogQLResult {
  const query: SelectQuery = parseSelect(text);
  const aliases = new Map(query.columns.map((c) => [c.name, c.expr]));
  // GROUP BY and ORDER BY may name a column by its alias.
  const resolve = (e: Expr): Expr => (e.k === 'id' && !COLUMNS.has(e.name) && aliases.has(e.name) ? (aliases.get(e.name) ?? e) : e);
  const groupBy = query.groupBy.map(resolve);
  const orderBy = query.orderBy.map((o) => ({ ...o, expr: resolve(o.expr) }));
  const grouped = groupBy.length > 0 || query.columns.some((c) => containsAggregate(c.expr));
  const where = query.where ? compile(query.where, now) : () => true;
  const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const source = events(pinnedEvents(query.where));
  let rows: Value[][];
  let sortKeys: Value[][];
  if (!grouped) {
    const cols = query.columns.map((c) => compile(c.expr, now));
    const order = orderBy.map((o) => compile(o.expr, now));
    rows = [];
    sortKeys = [];
    for (const row of source) {
      if (!where(row)) continue;
      rows.push(cols.map((c) => c(row)));
      sortKeys.push(order.map((o) => o(row)));
    }
  } else {
    ({ rows, sortKeys } = runGrouped(query, groupBy, orderBy, where, source, now));
  }
  const order = rows.map((_, i) => i);
  if (orderBy.length > 0)
    order.sort((a, b) => {
      for (const [j, o] of orderBy.entries()) {
        const [x, y] = [sortKeys[a]?.[j] ?? null, sortKeys[b]?.[j] ?? null];
        // NULLS LAST, as ClickHouse sorts by default.
        if (x === null || y === null) {
          if (x !== y) return x === null ? 1 : -1;
          continue;
        }
        const c = compare(x, y) ?? 0;
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  const results = order.slice(0, limit).map((i) => (rows[i] ?? []).map(plain));
  const first = results[0] ?? [];
  return {
    columns: query.columns.map((c) => c.name),
    types: query.columns.map((_, j) => typeOf(first[j])),
    results,
    hasMore: order.length > limit,
    limit,
    offset: 0,
    hogql: text,
  };
}

function runGrouped(
  query: SelectQuery,
  groupBy: Expr[],
  orderBy: { expr: Expr; desc: boolean }[],
  where: Compiled,
  source: Iterable<StoredEvent>,
  now: number,
): { rows: Value[][]; sortKeys: Value[][] } {
  const keyText = (e: Expr) => JSON.stringify(e);
  const groupTexts = new Set(groupBy.map(keyText));
  for (const column of query.columns)
    if (!containsAggregate(column.expr) && !groupTexts.has(keyText(column.expr)))
      throw new HogQLError(`Column '${column.name}' must appear in the GROUP BY clause or be used in an aggregate function`);
  const keys = groupBy.map((g) => compile(g, now));
  // Aggregates in the SELECT and ORDER BY lists, each with a slot in the group's state.
  const factories: (() => AggState)[] = [];
  let current: AggState[] = [];
  const aggregate = (call: Extract<Expr, { k: 'call' }>): Compiled => {
    const slot = factories.push(aggregateState(call, now)) - 1;
    return () => current[slot]?.value() ?? null;
  };
  // Outside aggregates a grouped expression is read from the group's first row.
  const cols = query.columns.map((c) => compile(c.expr, now, aggregate));
  const order = orderBy.map((o) => compile(o.expr, now, aggregate));
  const groups = new Map<string, { first: StoredEvent; states: AggState[] }>();
  for (const row of source) {
    if (!where(row)) continue;
    const values = keys.map((k) => k(row));
    const key = JSON.stringify(values.map(plain));
    let group = groups.get(key);
    if (!group) {
      group = { first: row, states: factories.map((f) => f()) };
      groups.set(key, group);
    }
    for (const state of group.states) state.add(row);
  }
  // Without GROUP BY, aggregates over no rows still give one row (count() = 0).
  if (groupBy.length === 0 && groups.size === 0) {
    current = factories.map((f) => f());
    const none = { uuid: '', event: '', distinctId: '', ts: 0, properties: {} };
    return { rows: [cols.map((c) => c(none))], sortKeys: [order.map((o) => o(none))] };
  }
  const rows: Value[][] = [];
  const sortKeys: Value[][] = [];
  for (const group of groups.values()) {
    current = group.states;
    rows.push(cols.map((c) => c(group.first)));
    sortKeys.push(order.map((o) => o(group.first)));
  }
  return { rows, sortKeys };
}
