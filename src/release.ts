// The version, commit and date stamped into binaries, names and images: resolved once per run from git and
// the workflow's environment, so every later stage (and a rebuild of the same commit) sees the same values.
import * as core from '@actions/core';
import { runCommand } from './util/process/run.js';
import type { ReleaseInfo } from './types.js';

/** What git and the environment said; every field '' when that source had nothing. */
export interface ReleaseFacts {
  /** The `version` input. */
  versionInput: string;
  /** `git rev-parse HEAD`. */
  gitCommit: string;
  /** `git log -1 --format=%cI`: the commit time with the committer's offset. */
  gitCommitTime: string;
  /** `git symbolic-ref -q HEAD` (refs/heads/main), '' on a detached HEAD. */
  gitSymbolicRef: string;
  /** `git describe --tags --exact-match`: a tag pointing at HEAD. */
  gitExactTag: string;
  GITHUB_SHA: string;
  GITHUB_REF: string;
  SOURCE_DATE_EPOCH: string;
}

/**
 * The version a tag names: `v1.2.3` gives `1.2.3`. Monorepo tags such as `cmd/server/v1.2.3` (the form Go uses
 * for modules in subfolders) give their last element, so a version never puts a folder into file names.
 */
export function versionFromTag(tag: string): string {
  const last = tag.slice(tag.lastIndexOf('/') + 1);
  return /^v\d/.test(last) ? last.slice(1) : last;
}

/** The version a git ref implies: only tags name one (`refs/tags/v1.2.3` gives `1.2.3`); '' for anything else. */
export function versionFromRef(ref: string): string {
  const prefix = 'refs/tags/';
  return ref.startsWith(prefix) && ref.length > prefix.length ? versionFromTag(ref.slice(prefix.length)) : '';
}

/** The version of an untagged build: SemVer pre-release plus the short commit as build metadata. */
export function devVersion(commit: string): string {
  return commit ? `0.0.0-dev+${commit.slice(0, 7)}` : '0.0.0-dev';
}

/** An ISO 8601 time with any offset as RFC 3339 UTC without fractions (`2024-05-01T12:00:00Z`) and Unix seconds. */
export function normaliseTime(iso: string): { date: string; epoch: number } | undefined {
  const ms = Date.parse(iso.trim());
  if (!Number.isFinite(ms)) return undefined;
  return fromEpoch(Math.floor(ms / 1000));
}

function fromEpoch(epoch: number): { date: string; epoch: number } {
  return { date: new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), epoch };
}

/** Decides the release values from what was gathered. Pure, so every precedence rule is table-tested. */
export function decideRelease(facts: ReleaseFacts): ReleaseInfo {
  const commit = facts.gitCommit || facts.GITHUB_SHA;
  const ref =
    facts.GITHUB_REF || facts.gitSymbolicRef || (facts.gitExactTag ? `refs/tags/${facts.gitExactTag}` : '');

  // The commit time first: it is the same on every rebuild of the commit, unlike the clock.
  const time =
    normaliseTime(facts.gitCommitTime) ??
    (/^\d+$/.test(facts.SOURCE_DATE_EPOCH) ? fromEpoch(Number(facts.SOURCE_DATE_EPOCH)) : fromEpoch(0));

  const version =
    facts.versionInput ||
    versionFromRef(facts.GITHUB_REF) ||
    (facts.gitExactTag ? versionFromTag(facts.gitExactTag) : '') ||
    devVersion(commit);

  return { version, commit, date: time.date, epoch: time.epoch, ref };
}

/** One line of git's output, or '' when git is missing, fails, or the folder is not a checkout. */
async function git(workingDirectory: string, args: string[]): Promise<string> {
  const result = await runCommand('git', args, { cwd: workingDirectory });
  if (result.exitCode === -1) core.debug(`git ${args.join(' ')}: ${result.stderr}`);
  return result.exitCode === 0 ? result.stdout.trim() : '';
}

/**
 * Resolves version, commit, commit date and ref for the module in `workingDirectory`. Without git (or outside a
 * checkout) it falls back to GITHUB_SHA, SOURCE_DATE_EPOCH and finally the Unix epoch.
 */
export async function resolveReleaseInfo(
  workingDirectory: string,
  versionInput: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReleaseInfo> {
  const [gitCommit, gitCommitTime, gitSymbolicRef, gitExactTag] = await Promise.all([
    git(workingDirectory, ['rev-parse', '--verify', '-q', 'HEAD']),
    git(workingDirectory, ['log', '-1', '--format=%cI']),
    git(workingDirectory, ['symbolic-ref', '-q', 'HEAD']),
    git(workingDirectory, ['describe', '--tags', '--exact-match']),
  ]);
  const sourceDateEpoch = env['SOURCE_DATE_EPOCH'] ?? '';
  if (!gitCommitTime && sourceDateEpoch && !/^\d+$/.test(sourceDateEpoch)) {
    core.warning(
      `SOURCE_DATE_EPOCH=${JSON.stringify(sourceDateEpoch)} is not a number of seconds; using 1970-01-01.`,
    );
  }
  return decideRelease({
    versionInput: versionInput.trim(),
    gitCommit,
    gitCommitTime,
    gitSymbolicRef,
    gitExactTag,
    GITHUB_SHA: env['GITHUB_SHA'] ?? '',
    GITHUB_REF: env['GITHUB_REF'] ?? '',
    SOURCE_DATE_EPOCH: sourceDateEpoch,
  });
}
