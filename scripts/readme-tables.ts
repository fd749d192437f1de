// Prints the README's Inputs and Outputs tables from action.yml (paste them under "### Inputs"/"### Outputs";
// test/unit/readme-contract.test.ts fails when the two drift apart).
import * as path from 'node:path';
import { readActionYml } from '../src/local/action-yml.js';

const contract = readActionYml(path.resolve(import.meta.dirname, '../action.yml'));
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
const code = (text: string): string => (text.trim() === '' ? '_(empty)_' : `\`${cell(text.trim())}\``);

console.log('### Inputs\n');
console.log('| input | description | default |');
console.log('| --- | --- | --- |');
for (const input of contract.inputs)
  console.log(`| \`${input.name}\` | ${cell(input.description)} | ${code(input.default ?? '')} |`);
console.log('\n### Outputs\n');
console.log('| output | description |');
console.log('| --- | --- |');
for (const output of contract.outputs) console.log(`| \`${output.name}\` | ${cell(output.description)} |`);
