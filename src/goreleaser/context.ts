// The fields a goreleaser template sees (tmpl.New in goreleaser v2), made from this run's facts: project, version,
// tag, commit, environment. Differences, on purpose: .Date is the commit time (builds here are reproducible), and a
// run without a tag has .Tag v<version>. Pure.
import type { ReleaseInfo } from '../types.js';
import { isPrivateVariable } from '../util/process/env.js';
import type { GoreleaserConfig } from './config.js';
import { renderGoTemplate, type TemplateContext, type ValueMap } from './template.js';

export interface ContextFacts {
  release: ReleaseInfo;
  /** go.mod's module path. */
  modulePath: string;
  /** The step's environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The runner's GOOS/GOARCH, for .Runtime. */
  runtime: { goos: string; goarch: string };
}

/** goreleaser's project name: project_name, release.github.name, the module path's last element, the repository. */
export function projectName(config: GoreleaserConfig, facts: ContextFacts): string {
  const moduleName = facts.modulePath.split('/').pop() ?? '';
  const repository = (facts.env['GITHUB_REPOSITORY'] ?? '').split('/').pop() ?? '';
  return config.projectName || config.releaseName || moduleName || repository || 'app';
}

function semver(version: string): { major: number; minor: number; patch: number; prerelease: string } {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?/.exec(version);
  return {
    major: Number(match?.[1] ?? 0),
    minor: Number(match?.[2] ?? 0),
    patch: Number(match?.[3] ?? 0),
    prerelease: match?.[4] ?? '',
  };
}

/** KEY=VALUE lines into the environment map, each value rendered with the environment so far (as goreleaser does). */
export function extendEnv(base: TemplateContext, entries: readonly string[]): TemplateContext {
  const env: ValueMap = { ...(base.data['Env'] as ValueMap) };
  let context: TemplateContext = { ...base, data: { ...base.data, Env: env } };
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    env[entry.slice(0, eq)] = renderGoTemplate(entry.slice(eq + 1), context);
    context = { ...context, data: { ...context.data, Env: { ...env } } };
  }
  return context;
}

/** The fields every template has, before any artifact's own (.Os, .Arch, .Binary, ...). */
export function baseContext(config: GoreleaserConfig, facts: ContextFacts): TemplateContext {
  const { release } = facts;
  const tag = release.ref.startsWith('refs/tags/')
    ? release.ref.slice('refs/tags/'.length)
    : `v${release.version}`;
  const branch = release.ref.startsWith('refs/heads/') ? release.ref.slice('refs/heads/'.length) : '';
  const version = semver(release.version);
  const env: ValueMap = {};
  for (const [key, value] of Object.entries(facts.env)) {
    if (value !== undefined && !isPrivateVariable(key)) env[key] = value;
  }
  const server = facts.env['GITHUB_SERVER_URL'];
  const repository = facts.env['GITHUB_REPOSITORY'];
  const data: ValueMap = {
    ProjectName: projectName(config, facts),
    ModulePath: facts.modulePath,
    Version: release.version,
    RawVersion: `${version.major}.${version.minor}.${version.patch}`,
    Summary: '',
    Tag: tag,
    PreviousTag: '',
    Branch: branch,
    Commit: release.commit,
    ShortCommit: release.commit.slice(0, 7),
    FullCommit: release.commit,
    CommitDate: release.date,
    CommitTimestamp: release.epoch,
    GitURL: server && repository ? `${server}/${repository}.git` : '',
    IsGitDirty: false,
    IsGitClean: true,
    GitTreeState: 'clean',
    Env: env,
    Date: release.date,
    Timestamp: release.epoch,
    Major: version.major,
    Minor: version.minor,
    Patch: version.patch,
    Prerelease: version.prerelease,
    IsSnapshot: false,
    IsSingleTarget: false,
    IsNightly: false,
    IsDraft: false,
    ReleaseNotes: '',
    ReleaseURL: '',
    TagSubject: '',
    TagContents: '',
    TagBody: '',
    Runtime: { Goos: facts.runtime.goos, Goarch: facts.runtime.goarch },
  };
  return extendEnv({ data, epoch: release.epoch }, config.env);
}
