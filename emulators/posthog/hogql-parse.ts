// A parser for the HogQL subset in SPEC.md: one SELECT over `events`. Anything else is a HogQLError.

/** A query the emulator cannot answer, with the sentence PostHog's error body carries. */
export class HogQLError extends Error {
  override readonly name = 'HogQLError';
}

export type Expr =
  | { k: 'lit'; v: string | number | null }
  | { k: 'id'; name: string }
  | { k: 'prop'; key: string }
  | { k: 'call'; fn: string; args: Expr[]; distinct: boolean }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'in'; e: Expr; list: Expr[]; negated: boolean };

export interface SelectColumn {
  expr: Expr;
  /** `AS name`, or the expression's own text (PostHog's column name). */
  name: string;
}

export interface SelectQuery {
  columns: SelectColumn[];
  where: Expr | undefined;
  groupBy: Expr[];
  orderBy: { expr: Expr; desc: boolean }[];
  limit: number | undefined;
}

type Token = { t: 'id' | 'qid' | 'str' | 'num' | 'op'; v: string; at: number };

const KEYWORDS = new Set(['select', 'from', 'where', 'group', 'by', 'order', 'limit', 'as', 'and', 'or', 'not', 'in', 'asc', 'desc', 'distinct']);

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i))?.[0] ?? c;
      tokens.push({ t: 'id', v: m, at: i });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)?/.exec(text.slice(i))?.[0] ?? c;
      tokens.push({ t: 'num', v: m, at: i });
      i += m.length;
    } else if (c === "'" || c === '`' || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j] ?? '';
      }
      if (j >= text.length) throw new HogQLError(`Syntax error at line 1, column ${i}: unterminated quote`);
      tokens.push({ t: c === "'" ? 'str' : 'qid', v: value, at: i });
      i = j + 1;
    } else {
      const op = /^(?:==|!=|<>|<=|>=|[=<>(),.*+\-/[\]])/.exec(text.slice(i))?.[0];
      if (!op) throw new HogQLError(`Syntax error at line 1, column ${i}: no viable alternative at input '${c}'`);
      tokens.push({ t: 'op', v: op, at: i });
      i += op.length;
    }
  }
  return tokens;
}

/** Parses one SELECT of the supported subset. */
export function parseSelect(text: string): SelectQuery {
  const tokens = lex(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isKw = (word: string) => peek()?.t === 'id' && peek()?.v.toLowerCase() === word;
  const isOp = (op: string) => peek()?.t === 'op' && peek()?.v === op;
  const fail = (what: string): never => {
    const at = peek();
    throw new HogQLError(at ? `Syntax error at line 1, column ${at.at}: ${what}, found '${at.v}'` : `Syntax error: ${what} at the end of the query`);
  };
  const expectKw = (word: string) => (isKw(word) ? void pos++ : fail(`expected ${word.toUpperCase()}`));
  const expectOp = (op: string) => (isOp(op) ? void pos++ : fail(`expected '${op}'`));

  const primary = (): Expr => {
    const tok = peek();
    if (!tok) return fail('expected an expression');
    if (tok.t === 'str') return (pos++, { k: 'lit', v: tok.v });
    if (tok.t === 'num') return (pos++, { k: 'lit', v: Number(tok.v) });
    if (isOp('(')) {
      pos++;
      const inner = or();
      expectOp(')');
      return inner;
    }
    if (isOp('-')) return (pos++, { k: 'bin', op: '-', l: { k: 'lit', v: 0 }, r: primary() });
    if (tok.t !== 'id' && tok.t !== 'qid') return fail('expected an expression');
    if (tok.t === 'id' && KEYWORDS.has(tok.v.toLowerCase())) return fail('expected an expression');
    pos++;
    if (tok.t === 'id' && tok.v.toLowerCase() === 'null') return { k: 'lit', v: null };
    if (tok.t === 'id' && isOp('(')) {
      pos++;
      const distinct = isKw('distinct') ? (pos++, true) : false;
      const args: Expr[] = [];
      while (!isOp(')')) {
        args.push(or());
        if (!isOp(')')) expectOp(',');
      }
      pos++;
      return { k: 'call', fn: tok.v, args, distinct };
    }
    if (tok.v === 'properties') {
      if (isOp('.')) {
        pos++;
        const key = peek();
        if (key?.t !== 'id' && key?.t !== 'qid') return fail('expected a property name');
        pos++;
        return { k: 'prop', key: key.v };
      }
      if (isOp('[')) {
        pos++;
        const key = peek();
        if (key?.t !== 'str') return fail('expected a property name in quotes');
        pos++;
        expectOp(']');
        return { k: 'prop', key: key.v };
      }
    }
    if (isOp('.')) return fail(`nested field access on '${tok.v}' is not supported here`);
    return { k: 'id', name: tok.v };
  };
  const product = (): Expr => {
    let l = primary();
    while (isOp('*') || isOp('/')) {
      const op = peek()?.v ?? '*';
      pos++;
      l = { k: 'bin', op, l, r: primary() };
    }
    return l;
  };
  const sum = (): Expr => {
    let l = product();
    while (isOp('+') || isOp('-')) {
      const op = peek()?.v ?? '+';
      pos++;
      l = { k: 'bin', op, l, r: product() };
    }
    return l;
  };
  const comparison = (): Expr => {
    const l = sum();
    const negated = isKw('not') && tokens[pos + 1]?.v.toLowerCase() === 'in';
    if (negated) pos++;
    if (isKw('in')) {
      pos++;
      expectOp('(');
      const list: Expr[] = [];
      while (!isOp(')')) {
        list.push(sum());
        if (!isOp(')')) expectOp(',');
      }
      pos++;
      return { k: 'in', e: l, list, negated };
    }
    const op = peek();
    if (op?.t === 'op' && ['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(op.v)) {
      pos++;
      const normal = op.v === '==' ? '=' : op.v === '<>' ? '!=' : op.v;
      return { k: 'bin', op: normal, l, r: sum() };
    }
    return l;
  };
  const not = (): Expr => (isKw('not') ? (pos++, { k: 'not', e: not() }) : comparison());
  const and = (): Expr => {
    let l = not();
    while (isKw('and')) {
      pos++;
      l = { k: 'bin', op: 'and', l, r: not() };
    }
    return l;
  };
  const or = (): Expr => {
    let l = and();
    while (isKw('or')) {
      pos++;
      l = { k: 'bin', op: 'or', l, r: and() };
    }
    return l;
  };
  const list = <T>(item: () => T): T[] => {
    const items = [item()];
    while (isOp(',')) {
      pos++;
      items.push(item());
    }
    return items;
  };

  expectKw('select');
  const columns = list((): SelectColumn => {
    const start = peek()?.at ?? text.length;
    const expr = or();
    const end = peek()?.at ?? text.length;
    if (isKw('as')) {
      pos++;
      const alias = peek();
      if (alias?.t !== 'id' && alias?.t !== 'qid') return fail('expected an alias');
      pos++;
      return { expr, name: alias.v };
    }
    return { expr, name: text.slice(start, end).trim() };
  });
  expectKw('from');
  const table = peek();
  if (table?.t !== 'id') return fail('expected a table');
  pos++;
  if (table.v !== 'events') throw new HogQLError(`Unknown table "${table.v}". This emulator has only "events".`);
  const where = isKw('where') ? (pos++, or()) : undefined;
  let groupBy: Expr[] = [];
  if (isKw('group')) {
    pos++;
    expectKw('by');
    groupBy = list(or);
  }
  let orderBy: SelectQuery['orderBy'] = [];
  if (isKw('order')) {
    pos++;
    expectKw('by');
    orderBy = list(() => {
      const expr = or();
      const desc = isKw('desc') ? (pos++, true) : isKw('asc') ? (pos++, false) : false;
      return { expr, desc };
    });
  }
  let limit: number | undefined;
  if (isKw('limit')) {
    pos++;
    const n = peek();
    if (n?.t !== 'num') return fail('expected a number');
    pos++;
    limit = Number(n.v);
  }
  if (pos < tokens.length) fail('expected the end of the query');
  return { columns, where, groupBy, orderBy, limit };
}
