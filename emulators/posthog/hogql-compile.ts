// HogQL expressions compiled to closures over one stored event: values, comparisons, functions.
import { HogQLError, type Expr } from './hogql-parse.ts';
import type { StoredEvent } from './store.ts';

/** A date-time value (ms since the epoch, UTC: the emulated project's time zone). */
export class DateTime {
  constructor(readonly ms: number) {}
}
export type Value = string | number | boolean | null | DateTime;
export type Compiled = (row: StoredEvent) => Value;

export const COLUMNS = new Set(['event', 'timestamp', 'distinct_id', 'person_id', 'uuid']);
export const AGGREGATES = new Set(['count', 'uniq', 'sum']);

function parseDateTime(text: string): DateTime {
  const iso = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.test(text);
  const ms = iso ? Date.parse(/[Zz]|[+-]\d{2}:?\d{2}$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`) : Number.NaN;
  if (Number.isNaN(ms)) throw new HogQLError(`Cannot parse DateTime from '${text}'`);
  return new DateTime(ms);
}

export function plain(v: Value): string | number | boolean | null {
  return v instanceof DateTime ? new Date(v.ms).toISOString() : v;
}

export function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (a instanceof DateTime || b instanceof DateTime) {
    const x = a instanceof DateTime ? a.ms : parseDateTime(String(a)).ms;
    const y = b instanceof DateTime ? b.ms : parseDateTime(String(b)).ms;
    return x - y;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export const toNumber = (v: Value): number | null =>
  v === null ? null : v instanceof DateTime ? v.ms / 1000 : typeof v === 'number' ? v : Number.isNaN(Number(v)) ? null : Number(v);

const UNITS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800 };

/** The non-aggregate functions of the subset. */
const functionTable: Record<string, (args: Value[]) => Value> = {
  toDateTime: ([v]) => (v instanceof DateTime ? v : v === null || v === undefined ? null : parseDateTime(String(v))),
  dateDiff: ([unit, a, b]) => {
    const name = typeof unit === 'string' ? unit : '';
    const size = UNITS[name];
    if (size === undefined) throw new HogQLError(`dateDiff: unit '${name}' is not supported here (second, minute, hour, day, week)`);
    if (!(a instanceof DateTime) || !(b instanceof DateTime)) return null;
    return Math.floor(b.ms / 1000 / size) - Math.floor(a.ms / 1000 / size);
  },
  intDiv: ([a, b]) => {
    const [x, y] = [toNumber(a ?? null), toNumber(b ?? null)];
    if (x === null || y === null) return null;
    if (y === 0) throw new HogQLError('Division by zero');
    return Math.trunc(x / y);
  },
  toStringValue: (args) => {
    const v = args[0];
    return v === null || v === undefined ? null : String(plain(v));
  },
  coalesce: (args) => args.find((a) => a !== null) ?? null,
};
// A Map, so a name such as `constructor` is no function of the subset.
const FUNCTIONS = new Map(Object.entries(functionTable).map(([name, fn]) => [name === 'toStringValue' ? 'toString' : name, fn]));

/** Compiles a non-aggregate expression. `aggregate` resolves aggregate calls (only in the grouped phase). */
export function compile(expr: Expr, now: number, aggregate?: (call: Extract<Expr, { k: 'call' }>) => Compiled): Compiled {
  const sub = (e: Expr) => compile(e, now, aggregate);
  switch (expr.k) {
    case 'lit': {
      const v = expr.v;
      return () => v;
    }
    case 'id': {
      if (!COLUMNS.has(expr.name)) throw new HogQLError(`Unable to resolve field: ${expr.name}`);
      const name = expr.name;
      if (name === 'timestamp') return (row) => new DateTime(row.ts);
      if (name === 'event') return (row) => row.event;
      if (name === 'uuid') return (row) => row.uuid;
      return (row) => row.distinctId;
    }
    case 'prop': {
      const key = expr.key;
      return (row) => {
        const v = row.properties[key];
        if (v === undefined || v === null) return null;
        return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
      };
    }
    case 'not': {
      const e = sub(expr.e);
      return (row) => {
        const v = e(row);
        return v === null ? null : !v;
      };
    }
    case 'in': {
      const e = sub(expr.e);
      const items = expr.list.map(sub);
      const negated = expr.negated;
      return (row) => {
        const v = e(row);
        if (v === null) return null;
        const found = items.some((item) => compare(v, item(row)) === 0);
        return negated ? !found : found;
      };
    }
    case 'bin':
      return compileBinary(expr.op, sub(expr.l), sub(expr.r));
    case 'call': {
      if (AGGREGATES.has(expr.fn)) {
        if (!aggregate) throw new HogQLError(`Aggregation '${expr.fn}' is not allowed here`);
        return aggregate(expr);
      }
      if (expr.fn === 'now') return () => new DateTime(now);
      const fn = FUNCTIONS.get(expr.fn);
      if (!fn) throw new HogQLError(`Unsupported function call '${expr.fn}(...)'`);
      // A call of literals (toDateTime('…')) is worked out once, not per row.
      if (expr.args.every((a) => a.k === 'lit')) {
        const value = fn(expr.args.map((a) => (a.k === 'lit' ? a.v : null)));
        return () => value;
      }
      const args = expr.args.map(sub);
      return (row) => fn(args.map((a) => a(row)));
    }
  }
}

function compileBinary(op: string, l: Compiled, r: Compiled): Compiled {
  const cmp =
    (test: (n: number) => boolean): Compiled =>
    (row) => {
      const c = compare(l(row), r(row));
      return c === null ? null : test(c);
    };
  const arith =
    (f: (a: number, b: number) => number): Compiled =>
    (row) => {
      const [a, b] = [toNumber(l(row)), toNumber(r(row))];
      return a === null || b === null ? null : f(a, b);
    };
  const ops: Record<string, Compiled> = {
    '=': cmp((c) => c === 0),
    '!=': cmp((c) => c !== 0),
    '<': cmp((c) => c < 0),
    '<=': cmp((c) => c <= 0),
    '>': cmp((c) => c > 0),
    '>=': cmp((c) => c >= 0),
    and: (row) => Boolean(l(row)) && Boolean(r(row)),
    or: (row) => Boolean(l(row)) || Boolean(r(row)),
    '+': arith((a, b) => a + b),
    '-': arith((a, b) => a - b),
    '*': arith((a, b) => a * b),
    '/': arith((a, b) => a / b),
  };
  const f = ops[op];
  if (!f) throw new HogQLError(`Unsupported operator '${op}'`);
  return f;
}
