// A parser for the part of Go's text/template that goreleaser name templates use: text, `{{ }}` actions with `-`
// trim markers and comments, pipelines with `|`, function calls, parenthesised pipelines, field chains
// (`.Env.NAME`), variables, string/number/bool/nil literals, and if / else if / with / else / end. `range`,
// `define`, `template` and `block` are refused with a message rather than read wrongly. Pure.

export class TemplateError extends Error {}

export type Operand =
  | { kind: 'field'; chain: string[] }
  | { kind: 'variable'; name: string; chain: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'pipeline'; pipeline: Pipeline; chain: string[] };

export interface Command {
  operands: Operand[];
}

export interface Pipeline {
  /** `$x :=` declares, `$x =` assigns. */
  variable?: { name: string; declare: boolean };
  commands: Command[];
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline }
  | { kind: 'if' | 'with'; pipeline: Pipeline; then: Node[]; otherwise: Node[] };

type Token =
  | { kind: 'field'; chain: string[] }
  | { kind: 'variable'; name: string; chain: string[] }
  | { kind: 'identifier'; name: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'symbol'; symbol: '|' | '(' | ')' | ':=' | '=' }
  | { kind: 'chain'; chain: string[] };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

function unescapeGoString(body: string): string {
  return body.replace(
    /\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g,
    (_all, esc: string) => {
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
        '\\': '\\',
        '"': '"',
        "'": "'",
      };
      if (esc.length === 1) {
        const value = simple[esc];
        if (value === undefined) throw new TemplateError(`unknown escape sequence \\${esc}`);
        return value;
      }
      if (/^[0-7]{3}$/.test(esc)) return String.fromCharCode(parseInt(esc, 8));
      return String.fromCodePoint(parseInt(esc.slice(1), 16));
    },
  );
}

/** `.A.B` as ['A', 'B']; text starts at the first dot. */
function readChain(text: string, at: number): [string[], number] {
  const chain: string[] = [];
  let i = at;
  while (text[i] === '.') {
    const name = IDENT.exec(text.slice(i + 1))?.[0];
    if (!name) break;
    chain.push(name);
    i += 1 + name.length;
  }
  return [chain, i];
}

function lexAction(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const rest = text.slice(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '|' || ch === '(' || ch === ')') {
      tokens.push({ kind: 'symbol', symbol: ch });
      i++;
    } else if (rest.startsWith(':=')) {
      tokens.push({ kind: 'symbol', symbol: ':=' });
      i += 2;
    } else if (ch === '=') {
      tokens.push({ kind: 'symbol', symbol: '=' });
      i++;
    } else if (ch === '.') {
      const [chain, next] = readChain(text, i);
      // After `)` a chain belongs to the parenthesised value: `(index .Env "X").Field`.
      const previous = tokens[tokens.length - 1];
      if (chain.length > 0 && previous?.kind === 'symbol' && previous.symbol === ')' && text[i - 1] === ')') {
        tokens.push({ kind: 'chain', chain });
      } else {
        tokens.push({ kind: 'field', chain });
      }
      i = chain.length === 0 ? i + 1 : next;
    } else if (ch === '$') {
      const name = IDENT.exec(rest.slice(1))?.[0] ?? '';
      const [chain, next] = readChain(text, i + 1 + name.length);
      tokens.push({ kind: 'variable', name: `$${name}`, chain });
      i = next;
    } else if (ch === '"') {
      const match = /^"((?:[^"\\\n]|\\.)*)"/.exec(rest);
      if (!match) throw new TemplateError('unterminated quoted string');
      tokens.push({ kind: 'literal', value: unescapeGoString(match[1]!) });
      i += match[0].length;
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1) throw new TemplateError('unterminated raw quoted string');
      tokens.push({ kind: 'literal', value: text.slice(i + 1, end) });
      i = end + 1;
    } else if (ch === "'") {
      const match = /^'((?:[^'\\]|\\.)+)'/.exec(rest);
      if (!match) throw new TemplateError('malformed character constant');
      tokens.push({ kind: 'literal', value: unescapeGoString(match[1]!).codePointAt(0)! });
      i += match[0].length;
    } else if (/[-+0-9]/.test(ch)) {
      const match =
        /^[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?)/.exec(
          rest,
        );
      if (!match) throw new TemplateError(`bad number syntax: ${rest.slice(0, 10)}`);
      const literal = match[0].replace(/_/g, '');
      tokens.push({
        kind: 'literal',
        value: /^[-+]?0[xXbBoO]/.test(literal) ? Number(literal.replace(/^\+/, '')) : Number(literal),
      });
      i += match[0].length;
    } else {
      const name = IDENT.exec(rest)?.[0];
      if (!name) throw new TemplateError(`unexpected "${ch}" in action`);
      if (name === 'true' || name === 'false') tokens.push({ kind: 'literal', value: name === 'true' });
      else if (name === 'nil') tokens.push({ kind: 'literal', value: null });
      else tokens.push({ kind: 'identifier', name });
      i += name.length;
    }
  }
  return tokens;
}

/** Splits a template into text and the inside of each action, applying the trim markers. */
function splitActions(template: string): Array<{ text: string } | { action: string }> {
  const parts: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  let trimNext = false;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    let text = template.slice(i, open === -1 ? template.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open === -1) {
      if (text) parts.push({ text });
      break;
    }
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(template.slice(start))) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (text) parts.push({ text });
    // A comment runs to `*/}}`; anything else to the first `}}` outside a string.
    const body = template.slice(start);
    let end: number;
    const comment = /^\s*\/\*/.test(body);
    if (comment) {
      const close = body.indexOf('*/');
      if (close === -1) throw new TemplateError('unclosed comment');
      end = body.slice(close + 2).search(/^\s*-?}}/) === 0 ? close + 2 : -1;
      if (end === -1) throw new TemplateError('comment ends before closing delimiter');
    } else {
      end = findClose(body);
    }
    let inside = body.slice(0, end);
    let after = start + end;
    const closing = /^(\s*)(-?)}}/.exec(template.slice(after))!;
    trimNext = closing[2] === '-' && closing[1]!.length > 0;
    if (closing[2] === '-' && closing[1]!.length === 0) {
      throw new TemplateError('trim marker "-}}" needs a space before it');
    }
    after += closing[0].length;
    inside = comment ? '' : inside;
    if (!comment) parts.push({ action: inside });
    i = after;
  }
  return parts;
}

/** Index of the `}}` (or ` -}}`) closing an action, skipping quoted strings. */
function findClose(body: string): number {
  let quote: string | null = null;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quote) {
      if (ch === '\\' && quote !== '`') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === '`' || ch === "'") quote = ch;
    else if (body.startsWith('}}', i)) {
      const trimmed = /\s-$/.exec(body.slice(0, i));
      return trimmed ? i - 2 : i;
    }
  }
  throw new TemplateError('unclosed action');
}

class TokenStream {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.at];
  }
  next(): Token | undefined {
    return this.tokens[this.at++];
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  mark(): number {
    return this.at;
  }
  reset(mark: number): void {
    this.at = mark;
  }
}

function isSymbol(token: Token | undefined, symbol: string): boolean {
  return token?.kind === 'symbol' && token.symbol === symbol;
}

function parsePipeline(stream: TokenStream, functions: ReadonlySet<string>, inParens: boolean): Pipeline {
  const pipeline: Pipeline = { commands: [] };
  const first = stream.peek();
  if (first?.kind === 'variable' && first.chain.length === 0) {
    const position = stream.mark();
    stream.next();
    const op = stream.peek();
    if (isSymbol(op, ':=') || isSymbol(op, '=')) {
      stream.next();
      pipeline.variable = { name: first.name, declare: isSymbol(op, ':=') };
    } else {
      stream.reset(position);
    }
  }
  let operands: Operand[] = [];
  const finish = (): void => {
    if (operands.length === 0) throw new TemplateError('missing command in pipeline');
    pipeline.commands.push({ operands });
    operands = [];
  };
  for (;;) {
    const token = stream.peek();
    if (token === undefined || isSymbol(token, ')')) {
      if (isSymbol(token, ')') && !inParens) throw new TemplateError('unexpected ")"');
      if (token === undefined && inParens) throw new TemplateError('unclosed left paren');
      break;
    }
    stream.next();
    if (isSymbol(token, '|')) {
      finish();
      continue;
    }
    if (token.kind === 'field') operands.push({ kind: 'field', chain: token.chain });
    else if (token.kind === 'variable')
      operands.push({ kind: 'variable', name: token.name, chain: token.chain });
    else if (token.kind === 'literal') operands.push({ kind: 'literal', value: token.value });
    else if (token.kind === 'identifier') {
      if (!functions.has(token.name)) throw new TemplateError(`function "${token.name}" not defined`);
      operands.push({ kind: 'function', name: token.name });
    } else if (isSymbol(token, '(')) {
      const inner = parsePipeline(stream, functions, true);
      if (!isSymbol(stream.next(), ')')) throw new TemplateError('unclosed left paren');
      const chained = stream.peek();
      const chain = chained?.kind === 'chain' ? chained.chain : [];
      if (chained?.kind === 'chain') stream.next();
      operands.push({ kind: 'pipeline', pipeline: inner, chain });
    } else {
      throw new TemplateError(`unexpected ${JSON.stringify(token)} in command`);
    }
  }
  finish();
  return pipeline;
}

const KEYWORDS = new Set([
  'if',
  'else',
  'end',
  'with',
  'range',
  'define',
  'template',
  'block',
  'break',
  'continue',
]);

/** Parses a template; every function named in it must be in `functions` (as Go checks at parse time). */
export function parseTemplate(template: string, functions: ReadonlySet<string>): Node[] {
  const root: Node[] = [];
  type Frame = { node: Extract<Node, { kind: 'if' | 'with' }>; inElse: boolean; chained: number };
  const stack: Frame[] = [];
  const current = (): Node[] => {
    const top = stack[stack.length - 1];
    if (!top) return root;
    return top.inElse ? top.node.otherwise : top.node.then;
  };
  for (const part of splitActions(template)) {
    if ('text' in part) {
      current().push({ kind: 'text', text: part.text });
      continue;
    }
    const tokens = lexAction(part.action);
    const head = tokens[0];
    const keyword = head?.kind === 'identifier' && KEYWORDS.has(head.name) ? head.name : undefined;
    if (!keyword) {
      if (tokens.length === 0) throw new TemplateError('missing value for command');
      const stream = new TokenStream(tokens);
      current().push({ kind: 'action', pipeline: parsePipeline(stream, functions, false) });
      continue;
    }
    const stream = new TokenStream(tokens.slice(1));
    if (keyword === 'if' || keyword === 'with') {
      const node: Frame['node'] = {
        kind: keyword,
        pipeline: parsePipeline(stream, functions, false),
        then: [],
        otherwise: [],
      };
      current().push(node);
      stack.push({ node, inElse: false, chained: 0 });
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) throw new TemplateError('unexpected {{else}}');
      top.inElse = true;
      const chainedKeyword = stream.peek();
      if (
        chainedKeyword?.kind === 'identifier' &&
        (chainedKeyword.name === 'if' || chainedKeyword.name === 'with')
      ) {
        // `else if` is an if nested in the else branch that the same {{end}} closes.
        stream.next();
        const node: Frame['node'] = {
          kind: chainedKeyword.name,
          pipeline: parsePipeline(stream, functions, false),
          then: [],
          otherwise: [],
        };
        top.node.otherwise.push(node);
        stack.push({ node, inElse: false, chained: top.chained + 1 });
      } else if (!stream.done()) {
        throw new TemplateError('unexpected tokens after {{else}}');
      }
    } else if (keyword === 'end') {
      if (!stream.done()) throw new TemplateError('unexpected tokens after {{end}}');
      const top = stack.pop();
      if (!top) throw new TemplateError('unexpected {{end}}');
      for (let i = 0; i < top.chained; i++) stack.pop();
    } else {
      throw new TemplateError(`{{${keyword}}} is not supported in names`);
    }
  }
  if (stack.length > 0)
    throw new TemplateError(`unexpected EOF: {{${stack[stack.length - 1]!.node.kind}}} has no {{end}}`);
  return root;
}
