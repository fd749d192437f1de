// The example workflows stay usable: every input they give the action exists in action.yml, every other action is
// pinned by a full commit SHA, and the release example keeps its least-privilege split of permissions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readActionYml } from '../../src/local/action-yml.js';
import { ACTION_YML } from '../support/inputs.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples');
const INPUTS = new Set(readActionYml(ACTION_YML).inputs.map((input) => input.name));
const files = fs.readdirSync(EXAMPLES).filter((name) => name.endsWith('.yml'));

/** The `with:` keys of every step that uses this action (`org/gin-release@...`), by indentation. */
function actionInputs(text: string): string[] {
  const lines = text.split('\n');
  const keys: string[] = [];
  lines.forEach((line, index) => {
    const uses = /^(\s*)(?:- )?uses: org\/gin-release@/.exec(line);
    if (!uses) return;
    const withLine = lines.findIndex((l, i) => i > index && /^\s*with:\s*$/.test(l));
    if (withLine < 0) return;
    const indent = /^(\s*)/.exec(lines[withLine]!)![1]!.length;
    for (let i = withLine + 1; i < lines.length; i++) {
      const own = /^(\s*)([a-z0-9-]+):/.exec(lines[i]!);
      const depth = /^(\s*)/.exec(lines[i]!)![1]!.length;
      if (lines[i]!.trim() !== '' && depth <= indent) break;
      if (own && own[1]!.length === indent + 2) keys.push(own[2]!);
    }
  });
  return keys;
}

/** The `permissions:` block of one job, as `name: value` lines. */
function jobPermissions(text: string, job: string): string[] {
  const body = text.split(new RegExp(`^  ${job}:\\s*$`, 'm'))[1]?.split(/^ {2}[a-z][\w-]*:\s*$/m)[0] ?? '';
  const block = body.split(/^ {4}permissions:\s*$/m)[1]?.split(/^ {4}[a-z][\w-]*:/m)[0] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

describe.each(files)('examples/%s', (file) => {
  const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');

  test('gives the action only inputs it has', () => {
    const keys = actionInputs(text);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !INPUTS.has(key))).toEqual([]);
  });

  test('pins every other action by a full commit SHA', () => {
    const uses = [...text.matchAll(/uses: ([^\s#]+)/g)]
      .map((m) => m[1]!)
      .filter((u) => !u.startsWith('org/gin-release@'));
    for (const use of uses) expect(use, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });
});

test('the release example: contents: write only where it publishes, id-token and attestations only where it attests', () => {
  const text = fs.readFileSync(path.join(EXAMPLES, 'release.yml'), 'utf8');
  expect(text).toMatch(/^permissions: \{\}$/m);
  expect(jobPermissions(text, 'release')).toEqual(['contents: write', 'packages: write']);
  expect(jobPermissions(text, 'attest')).toEqual(['id-token: write', 'attestations: write']);
  expect(text).toMatch(/github-release: true/);
  expect(text).toMatch(/subject-checksums: \$\{\{ needs\.release\.outputs\.checksums \}\}/);
  expect(text).toMatch(/checksums: \$\{\{ steps\.release\.outputs\.subject-checksums \}\}/);
});
