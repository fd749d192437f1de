// What the GitHub release will be, decided before anything is built: whether one is published at all (only from a
// tag), for which repository and API, with which name, body, pre-release flag and assets. Pure: every rule here
// is table-tested, and a bad combination fails the step in its first second.
import * as path from 'node:path';
import { InputError } from '../errors.js';
import type { GithubReleaseMode, ReleaseInputs } from '../inputs/release.js';
import { versionFromTag } from '../release.js';
import { renderReleaseText } from '../template.js';
import type { ReleaseInfo } from '../types.js';

export type AssetKind = 'archive' | 'sbom' | 'checksums';

/** A file that ships: an archive (or bare binary), its SBOM, the checksums file. */
export interface ShippedFile {
  /** Absolute. */
  path: string;
  kind: AssetKind;
  /** The target the file belongs to; none for the checksums file. */
  target?: string;
}

export interface PublishAsset extends ShippedFile {
  /** The asset's name on the release: the file's base name. */
  name: string;
  contentType: string;
}

export interface PublishStagePlan {
  /** GITHUB_API_URL without a trailing slash (https://api.github.com, https://HOST/api/v3). */
  apiUrl: string;
  owner: string;
  repo: string;
  tag: string;
  /** The commit built: where GitHub makes the tag if it does not exist there yet. */
  commit: string;
  name: string;
  body: string;
  /** Append GitHub's generated notes (POST /releases/generate-notes) to the body. */
  generateNotes: boolean;
  prerelease: boolean;
  /** make_latest when publishing; null leaves it to GitHub (latest for a newly published full release). */
  makeLatest: 'true' | 'false' | 'legacy' | null;
  /** false for github-release: draft: everything up to publishing, which is left to a person. */
  publish: boolean;
  assets: PublishAsset[];
}

export interface PublishDecision {
  /** Null when nothing is published. */
  plan: PublishStagePlan | null;
  /** Why nothing is published although github-release asks for it; null when it is off or a plan was made. */
  skipped: string | null;
}

/** The release inputs the publish plan reads (all of them but archive-sbom, which the package stage reads). */
export type PublishInputs = Omit<ReleaseInputs, 'archiveSbom'>;

export type Env = Record<string, string | undefined>;

/** The tag a ref names (`refs/tags/v1.2.3` gives `v1.2.3`); null for branches, pull requests and ''. Pure. */
export function tagFromRef(ref: string): string | null {
  const prefix = 'refs/tags/';
  return ref.startsWith(prefix) && ref.length > prefix.length ? ref.slice(prefix.length) : null;
}

const SEMVER_PRERELEASE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Whether the tag's version has a SemVer pre-release part: `v1.2.4-rc.1` does, `v1.2.4` and `nightly` do not. Pure. */
export function isPrereleaseTag(tag: string): boolean {
  return SEMVER_PRERELEASE.test(versionFromTag(tag));
}

/** The Content-Type an asset is uploaded with (GitHub stores it and serves downloads with it). Pure. */
export function contentTypeFor(name: string): string {
  if (/\.(tar\.gz|tgz)$/.test(name)) return 'application/gzip';
  if (name.endsWith('.zip')) return 'application/zip';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.txt')) return 'text/plain';
  return 'application/octet-stream';
}

/**
 * The API base URL: the github-api-url input, else the runner's GITHUB_API_URL (GitHub Enterprise Server:
 * https://HOST/api/v3), else github.com's. Checked. Pure.
 */
export function apiUrlFrom(env: Env, input = ''): string {
  const value = input.trim() || (env['GITHUB_API_URL'] ?? '').trim() || 'https://api.github.com';
  const refuse = (why: string): never => {
    if (input.trim()) throw new InputError('github-api-url', value, `Allowed: an http(s) URL; it is ${why}.`);
    throw new Error(`GITHUB_API_URL=${JSON.stringify(value)} is ${why}`);
  };
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    refuse('not a URL');
  }
  if (url!.protocol !== 'https:' && url!.protocol !== 'http:') refuse('not an http(s) URL');
  return value.replace(/\/+$/, '');
}

/** The release assets: one per shipped file, under its base name, which must be unique. Pure. */
export function planAssets(files: readonly ShippedFile[], mode: GithubReleaseMode = 'true'): PublishAsset[] {
  const byName = new Map<string, string>();
  return files.map((file) => {
    const name = path.basename(file.path);
    const other = byName.get(name);
    if (other !== undefined) {
      throw new InputError(
        'github-release',
        mode,
        `Release assets need distinct names, but ${other} and ${file.path} are both "${name}". With ` +
          'archive-format none the bare binaries are the assets: put the target into their file name, e.g. ' +
          'binary-template: {name}_{os}_{arch}{variant}{ext}.',
      );
    }
    byName.set(name, file.path);
    return { ...file, name, contentType: contentTypeFor(name) };
  });
}

export function planPublish(
  inputs: PublishInputs,
  context: { release: ReleaseInfo; env: Env; binaryName: string; files: readonly ShippedFile[] },
): PublishDecision {
  if (inputs.githubRelease === 'false') return { plan: null, skipped: null };
  const { release, env } = context;
  const tag = tagFromRef(release.ref);
  if (tag === null) {
    return {
      plan: null,
      skipped: `github-release is ${inputs.githubRelease}, but ${release.ref ? `the ref ${release.ref}` : 'the git ref (unknown here)'} is not a tag, so no GitHub release was published. Releases are published from tag pushes (on: push: tags).`,
    };
  }
  if (inputs.githubToken === '') {
    throw new InputError(
      'github-token',
      '',
      'Publishing a release needs a token that may write the repository contents: the default ${{ github.token }} is one when the job has permissions: contents: write.',
    );
  }
  const repository = (env['GITHUB_REPOSITORY'] ?? '').trim();
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new InputError(
      'github-release',
      inputs.githubRelease,
      `Publishing needs GITHUB_REPOSITORY as owner/repo (the runner sets it); it is ${JSON.stringify(repository)}.`,
    );
  }
  const prerelease = inputs.prerelease === 'auto' ? isPrereleaseTag(tag) : inputs.prerelease === 'true';
  if (prerelease && inputs.makeLatest === 'true') {
    throw new InputError(
      'make-latest',
      'true',
      `The release of ${tag} is a pre-release${inputs.prerelease === 'auto' ? ' (its version has a pre-release part; set prerelease: false to change that)' : ''}, and GitHub never marks a pre-release as latest. Allowed here: auto, false or legacy.`,
    );
  }
  const values = {
    tag,
    version: release.version,
    name: context.binaryName,
    commit: release.commit,
    'short-commit': release.commit.slice(0, 7),
    date: release.date,
  };
  return {
    plan: {
      apiUrl: apiUrlFrom(env, inputs.githubApiUrl),
      owner,
      repo,
      tag,
      commit: release.commit,
      name: renderReleaseText(inputs.releaseName, values),
      body: renderReleaseText(inputs.releaseBody, values),
      generateNotes: inputs.generateReleaseNotes,
      prerelease,
      makeLatest: inputs.makeLatest === 'auto' ? null : inputs.makeLatest,
      publish: inputs.githubRelease === 'true',
      assets: planAssets(context.files, inputs.githubRelease),
    },
    skipped: null,
  };
}
