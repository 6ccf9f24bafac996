/**
 * A small, safe expression language for combination rules over indicator columns (DAS atoms,
 * score columns): parsed into a typed AST by recursive descent and evaluated by a tree walk
 * (no eval / Function), vectorised over a population of architectures.
 *
 * Grammar (lowest to highest precedence; `^` is right-associative and binds tighter than unary
 * minus, as in mathematics: `-a^2` = −(a²), `2^3^2` = 2^9, `2^-1` = 0.5):
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := primary ('^' unary)?
 *   primary := number | name | name '(' expr ')' | '(' expr ')'
 *   number  := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]   (also '.5')
 *   name    := [A-Za-z_][A-Za-z0-9_]*  |  '`' any characters but '`' '`'   (quoted column names)
 * A name is a parameter of the rule if the rule declares it, otherwise a column.
 * Functions: pointwise log, exp, sqrt, abs; population-wide rank (average ranks over the
 * finite values, 1-based) and z (standardise by mean and sample standard deviation over the
 * finite values). Non-finite values propagate (IEEE arithmetic; rank/z leave them as they are).
 */
import { sampleStandardDeviation, mean as ssMean } from 'simple-statistics';
import { ranks } from '../stats/correlation';

export const POINTWISE_FUNCTIONS = ['log', 'exp', 'sqrt', 'abs'] as const;
export const POPULATION_FUNCTIONS = ['rank', 'z'] as const;
export type PointwiseFunction = (typeof POINTWISE_FUNCTIONS)[number];
export type PopulationFunction = (typeof POPULATION_FUNCTIONS)[number];
export type RuleFunction = PointwiseFunction | PopulationFunction;
export const RULE_FUNCTIONS: readonly RuleFunction[] = [...POINTWISE_FUNCTIONS, ...POPULATION_FUNCTIONS];

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

/** AST; `pos` is the 0-based character offset of the node's first token in the source. */
export type RuleExpr =
  | { readonly kind: 'num'; readonly value: number; readonly pos: number }
  | { readonly kind: 'name'; readonly name: string; readonly pos: number }
  | { readonly kind: 'neg'; readonly arg: RuleExpr; readonly pos: number }
  | { readonly kind: 'bin'; readonly op: BinaryOp; readonly left: RuleExpr; readonly right: RuleExpr; readonly pos: number }
  | { readonly kind: 'call'; readonly fn: RuleFunction; readonly arg: RuleExpr; readonly pos: number };

/** A syntax error at a position, naming the offending token. */
export class RuleSyntaxError extends Error {
  constructor(
    readonly source: string,
    readonly pos: number,
    readonly token: string,
    readonly problem: string,
  ) {
    super(`rule '${source}': ${problem} at position ${pos} (token ${token})\n  ${source}\n  ${' '.repeat(pos)}^`);
    this.name = 'RuleSyntaxError';
  }
}

type TokenKind = 'num' | 'name' | 'op' | '(' | ')' | ',' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  readonly value?: number;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'end of input' : `'${t.text}'`;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new RuleSyntaxError(src, start, `'${c}'`, 'malformed number');
      i += m[0].length;
      if (i < src.length && /[A-Za-z_0-9.]/.test(src[i])) {
        const bad = /^[A-Za-z_0-9.]+/.exec(src.slice(start))![0];
        throw new RuleSyntaxError(src, start, `'${bad}'`, 'malformed number');
      }
      out.push({ kind: 'num', text: m[0], pos: start, value: Number(m[0]) });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'name', text: m[0], pos: start });
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new RuleSyntaxError(src, start, "'`'", 'unterminated quoted name');
      const name = src.slice(i + 1, end);
      if (name.length === 0) throw new RuleSyntaxError(src, start, "'``'", 'empty quoted name');
      i = end + 1;
      out.push({ kind: 'name', text: name, pos: start });
    } else if ('+-*/^'.includes(c)) {
      i++;
      out.push({ kind: 'op', text: c, pos: start });
    } else if (c === '(' || c === ')' || c === ',') {
      i++;
      out.push({ kind: c, text: c, pos: start });
    } else {
      throw new RuleSyntaxError(src, start, `'${c}'`, 'unexpected character');
    }
  }
  out.push({ kind: 'end', text: '', pos: src.length });
  return out;
}

/** Parse a rule expression into its AST. @throws RuleSyntaxError with position and token. */
export function parseRuleExpr(src: string): RuleExpr {
  const toks = tokenize(src);
  let k = 0;
  const peek = (): Token => toks[k];
  const next = (): Token => toks[k++];
  const fail = (t: Token, problem: string): never => {
    throw new RuleSyntaxError(src, t.pos, describe(t), problem);
  };
  const isOp = (t: Token, ops: string): boolean => t.kind === 'op' && ops.includes(t.text);

  function expr(): RuleExpr {
    let left = term();
    while (isOp(peek(), '+-')) {
      const op = next();
      left = { kind: 'bin', op: op.text as BinaryOp, left, right: term(), pos: left.pos };
    }
    return left;
  }
  function term(): RuleExpr {
    let left = unary();
    while (isOp(peek(), '*/')) {
      const op = next();
      left = { kind: 'bin', op: op.text as BinaryOp, left, right: unary(), pos: left.pos };
    }
    return left;
  }
  function unary(): RuleExpr {
    const t = peek();
    if (isOp(t, '-')) {
      next();
      return { kind: 'neg', arg: unary(), pos: t.pos };
    }
    if (isOp(t, '+')) {
      next();
      return unary();
    }
    return power();
  }
  function power(): RuleExpr {
    const base = primary();
    if (isOp(peek(), '^')) {
      next();
      return { kind: 'bin', op: '^', left: base, right: unary(), pos: base.pos };
    }
    return base;
  }
  function primary(): RuleExpr {
    const t = next();
    switch (t.kind) {
      case 'num':
        return { kind: 'num', value: t.value!, pos: t.pos };
      case 'name': {
        if (peek().kind !== '(') return { kind: 'name', name: t.text, pos: t.pos };
        if (!(RULE_FUNCTIONS as readonly string[]).includes(t.text)) {
          fail(t, `unknown function '${t.text}' (known: ${RULE_FUNCTIONS.join(', ')})`);
        }
        next();
        if (peek().kind === ')') fail(peek(), `${t.text}() needs one argument`);
        const arg = expr();
        if (peek().kind === ',') fail(peek(), `${t.text}() takes exactly one argument`);
        if (peek().kind !== ')') fail(peek(), `expected ')' to close ${t.text}(`);
        next();
        return { kind: 'call', fn: t.text as RuleFunction, arg, pos: t.pos };
      }
      case '(': {
        const inner = expr();
        if (peek().kind !== ')') fail(peek(), "expected ')'");
        next();
        return inner;
      }
      default:
        return fail(t, 'expected a number, a name, a function call or (');
    }
  }

  if (peek().kind === 'end') fail(peek(), 'empty expression');
  const ast = expr();
  if (peek().kind !== 'end') fail(peek(), 'unexpected token after a complete expression');
  return ast;
}

/** Names used in an expression, in order of first use. */
export function ruleNames(ast: RuleExpr): string[] {
  const out: string[] = [];
  const walk = (e: RuleExpr): void => {
    if (e.kind === 'name') {
      if (!out.includes(e.name)) out.push(e.name);
    } else if (e.kind === 'neg' || e.kind === 'call') walk(e.arg);
    else if (e.kind === 'bin') {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(ast);
  return out;
}

/** Canonical, fully parenthesised text of an AST (for tests and messages). */
export function formatRuleExpr(e: RuleExpr): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'name':
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name) ? e.name : `\`${e.name}\``;
    case 'neg':
      return `(-${formatRuleExpr(e.arg)})`;
    case 'bin':
      return `(${formatRuleExpr(e.left)} ${e.op} ${formatRuleExpr(e.right)})`;
    case 'call':
      return `${e.fn}(${formatRuleExpr(e.arg)})`;
  }
}

/** Columns of a population: name → one value per architecture (all the same length). */
export type RuleColumns = Readonly<Record<string, ArrayLike<number>>>;

/** Thrown when a rule names something that is neither a parameter nor a column. */
export class RuleNameError extends Error {
  constructor(
    readonly source: string,
    readonly unknown: readonly string[],
    readonly known: readonly string[],
  ) {
    super(`rule '${source}': unknown name(s) ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ') || 'none'})`);
    this.name = 'RuleNameError';
  }
}

/** Average ranks over the finite entries; non-finite entries are left as they are. */
function populationRank(v: Float64Array): Float64Array {
  const idx: number[] = [];
  const vals: number[] = [];
  v.forEach((a, i) => {
    if (Number.isFinite(a)) {
      idx.push(i);
      vals.push(a);
    }
  });
  const out = Float64Array.from(v);
  const r = ranks(vals);
  idx.forEach((i, k) => (out[i] = r[k]));
  return out;
}

/** (v − mean) / sample sd over the finite entries (NaN everywhere finite if < 2 or constant). */
function populationZ(v: Float64Array): Float64Array {
  const vals = Array.from(v).filter(Number.isFinite);
  const m = vals.length ? ssMean(vals) : NaN;
  const sd = vals.length >= 2 ? sampleStandardDeviation(vals) : NaN;
  return v.map((a) => (Number.isFinite(a) ? (sd > 0 ? (a - m) / sd : NaN) : a));
}

const POINTWISE: Readonly<Record<PointwiseFunction, (x: number) => number>> = {
  log: Math.log,
  exp: Math.exp,
  sqrt: Math.sqrt,
  abs: Math.abs,
};

const BINARY: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '^': (a, b) => a ** b,
};

/**
 * Evaluate an AST over a population of `n` rows. `lookup` resolves a name to a column or to a
 * scalar parameter (already checked to exist).
 */
export function evaluateExpr(e: RuleExpr, n: number, lookup: (name: string) => ArrayLike<number> | number): Float64Array {
  switch (e.kind) {
    case 'num':
      return new Float64Array(n).fill(e.value);
    case 'name': {
      const v = lookup(e.name);
      return typeof v === 'number' ? new Float64Array(n).fill(v) : Float64Array.from(v);
    }
    case 'neg':
      return evaluateExpr(e.arg, n, lookup).map((a) => -a);
    case 'bin': {
      const a = evaluateExpr(e.left, n, lookup);
      const b = evaluateExpr(e.right, n, lookup);
      const f = BINARY[e.op];
      return a.map((x, i) => f(x, b[i]));
    }
    case 'call': {
      const a = evaluateExpr(e.arg, n, lookup);
      if (e.fn === 'rank') return populationRank(a);
      if (e.fn === 'z') return populationZ(a);
      const f = POINTWISE[e.fn];
      return a.map(f);
    }
  }
}
