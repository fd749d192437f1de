// The action.yml reader that the local runner, the README contract test and the input tests build on: every
// scalar style YAML has, defaults kept as written, order kept, and malformed contracts refused.
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { inputEnvName, parseActionYml, readActionYml } from '../../src/local/action-yml.js';

const ACTION_YML = path.resolve(import.meta.dirname, '../../action.yml');

function input(spec: string): { description: string; default?: string } {
  const [field] = parseActionYml(`name: t\ninputs:\n  x:\n${spec}\nruns:\n  using: node24\n`).inputs;
  expect(field!.name).toBe('x');
  return field!.default === undefined
    ? { description: field!.description }
    : { description: field!.description, default: field!.default };
}

describe('scalars', () => {
  test.each<[string, string, { description: string; default?: string }]>([
    [
      'plain',
      '    description: Go version\n    default: stable',
      { description: 'Go version', default: 'stable' },
    ],
    ['no default', '    description: d', { description: 'd' }],
    ['no description', "    default: 'x'", { description: '', default: 'x' }],
    [
      'single quotes, doubled quote inside',
      "    description: d\n    default: 'it''s'",
      { description: 'd', default: "it's" },
    ],
    [
      'double quotes with escapes',
      '    description: "a\\tb \\"c\\""\n    default: ""',
      { description: 'a\tb "c"', default: '' },
    ],
    [
      'a number stays as written',
      '    description: d\n    default: 010',
      { description: 'd', default: '010' },
    ],
    [
      'a boolean stays as written',
      '    description: d\n    default: true',
      { description: 'd', default: 'true' },
    ],
    ['a null stays as written', '    description: d\n    default: ~', { description: 'd', default: '~' }],
    [
      'a comment after a value',
      '    description: d # why\n    default: x',
      { description: 'd', default: 'x' },
    ],
    [
      'literal block keeps lines and the last newline',
      '    description: |\n      one\n      two\n    default: x',
      { description: 'one\ntwo\n', default: 'x' },
    ],
    [
      'literal block, strip',
      '    description: d\n    default: |-\n      README*\n      LICENSE*',
      { description: 'd', default: 'README*\nLICENSE*' },
    ],
    [
      'folded block',
      '    description: >-\n      one\n      two\n\n      three',
      { description: 'one two\nthree' },
    ],
    [
      'a colon inside a plain value',
      '    description: see https://example.com/x\n    default: a:b',
      { description: 'see https://example.com/x', default: 'a:b' },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(input(spec)).toEqual(expected);
  });
});

describe('sections', () => {
  test('inputs and outputs in document order, names as written; other keys ignored', () => {
    const text = [
      'name: t',
      'description: d',
      'inputs:',
      '  zeta:',
      '    description: last letter, first input',
      '  "2":',
      '    description: a numeric name keeps its place',
      '  alpha: {description: flow style, default: a}',
      'outputs:',
      '  artifacts:',
      '    description: JSON',
      'runs:',
      '  using: node24',
      '  main: dist/index.js',
    ].join('\n');
    expect(parseActionYml(text)).toEqual({
      inputs: [
        { name: 'zeta', description: 'last letter, first input' },
        { name: '2', description: 'a numeric name keeps its place' },
        { name: 'alpha', description: 'flow style', default: 'a' },
      ],
      outputs: [{ name: 'artifacts', description: 'JSON' }],
    });
  });

  test.each([
    ['no inputs or outputs at all', 'name: t\nruns:\n  using: node24\n'],
    ['empty sections', 'name: t\ninputs:\noutputs:\n'],
  ])('%s: none', (_name, text) => {
    expect(parseActionYml(text)).toEqual({ inputs: [], outputs: [] });
  });

  test('an input with nothing under it has an empty description', () => {
    expect(parseActionYml('inputs:\n  bare:\n').inputs).toEqual([{ name: 'bare', description: '' }]);
  });
});

describe('malformed contracts', () => {
  test.each([
    ['invalid YAML', 'inputs:\n  a:\n    description: "open\n', /action\.yml is not valid YAML/],
    ['a list for inputs', 'inputs:\n  - a\n', /inputs is not a mapping/],
    ['an input that is a plain value', 'inputs:\n  a: hello\n', /inputs\.a is not a mapping/],
    [
      'a default that is a list',
      'inputs:\n  a:\n    default: [1, 2]\n',
      /inputs\.a\.default is not a plain value/,
    ],
    ['a document that is a list', '- a\n', /the document is not a mapping/],
  ])('%s', (_name, text, message) => {
    expect(() => parseActionYml(text)).toThrow(message);
  });
});

describe('the real action.yml', () => {
  const contract = readActionYml(ACTION_YML);

  test('has inputs and outputs, each named once, every one described', () => {
    expect(contract.inputs.length).toBeGreaterThan(20);
    expect(contract.outputs.length).toBeGreaterThan(5);
    for (const list of [contract.inputs, contract.outputs]) {
      expect(new Set(list.map((f) => f.name)).size).toBe(list.length);
      for (const field of list) expect(field.description, field.name).not.toBe('');
    }
  });

  test('multi-line defaults come through whole', () => {
    const archiveFiles = contract.inputs.find((i) => i.name === 'archive-files');
    expect(archiveFiles?.default?.split('\n')).toContain('LICENSE*');
  });
});

test.each([
  ['go-version', 'INPUT_GO-VERSION'],
  ['targets', 'INPUT_TARGETS'],
  ['a b', 'INPUT_A_B'],
])('inputEnvName(%j) is %s, as the runner names it', (name, env) => {
  expect(inputEnvName(name)).toBe(env);
});
