// Reads the input contract out of action.yml, for the local runner and the tests that keep README in step.
// Parsed by the `yaml` package with the failsafe schema: every scalar stays the string it is written as
// (`default: 010` is "010", `default: true` is "true"), which is how the runner hands defaults to the action.
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';

export interface ActionField {
  name: string;
  description: string;
  default?: string;
}

export interface ActionContract {
  inputs: ActionField[];
  outputs: ActionField[];
}

/** What the failsafe schema produces: strings, ordered maps and lists. */
type Node = string | Map<string, Node> | Node[];

function scalar(value: Node | undefined, where: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new Error(`action.yml: ${where} is not a plain value`);
}

function parseFields(section: Node | undefined, where: string): ActionField[] {
  // `outputs:` with nothing under it is an empty string in the failsafe schema.
  if (section === undefined || section === '') return [];
  if (!(section instanceof Map)) throw new Error(`action.yml: ${where} is not a mapping`);
  return [...section].map(([name, spec]) => {
    if (spec === '') return { name, description: '' };
    if (!(spec instanceof Map)) throw new Error(`action.yml: ${where}.${name} is not a mapping`);
    const field: ActionField = {
      name,
      description: scalar(spec.get('description'), `${where}.${name}.description`) ?? '',
    };
    const value = scalar(spec.get('default'), `${where}.${name}.default`);
    if (value !== undefined) field.default = value;
    return field;
  });
}

export function parseActionYml(text: string): ActionContract {
  const doc = parseDocument(text, { schema: 'failsafe' });
  if (doc.errors.length > 0) throw new Error(`action.yml is not valid YAML: ${doc.errors[0]!.message}`);
  const root: unknown = doc.toJS({ mapAsMap: true });
  if (!(root instanceof Map)) throw new Error('action.yml: the document is not a mapping');
  const top = root as Map<string, Node>;
  return {
    inputs: parseFields(top.get('inputs'), 'inputs'),
    outputs: parseFields(top.get('outputs'), 'outputs'),
  };
}

export function readActionYml(file: string): ActionContract {
  return parseActionYml(fs.readFileSync(file, 'utf8'));
}

/** The environment variable the runner sets for an input. */
export function inputEnvName(input: string): string {
  return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
}
