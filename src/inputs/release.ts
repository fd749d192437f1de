// Publishing the GitHub Release and the per-archive SBOMs that go with it.
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { RELEASE_PLACEHOLDERS } from '../template.js';
import { bool, oneOf, raw } from './read.js';

export type GithubReleaseMode = 'false' | 'true' | 'draft';
export type PrereleaseSetting = 'auto' | 'true' | 'false';
export type MakeLatestSetting = 'auto' | 'true' | 'false' | 'legacy';

export interface ReleaseInputs {
  githubRelease: GithubReleaseMode;
  /** Masked as soon as it is read; '' when neither the input nor GITHUB_TOKEN gave one. */
  githubToken: string;
  /** '' for the runner's GITHUB_API_URL. */
  githubApiUrl: string;
  releaseName: string;
  releaseBody: string;
  generateReleaseNotes: boolean;
  prerelease: PrereleaseSetting;
  makeLatest: MakeLatestSetting;
  archiveSbom: boolean;
}

/** `${{ ... }}` as written in action.yml: only a workflow runner expands it; elsewhere it is no token. */
const UNEXPANDED_EXPRESSION = /^\$\{\{[\s\S]*\}\}$/;

/**
 * The token: the input, or GITHUB_TOKEN when the input is empty or was never expanded (the local runner and
 * tests pass action.yml's default as written). Masked before anything can print it.
 */
export function readToken(env: NodeJS.ProcessEnv = process.env): string {
  const input = core.getInput('github-token').trim();
  const token =
    input !== '' && !UNEXPANDED_EXPRESSION.test(input) ? input : (env['GITHUB_TOKEN'] ?? '').trim();
  if (token) core.setSecret(token);
  return token;
}

const PLACEHOLDERS: readonly string[] = RELEASE_PLACEHOLDERS;

function releaseName(): string {
  const value = raw('release-name') || '{tag}';
  for (const match of value.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.includes(match[1]!)) {
      throw new InputError(
        'release-name',
        value,
        `Unknown placeholder {${match[1]}}; allowed: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}.`,
      );
    }
  }
  return value;
}

export function readReleaseInputs(): ReleaseInputs {
  const githubToken = readToken();
  return {
    githubRelease: oneOf('github-release', ['false', 'true', 'draft'] as const),
    githubToken,
    githubApiUrl: raw('github-api-url'),
    releaseName: releaseName(),
    // Not trimmed line by line: the body is Markdown, where leading spaces mean something.
    releaseBody: core.getInput('release-body', { trimWhitespace: false }).replace(/\s+$/, ''),
    generateReleaseNotes: bool('generate-release-notes'),
    prerelease: oneOf('prerelease', ['auto', 'true', 'false'] as const),
    makeLatest: oneOf('make-latest', ['auto', 'true', 'false', 'legacy'] as const),
    archiveSbom: bool('archive-sbom'),
  };
}
