// goreleaser-config: a .goreleaser.yaml whose build, archive and checksum settings become this action's defaults.
// The file is read and parsed here, so a missing or broken file fails the step before Go is set up; what it means
// per target is worked out in planRelease (src/goreleaser/apply.ts), which needs the version and commit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors.js';
import { ConfigError, parseGoreleaserConfig, type GoreleaserSource } from '../goreleaser/config.js';
import { insidePath, raw } from './read.js';

export interface GoreleaserInputs {
  /** Null for `none`, or for `auto` when working-directory has no goreleaser file. */
  goreleaserConfig: GoreleaserSource | null;
}

/**
 * action.yml's defaults of the inputs a goreleaser file can fill in: an input whose value differs from its default
 * was set by the user and wins over the file (test/unit/goreleaser-inputs.test.ts keeps this in step with action.yml).
 */
export const FILLED_INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  targets: 'linux/amd64, linux/arm64, linux/arm/v7, darwin/amd64, darwin/arm64, windows/amd64',
  main: '.',
  'binary-name': '',
  'binary-template': '{name}_{os}_{arch}{variant}/{name}{ext}',
  'output-dir': 'dist',
  ldflags: '',
  'build-tags': '',
  'build-flags': '',
  'build-env': '',
  cgo: 'false',
  'archive-format': 'auto',
  'archive-name-template': '{name}_{version}_{os}_{arch}{variant}',
  'archive-files': 'README*\nLICENSE*\nCHANGELOG*',
  'checksums-file': 'checksums.txt',
};

const normalise = (value: string): string =>
  value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

/** The inputs set to something other than their default. Pure given the INPUT_* environment. */
export function explicitInputs(): Set<string> {
  const set = new Set<string>();
  for (const [name, fallback] of Object.entries(FILLED_INPUT_DEFAULTS)) {
    if (normalise(raw(name)) !== normalise(fallback)) set.add(name);
  }
  return set;
}

const AUTO_FILES = ['.goreleaser.yaml', '.goreleaser.yml', 'goreleaser.yaml', 'goreleaser.yml'];

export function readGoreleaserInputs(workingDirectory: string): GoreleaserInputs {
  const value = raw('goreleaser-config') || 'none';
  if (value === 'none') return { goreleaserConfig: null };
  let file: string;
  if (value === 'auto') {
    const found = AUTO_FILES.find((name) => fs.existsSync(path.join(workingDirectory, name)));
    if (!found) return { goreleaserConfig: null };
    file = found;
  } else {
    file = insidePath('goreleaser-config', value);
    if (!fs.existsSync(path.join(workingDirectory, file))) {
      throw new InputError(
        'goreleaser-config',
        value,
        `No such file in working-directory (${workingDirectory}). Allowed: none, auto (finds ${AUTO_FILES.join(', ')}) or a path relative to working-directory.`,
      );
    }
  }
  let text: string;
  try {
    text = fs.readFileSync(path.join(workingDirectory, file), 'utf8');
  } catch (error) {
    throw new InputError('goreleaser-config', file, `It cannot be read: ${(error as Error).message}.`);
  }
  try {
    return { goreleaserConfig: { file, config: parseGoreleaserConfig(text), explicit: explicitInputs() } };
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    throw new InputError(
      'goreleaser-config',
      file,
      `It is not a goreleaser configuration this action can read: ${message}`,
    );
  }
}
