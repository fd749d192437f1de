// Reads the input contract out of action.yml, for the local runner and the tests that keep README in step.
// A parser just big enough for action.yml's own shape, so the action carries no YAML dependency.
import * as fs from 'node:fs';

export interface ActionField {
  name: string;
  description: string;
  default?: string;
}

export interface ActionContract {
  inputs: ActionField[];
  outputs: ActionField[];
}

function blockBetween(text: string, start: string, end: string | null): string {
  const afterStart = text.split(new RegExp(`^${start}:\\s*$`, 'm'))[1] ?? '';
  return end ? (afterStart.split(new RegExp(`^${end}:\\s*$`, 'm'))[0] ?? '') : afterStart;
}

function unquote(value: string): string {
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(value)) return JSON.parse(value) as string;
  return value;
}

/** A scalar or a `|` / `>-` block starting at lines[index]; returns the value and the last line consumed. */
function readScalar(lines: string[], index: number, inline: string, indent: number): [string, number] {
  const style = inline.trim();
  if (style !== '|' && style !== '>-' && style !== '>' && style !== '|-') return [unquote(style), index];
  const block: string[] = [];
  let i = index;
  const prefix = ' '.repeat(indent);
  while (i + 1 < lines.length && (lines[i + 1]!.startsWith(prefix) || lines[i + 1]!.trim() === '')) {
    block.push(lines[++i]!.slice(indent));
  }
  while (block.length > 0 && block[block.length - 1]!.trim() === '') block.pop();
  if (style.startsWith('|')) return [block.join('\n') + (style === '|' ? '\n' : ''), i];
  return [block.join(' ').replace(/\s+/g, ' ').trim(), i];
}

function parseFields(block: string): ActionField[] {
  const fields: ActionField[] = [];
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (name) {
      fields.push({ name: name[1]!, description: '' });
      continue;
    }
    const prop = /^ {4}(description|default):(.*)$/.exec(line);
    const field = fields[fields.length - 1];
    if (prop && field) {
      const [value, last] = readScalar(lines, i, prop[2]!, 6);
      i = last;
      if (prop[1] === 'description') field.description = value;
      else field.default = value;
    }
  }
  return fields;
}

export function parseActionYml(text: string): ActionContract {
  return {
    inputs: parseFields(blockBetween(text, 'inputs', 'outputs')),
    outputs: parseFields(blockBetween(text, 'outputs', 'runs')),
  };
}

export function readActionYml(file: string): ActionContract {
  return parseActionYml(fs.readFileSync(file, 'utf8'));
}

/** The environment variable the runner sets for an input. */
export function inputEnvName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}
