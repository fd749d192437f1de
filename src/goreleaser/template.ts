// Renders goreleaser templates (Go text/template with goreleaser's functions and `missingkey=error`) the way
// goreleaser v2 does, for the names of binaries, archives and the checksums file. Functions that read files or the
// clock at build time are refused or pinned (see FUNCTIONS); everything else follows Go's semantics. Pure.
import {
  parseTemplate,
  TemplateError,
  type Command,
  type Node,
  type Operand,
  type Pipeline,
} from './template-parse.js';

import {
  formatValue,
  FUNCTIONS,
  KNOWN,
  REFUSED,
  truth,
  typeName,
  type TemplateContext,
  type Value,
} from './template-funcs.js';

export { TemplateError };
export { formatValue, sprintf, titleCase, truth } from './template-funcs.js';
export type { TemplateContext, Value, ValueMap } from './template-funcs.js';

class Scope {
  private readonly frames: Array<Map<string, Value>> = [];
  constructor(root: Value) {
    this.frames.push(new Map([['$', root]]));
  }
  push(): void {
    this.frames.push(new Map());
  }
  pop(): void {
    this.frames.pop();
  }
  declare(name: string, value: Value): void {
    this.frames[this.frames.length - 1]!.set(name, value);
  }
  assign(name: string, value: Value): void {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      if (this.frames[i]!.has(name)) {
        this.frames[i]!.set(name, value);
        return;
      }
    }
    throw new TemplateError(`undefined variable: ${name}`);
  }
  get(name: string): Value {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const value = this.frames[i]!.get(name);
      if (value !== undefined) return value;
    }
    throw new TemplateError(`undefined variable: ${name}`);
  }
}

function walkChain(start: Value, chain: string[], described: string): Value {
  let value = start;
  for (const key of chain) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new TemplateError(`can't evaluate field ${key} in type ${typeName(value)}`);
    }
    const next = value[key];
    if (next === undefined) throw new TemplateError(`map has no entry for key "${key}" (in ${described})`);
    value = next;
  }
  return value;
}

class Evaluator {
  constructor(
    private readonly context: TemplateContext,
    private readonly scope: Scope,
  ) {}

  operand(operand: Operand, dot: Value): Value {
    switch (operand.kind) {
      case 'field':
        return walkChain(dot, operand.chain, `.${operand.chain.join('.')}`);
      case 'variable':
        return walkChain(this.scope.get(operand.name), operand.chain, operand.name);
      case 'literal':
        return operand.value;
      case 'pipeline':
        return walkChain(this.pipeline(operand.pipeline, dot), operand.chain, '(...)');
      case 'function':
        return this.call(operand.name, [], dot);
    }
  }

  call(name: string, operands: Operand[], dot: Value, piped?: Value): Value {
    if (name === 'and' || name === 'or') {
      const all = [
        ...operands.map((o) => () => this.operand(o, dot)),
        ...(piped === undefined ? [] : [() => piped]),
      ];
      if (all.length === 0)
        throw new TemplateError(`wrong number of args for ${name}: want at least 1 got 0`);
      let value: Value = null;
      for (const get of all) {
        value = get();
        if (truth(value) === (name === 'or')) return value;
      }
      return value;
    }
    const refused = REFUSED[name];
    if (refused !== undefined)
      throw new TemplateError(`function "${name}" (${refused}) is not supported by gin-release`);
    const args = operands.map((o) => this.operand(o, dot));
    if (piped !== undefined) args.push(piped);
    return FUNCTIONS[name]!(args, this.context);
  }

  command(command: Command, dot: Value, piped?: Value): Value {
    const [first, ...rest] = command.operands;
    if (first!.kind === 'function') return this.call(first!.name, rest, dot, piped);
    if (rest.length > 0 || piped !== undefined) {
      throw new TemplateError(
        `can't give argument to non-function ${first!.kind === 'literal' ? formatValue(first!.value) : 'value'}`,
      );
    }
    if (first!.kind === 'literal' && first!.value === null) throw new TemplateError('nil is not a command');
    return this.operand(first!, dot);
  }

  pipeline(pipeline: Pipeline, dot: Value): Value {
    let value: Value | undefined;
    for (const command of pipeline.commands) value = this.command(command, dot, value);
    if (pipeline.variable) {
      if (pipeline.variable.declare) this.scope.declare(pipeline.variable.name, value!);
      else this.scope.assign(pipeline.variable.name, value!);
    }
    return value!;
  }

  nodes(nodes: Node[], dot: Value): string {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'action') {
        const value = this.pipeline(node.pipeline, dot);
        if (!node.pipeline.variable) out += formatValue(value);
      } else {
        this.scope.push();
        const value = this.pipeline(node.pipeline, dot);
        const branch = truth(value) ? node.then : node.otherwise;
        out += this.nodes(branch, node.kind === 'with' && truth(value) ? value : dot);
        this.scope.pop();
      }
    }
    return out;
  }
}

/** Checks a template's syntax and functions without rendering it; throws TemplateError. */
export function checkTemplate(template: string): void {
  parseTemplate(template, KNOWN);
}

/** Renders a goreleaser template; throws TemplateError with Go's wording where it matters. */
export function renderGoTemplate(template: string, context: TemplateContext): string {
  const nodes = parseTemplate(template, KNOWN);
  return new Evaluator(context, new Scope(context.data)).nodes(nodes, context.data);
}
