/**
 * Parser for the linear expressions JAOT models are written in: numbers, variable names, + - * /,
 * parentheses, and one comparison (<=, >=, =, ==, <, >) in constraints. Everything is reduced to
 * Σ cᵢ·xᵢ + constant; a product of two variables or a division by one is an error.
 */
export class ModelError extends Error {
  /** Where in the model: `constraints[1].expression (labor_hours)`, `objective.expression`, … */
  readonly field: string;
  /** 1-based column in the expression text, when the problem is in one. */
  readonly column: number | undefined;

  constructor(field: string, message: string, column?: number, text?: string) {
    const where = column === undefined ? '' : ` at column ${column}`;
    const shown = text === undefined ? '' : ` in "${text}"`;
    super(`${field}: ${message}${where}${shown}`);
    this.name = 'ModelError';
    this.field = field;
    this.column = column;
  }

  /** The same error again on this thread, from what a worker thread posted of one: its message as formatted there. */
  static rebuilt(parts: { field: string; column: number | undefined; message: string }): ModelError {
    const error = new ModelError(parts.field, '', parts.column);
    error.message = parts.message;
    return error;
  }
}

export interface LinearForm {
  coefficients: Map<string, number>;
  constant: number;
}

export type Comparison = '<=' | '>=' | '=';

export interface LinearConstraint {
  coefficients: Map<string, number>;
  comparison: Comparison;
  /** Right-hand side after moving every variable left and every constant right. */
  rhs: number;
}

interface Token {
  kind: 'number' | 'name' | 'op' | 'cmp' | 'end';
  text: string;
  column: number;
}

/** Parentheses nested deeper than this are refused: the parser recurses once per level. */
export const MAX_PARENTHESES = 100;

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOKEN = /(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|=|<|>)|([-+*/()])/y;

function tokenize(text: string, field: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (at >= text.length) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (match === null) throw new ModelError(field, `unexpected character "${text[at]}"`, at + 1, text);
    const column = at + 1;
    if (match[1] !== undefined) tokens.push({ kind: 'number', text: match[1], column });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', text: match[2], column });
    else if (match[3] !== undefined) tokens.push({ kind: 'cmp', text: match[3], column });
    else tokens.push({ kind: 'op', text: match[4]!, column });
    at = TOKEN.lastIndex;
  }
  tokens.push({ kind: 'end', text: 'end of expression', column: text.length + 1 });
  return tokens;
}

class Parser {
  #at = 0;
  readonly #tokens: Token[];
  readonly #text: string;
  readonly #field: string;
  readonly #known: ReadonlySet<string>;
  #depth = 0;

  constructor(text: string, field: string, known: ReadonlySet<string>) {
    this.#text = text;
    this.#field = field;
    this.#known = known;
    this.#tokens = tokenize(text, field);
  }

  fail(message: string, token = this.#peek()): never {
    throw new ModelError(this.#field, message, token.column, this.#text);
  }

  #peek(): Token {
    return this.#tokens[this.#at]!;
  }

  #next(): Token {
    return this.#tokens[this.#at++]!;
  }

  /** expression := term (('+' | '-') term)* */
  expression(): LinearForm {
    let form = this.#term();
    while (this.#peek().kind === 'op' && (this.#peek().text === '+' || this.#peek().text === '-')) {
      const sign = this.#next().text === '+' ? 1 : -1;
      form = add(form, this.#term(), sign);
    }
    return form;
  }

  /** term := unary (('*' | '/') unary)* */
  #term(): LinearForm {
    let form = this.#unary();
    while (this.#peek().kind === 'op' && (this.#peek().text === '*' || this.#peek().text === '/')) {
      const op = this.#next();
      const rightToken = this.#peek();
      const right = this.#unary();
      if (op.text === '*') {
        if (form.coefficients.size > 0 && right.coefficients.size > 0) this.fail('product of two variables is not linear', op);
        form = form.coefficients.size > 0 ? scale(form, right.constant) : scale(right, form.constant);
      } else {
        if (right.coefficients.size > 0) this.fail('division by a variable is not linear', rightToken);
        if (right.constant === 0) this.fail('division by zero', rightToken);
        form = scale(form, 1 / right.constant);
      }
    }
    return form;
  }

  /** unary := ('+' | '-')* (number | name | '(' expression ')'), signs read in a loop so a long run of them cannot overflow the stack */
  #unary(): LinearForm {
    let sign = 1;
    while (this.#peek().kind === 'op' && (this.#peek().text === '-' || this.#peek().text === '+')) {
      if (this.#next().text === '-') sign = -sign;
    }
    const operand = this.#operand();
    return sign === 1 ? operand : scale(operand, -1);
  }

  #operand(): LinearForm {
    const token = this.#next();
    if (token.kind === 'number') {
      const value = Number(token.text);
      if (!Number.isFinite(value)) this.fail(`number ${token.text} is out of range`, token);
      return { coefficients: new Map(), constant: value };
    }
    if (token.kind === 'name') {
      if (!this.#known.has(token.text)) this.fail(`unknown variable "${token.text}"`, token);
      return { coefficients: new Map([[token.text, 1]]), constant: 0 };
    }
    if (token.kind === 'op' && token.text === '(') {
      if (++this.#depth > MAX_PARENTHESES) this.fail(`parentheses nested more than ${MAX_PARENTHESES} deep`, token);
      const inner = this.expression();
      this.#depth--;
      if (this.#peek().text !== ')') this.fail(`expected ")" but found "${this.#peek().text}"`);
      this.#next();
      return inner;
    }
    return this.fail(`expected a number, a variable or "(" but found "${token.text}"`, token);
  }

  comparison(): Comparison | null {
    const token = this.#peek();
    if (token.kind !== 'cmp') return null;
    this.#next();
    if (token.text === '<=' || token.text === '<') return '<=';
    if (token.text === '>=' || token.text === '>') return '>=';
    return '=';
  }

  end(): void {
    const token = this.#peek();
    if (token.kind !== 'end') this.fail(`unexpected "${token.text}"`, token);
  }

  peekKind(): Token['kind'] {
    return this.#peek().kind;
  }
}

/**
 * `a` + sign·`b`, built in `a`: every form is made fresh by the parser and used once, and copying the
 * running sum at each term would make an n-term expression cost n².
 */
function add(a: LinearForm, b: LinearForm, sign: number): LinearForm {
  for (const [name, c] of b.coefficients) a.coefficients.set(name, (a.coefficients.get(name) ?? 0) + sign * c);
  a.constant += sign * b.constant;
  return a;
}

/** `form`·factor, built in `form`, as `add`. */
function scale(form: LinearForm, factor: number): LinearForm {
  for (const [name, c] of form.coefficients) form.coefficients.set(name, c * factor);
  form.constant *= factor;
  return form;
}

/** Finite numbers can still multiply past the double range ("1e200*1e200*x"); HiGHS cannot take the result. */
function checkFinite(form: LinearForm, field: string, text: string): void {
  for (const [name, c] of form.coefficients) {
    if (!Number.isFinite(c)) throw new ModelError(field, `the coefficient of ${name} is out of range`, undefined, text);
  }
  if (!Number.isFinite(form.constant)) throw new ModelError(field, 'the constant term is out of range', undefined, text);
}

function dropZeros(coefficients: Map<string, number>): Map<string, number> {
  return new Map([...coefficients].filter(([, c]) => c !== 0));
}

export function parseObjective(text: string, field: string, known: ReadonlySet<string>): LinearForm {
  const parser = new Parser(text, field, known);
  const form = parser.expression();
  if (parser.peekKind() === 'cmp') parser.fail('an objective has no comparison');
  parser.end();
  checkFinite(form, field, text);
  return { coefficients: dropZeros(form.coefficients), constant: form.constant };
}

export function parseConstraint(text: string, field: string, known: ReadonlySet<string>): LinearConstraint {
  const parser = new Parser(text, field, known);
  const left = parser.expression();
  const comparison = parser.comparison() ?? parser.fail('expected a comparison (<=, >= or =)');
  const right = parser.expression();
  parser.end();
  const moved = add(left, right, -1);
  checkFinite(moved, field, text);
  return { coefficients: dropZeros(moved.coefficients), comparison, rhs: -moved.constant };
}
