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

  /** unary := ('+' | '-') unary | number | name | '(' expression ')' */
  #unary(): LinearForm {
    const token = this.#next();
    if (token.kind === 'op' && (token.text === '-' || token.text === '+')) {
      const inner = this.#unary();
      return token.text === '-' ? scale(inner, -1) : inner;
    }
    if (token.kind === 'number') return { coefficients: new Map(), constant: Number(token.text) };
    if (token.kind === 'name') {
      if (!this.#known.has(token.text)) this.fail(`unknown variable "${token.text}"`, token);
      return { coefficients: new Map([[token.text, 1]]), constant: 0 };
    }
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.expression();
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

function add(a: LinearForm, b: LinearForm, sign: number): LinearForm {
  const coefficients = new Map(a.coefficients);
  for (const [name, c] of b.coefficients) coefficients.set(name, (coefficients.get(name) ?? 0) + sign * c);
  return { coefficients, constant: a.constant + sign * b.constant };
}

function scale(form: LinearForm, factor: number): LinearForm {
  const coefficients = new Map<string, number>();
  for (const [name, c] of form.coefficients) coefficients.set(name, c * factor);
  return { coefficients, constant: form.constant * factor };
}

function dropZeros(coefficients: Map<string, number>): Map<string, number> {
  return new Map([...coefficients].filter(([, c]) => c !== 0));
}

export function parseObjective(text: string, field: string, known: ReadonlySet<string>): LinearForm {
  const parser = new Parser(text, field, known);
  const form = parser.expression();
  if (parser.peekKind() === 'cmp') parser.fail('an objective has no comparison');
  parser.end();
  return { coefficients: dropZeros(form.coefficients), constant: form.constant };
}

export function parseConstraint(text: string, field: string, known: ReadonlySet<string>): LinearConstraint {
  const parser = new Parser(text, field, known);
  const left = parser.expression();
  const comparison = parser.comparison() ?? parser.fail('expected a comparison (<=, >= or =)');
  const right = parser.expression();
  parser.end();
  const moved = add(left, right, -1);
  return { coefficients: dropZeros(moved.coefficients), comparison, rhs: -moved.constant };
}
