// The job summary: one Markdown page per run, with a row per target. Rendering is pure; writing it is an optional
// extra, so a failure there is a warning and never fails the release.
import * as path from 'node:path';
import * as core from '@actions/core';
import type { CacheSaveOutcome, CacheSummary } from './go/cache-outcome.js';
import type { ShardRecord } from './matrix/manifest.js';
import type { ArtifactRecord, GoSource, SmokeResult } from './types.js';

export interface SummaryData {
  goVersion: string;
  goSource: GoSource;
  version: string;
  commit: string;
  artifacts: ArtifactRecord[];
  stageTimings: Array<{ stage: string; ms: number }>;
  cache?: CacheSummary;
  uploads?: Array<{ name: string; id?: number; size?: number }>;
  uploadSkippedReason?: string;
  image?: { refs: string[]; digest?: string; platforms: string[]; pushed: boolean };
  /** What the cgo audit found: packages needing cgo (cgo off) or the glibc cgo binaries need (cgo on). */
  cgoAudit?: { cgo: boolean; lines: string[] };
  release?: ReleaseSummary;
  failures: string[];
  /** A split release: the shard this job uploaded, or every shard a merge verified. */
  shards?: ShardRecord[];
  /** Mode merge: target id -> the name of the shard that built and smoke-tested it. */
  builtBy?: Record<string, string>;
}

export interface ReleaseSummary {
  status: 'published' | 'draft' | 'unchanged' | 'failed' | 'skipped';
  tag: string;
  /** The release page (a draft's is only visible to people who may push). */
  url?: string;
  prerelease?: boolean;
  assets: Array<{ name: string; size: number; url: string }>;
  /** `METHOD route status` per API request. */
  apiCalls: string[];
  /** Why nothing was published (status skipped). */
  reason?: string;
  /** owner/repo, for the `gh attestation verify` line. */
  repository?: string;
  checksumsName?: string;
}

/** 7.4 MiB style sizes, binary units. Pure. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** 412 ms, 3.2 s, 2 min 5 s. Pure. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * Text that is safe inside a table cell or list item: HTML and Markdown specials escaped, `|` escaped (GFM splits
 * cells on it even inside code spans), line breaks as <br>. Pure.
 */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*[\]~|])/g, '\\$1')
    .replace(/\r?\n/g, '<br>');
}

/** A code span for identifiers (hashes, digests, refs); anything with other characters is escaped text instead. */
function code(text: string): string {
  return /^[\w.:@/+-]+$/.test(text) ? `\`${text}\`` : escapeCell(text);
}

const GO_SOURCE_TEXT: Record<GoSource, string> = {
  runner: 'already on the runner',
  'tool-cache': "from the runner's tool cache",
  download: 'downloaded and verified',
};

const CACHE_TEXT: Record<NonNullable<SummaryData['cache']>['hit'], string> = {
  exact: 'restored (exact key match)',
  partial: 'restored (partial match from a restore key)',
  miss: 'miss (nothing saved yet for this key)',
  skipped: 'skipped',
  error: 'restore failed',
  timeout: 'restore timed out',
};

const SAVE_TEXT: Record<CacheSaveOutcome, string> = {
  saved: 'saved after the build',
  'not-needed': 'nothing new to save',
  skipped: 'save skipped',
  failed: 'save failed',
  timeout: 'save timed out',
};

function smokeCell(smoke: SmokeResult | undefined): string {
  if (!smoke) return 'not run';
  const under = smoke.runner && smoke.runner !== 'native' ? ` under ${smoke.runner}` : '';
  if (smoke.status === 'passed') {
    const ready = smoke.readyMs === undefined ? 'passed' : `passed in ${formatDuration(smoke.readyMs)}`;
    const stopped = smoke.shutdownMs === undefined ? '' : `, stopped in ${formatDuration(smoke.shutdownMs)}`;
    // What the smoke test had to find by itself, so that a pass with warnings does not look like a clean one.
    const found = [
      ...(smoke.answeredPort !== undefined ? [`on port ${smoke.answeredPort}, not PORT`] : []),
      ...(smoke.healthPath !== undefined ? [`at ${smoke.healthPath}`] : []),
      ...(smoke.warnings?.length
        ? [`${smoke.warnings.length} warning${smoke.warnings.length > 1 ? 's' : ''}`]
        : []),
    ];
    return escapeCell(`${ready}${stopped}${under}${found.length > 0 ? ` (${found.join('; ')})` : ''}`);
  }
  return escapeCell(`${smoke.status}${under}${smoke.reason ? `: ${smoke.reason}` : ''}`);
}

function archiveCell(artifact: ArtifactRecord): string {
  if (!artifact.archive) return 'none';
  if (path.resolve(artifact.archive.path) === path.resolve(artifact.path)) return 'bare binary';
  return `${escapeCell(path.basename(artifact.archive.path))} (${formatBytes(artifact.archive.size)})`;
}

function runnerText(shard: ShardRecord): string {
  const { os, arch, name } = shard.runner;
  return escapeCell([os, arch].filter(Boolean).join(' ') + (name ? ` (${name})` : '') || 'unknown');
}

/** Which job on which runner built (and smoke-tested) a target of a merged release. */
function shardCell(shard: ShardRecord | undefined): string {
  if (!shard) return 'unknown';
  return `${escapeCell(shard.job || 'a shard job')} on ${runnerText(shard)}`;
}

/** A fenced block that the text cannot close early, whatever backticks it holds. */
function fenced(text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}\n${text}\n${fence}`;
}

/** The whole summary as GitHub-flavoured Markdown. Pure. */
export function renderSummary(data: SummaryData): string {
  const out: string[] = [];
  const commit = data.commit ? ` (${code(data.commit.slice(0, 7))})` : '';
  // A run that failed before the version or Go were known says so rather than printing blanks.
  out.push(data.version ? `## Release ${escapeCell(data.version)}${commit}` : '## gin-release', '');
  if (data.goVersion && data.builtBy) out.push(`Go ${escapeCell(data.goVersion)}, in every shard.`, '');
  else if (data.goVersion)
    out.push(`Go ${escapeCell(data.goVersion)}, ${GO_SOURCE_TEXT[data.goSource]}.`, '');

  if (data.failures.length > 0) {
    out.push('### Failures', '');
    for (const failure of data.failures) {
      const [first = '', ...rest] = failure.replace(/\s+$/, '').split(/\r?\n/);
      out.push(`- ${escapeCell(first)}`);
      if (rest.length > 0)
        out.push(
          '',
          ...fenced(rest.join('\n'))
            .split('\n')
            .map((line) => `  ${line}`),
        );
    }
    out.push('');
  }

  out.push('### Binaries', '');
  if (data.artifacts.length === 0) {
    out.push('No binaries were built.', '');
  } else {
    const builtBy = data.builtBy;
    out.push(
      `| Target | Size | SHA-256 | Static | Smoke test | Archive |${builtBy ? ' Built and smoke-tested on |' : ''}`,
      `| --- | ---: | --- | --- | --- | --- |${builtBy ? ' --- |' : ''}`,
    );
    for (const a of data.artifacts) {
      const sha = a.sha256 ? code(a.sha256.slice(0, 12)) : 'unknown';
      const shard = builtBy ? ` ${shardCell(data.shards?.find((s) => s.name === builtBy[a.target]))} |` : '';
      out.push(
        `| ${escapeCell(a.target)} | ${formatBytes(a.size)} | ${sha} | ${a.static ? 'yes' : 'no'} | ${smokeCell(a.smoke)} | ${archiveCell(a)} |${shard}`,
      );
    }
    out.push('');
  }

  if (data.shards && data.shards.length > 0) {
    out.push(
      '### Shards',
      '',
      '| Shard artifact | Targets | Job | Runner | Go | Attempt |',
      '| --- | --- | --- | --- | --- | ---: |',
    );
    for (const shard of data.shards) {
      out.push(
        `| ${escapeCell(shard.name)} | ${escapeCell(shard.targets.join(', '))} | ${escapeCell(shard.job)} | ${runnerText(shard)} | ${escapeCell(shard.goVersion)} | ${shard.attempt} |`,
      );
    }
    out.push('');
  }

  if (data.cgoAudit && data.cgoAudit.lines.length > 0) {
    out.push('### cgo audit', '');
    for (const line of data.cgoAudit.lines) out.push(`- ${escapeCell(line)}`);
    out.push('');
  }

  if (data.image) {
    const image = data.image;
    out.push('### Image', '');
    out.push(`- References: ${image.refs.length > 0 ? image.refs.map(code).join(', ') : 'none'}`);
    out.push(
      `- Platforms: ${image.platforms.length > 0 ? image.platforms.map(escapeCell).join(', ') : 'none'}`,
    );
    out.push(`- Pushed: ${image.pushed ? 'yes' : 'no'}`);
    if (image.digest) out.push(`- Digest: ${code(image.digest)}`);
    out.push('');
  }

  if (data.uploads && data.uploads.length > 0) {
    out.push('### Workflow artifacts', '', '| Artifact | ID | Size |', '| --- | --- | ---: |');
    for (const u of data.uploads) {
      out.push(
        `| ${escapeCell(u.name)} | ${u.id ?? ''} | ${u.size === undefined ? '' : formatBytes(u.size)} |`,
      );
    }
    out.push('');
  } else if (data.uploadSkippedReason) {
    out.push(`Workflow artifacts: not uploaded (${escapeCell(data.uploadSkippedReason)}).`, '');
  }

  if (data.release) out.push(...renderRelease(data.release));

  if (data.cache) {
    const key = data.cache.key ? `, key ${escapeCell(data.cache.key)}` : '';
    const detail = data.cache.detail ? `: ${escapeCell(data.cache.detail)}` : '';
    const save = data.cache.save;
    const saved = save
      ? `; ${SAVE_TEXT[save.outcome]}${save.detail ? `: ${escapeCell(save.detail)}` : ''}`
      : '';
    out.push(`Go module and build cache: ${CACHE_TEXT[data.cache.hit]}${key}${detail}${saved}.`, '');
  }

  if (data.stageTimings.length > 0) {
    out.push('<details><summary>Time per stage</summary>', '', '| Stage | Time |', '| --- | ---: |');
    for (const t of data.stageTimings) out.push(`| ${escapeCell(t.stage)} | ${formatDuration(t.ms)} |`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

/** A command line as a code span; anything with characters that could break out of one is escaped text. */
function command(text: string): string {
  return /^[\w.:@/+=, -]+$/.test(text) ? `\`${text}\`` : escapeCell(text);
}

/** A Markdown link when the URL is a plain http(s) URL, else the escaped text alone. */
function link(text: string, url: string | undefined): string {
  return url && /^https?:\/\/[^\s()<>[\]]+$/.test(url) ? `[${escapeCell(text)}](${url})` : escapeCell(text);
}

function renderRelease(release: ReleaseSummary): string[] {
  const out = ['### GitHub release', ''];
  const name = link(release.tag, release.url);
  const count = `${release.assets.length} asset${release.assets.length === 1 ? '' : 's'}`;
  const kind = release.prerelease ? ' as a pre-release' : '';
  const lines: Record<ReleaseSummary['status'], string> = {
    published: `Published ${name}${kind} with ${count}, each checked after upload against the local file (size and SHA-256 digest).`,
    draft: `Draft ${name}${kind} holds ${count}, each checked after upload against the local file; it waits for a person to publish it.`,
    unchanged: `${name} was already published with these ${count}, byte for byte: left as it was.`,
    failed: `Not published (see Failures above)${release.url ? `; the draft ${name} is left for inspection` : ''}.`,
    skipped: `Not published: ${escapeCell(release.reason ?? '')}`,
  };
  out.push(lines[release.status], '');
  if (release.status !== 'skipped' && release.status !== 'failed' && release.assets.length > 0) {
    out.push('| Asset | Size |', '| --- | ---: |');
    for (const asset of release.assets)
      out.push(`| ${link(asset.name, asset.url)} | ${formatBytes(asset.size)} |`);
    out.push('');
    const archive = release.assets.find((asset) => /\.(tar\.gz|zip)$/.test(asset.name)) ?? release.assets[0]!;
    const checksums = release.checksumsName ?? 'checksums.txt';
    out.push(
      `Check a download: ${command(`sha256sum -c ${checksums} --ignore-missing`)}. Its provenance, once ` +
        `${code('actions/attest-build-provenance')} has attested ${code(checksums)} (subject-checksums): ` +
        `${command(`gh attestation verify ${archive.name}${release.repository ? ` --repo ${release.repository}` : ''}`)}`,
      '',
    );
  }
  if (release.apiCalls.length > 0) {
    out.push(
      `<details><summary>GitHub API requests (${release.apiCalls.length})</summary>`,
      '',
      ...release.apiCalls.map((call) => `- ${escapeCell(call)}`),
      '',
      '</details>',
      '',
    );
  }
  return out;
}

/**
 * Appends the summary to the job's summary file. Never throws: a missing GITHUB_STEP_SUMMARY or a failed write
 * becomes a warning. Returns whether the summary was written.
 */
export async function writeSummary(data: SummaryData): Promise<boolean> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.warning('Job summary not written: GITHUB_STEP_SUMMARY is not set (not running in GitHub Actions?).');
    return false;
  }
  try {
    await core.summary.addRaw(renderSummary(data), true).write();
    return true;
  } catch (error) {
    core.summary.emptyBuffer();
    core.warning(`Job summary not written: ${(error as Error).message}`);
    return false;
  }
}
