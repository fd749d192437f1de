// The README documents every input and output of action.yml with the same defaults: the two must never drift.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readActionYml } from '../../src/local/action-yml.js';

const root = path.resolve(import.meta.dirname, '../..');
const contract = readActionYml(path.join(root, 'action.yml'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Rows of the Markdown table that follows a heading, as cell arrays. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" heading`);
  const rows: string[][] = [];
  for (const line of readme.slice(start + heading.length + 2).split('\n')) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(1);
}

function unticked(cell: string): string {
  const m = /^`(.*)`$/.exec(cell);
  return (m ? m[1]! : cell).replace(/<br>/g, '\n').replace(/\\\|/g, '|');
}

describe('README and action.yml agree', () => {
  const inputRows = tableAfter('### Inputs');
  const outputRows = tableAfter('### Outputs');

  test('the README lists exactly the inputs of action.yml, in order', () => {
    expect(inputRows.map((row) => unticked(row[0]!))).toEqual(contract.inputs.map((input) => input.name));
  });

  test.each(contract.inputs.map((input) => [input.name, input.default ?? ''] as const))(
    'input %s has the same default in both',
    (name, def) => {
      const row = inputRows.find((r) => unticked(r[0]!) === name);
      expect(row, `README row for ${name}`).toBeDefined();
      const documented = row![2] === '' || row![2] === '_(empty)_' ? '' : unticked(row![2]!);
      expect(documented.trim()).toBe(def.trim());
    },
  );

  test('the README lists exactly the outputs of action.yml, in order', () => {
    expect(outputRows.map((row) => unticked(row[0]!))).toEqual(contract.outputs.map((output) => output.name));
  });

  test('every input and output has a description in action.yml', () => {
    for (const field of [...contract.inputs, ...contract.outputs])
      expect(field.description, field.name).not.toBe('');
  });
});
