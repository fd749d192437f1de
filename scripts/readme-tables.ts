// The README's Inputs and Outputs tables from action.yml: printed, or with --write put in place of the ones under
// "### Inputs" / "### Outputs" (formatted by prettier afterwards). test/unit/readme-contract.test.ts fails when the
// two drift apart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readActionYml } from '../src/local/action-yml.js';

const root = path.resolve(import.meta.dirname, '..');
const contract = readActionYml(path.join(root, 'action.yml'));
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const code = (text: string): string => (text.trim() === '' ? '_(empty)_' : `\`${cell(text.trim())}\``);

const inputs = [
  '| input | description | default |',
  '| --- | --- | --- |',
  ...contract.inputs.map(
    (input) => `| \`${input.name}\` | ${cell(input.description)} | ${code(input.default ?? '')} |`,
  ),
].join('\n');
const outputs = [
  '| output | description |',
  '| --- | --- |',
  ...contract.outputs.map((output) => `| \`${output.name}\` | ${cell(output.description)} |`),
].join('\n');

if (process.argv.includes('--write')) {
  const readmePath = path.join(root, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  // A table is the block of `|` lines right after its heading.
  const replaceTable = (text: string, heading: string, table: string): string =>
    text.replace(new RegExp(`(${heading}\\n\\n)(?:\\|.*\\n)+`), (_all, head: string) => `${head}${table}\n`);
  fs.writeFileSync(
    readmePath,
    replaceTable(replaceTable(readme, '### Inputs', inputs), '### Outputs', outputs),
  );
} else {
  console.log(`### Inputs\n\n${inputs}\n\n### Outputs\n\n${outputs}`);
}
