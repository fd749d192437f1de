// Runs the real goreleaser (scripts/goreleaser/install.sh installs v2.15.1) on a fixture workspace the way a release
// would, with --snapshot so nothing is published and no network is needed, and returns the names it produced
// (dist/artifacts.json) and its metadata. Its `go build` calls go to go-build-recorder.mjs (see there why).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const GORELEASER_VERSION = '2.15.1';
const RECORDER = path.resolve(import.meta.dirname, 'go-build-recorder.mjs');

/** goreleaser's version on PATH, '' when it is missing. */
export function goreleaserVersion(): string {
  const result = spawnSync('goreleaser', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return /GitVersion:\s+(\S+)/.exec(result.stdout ?? '')?.[1] ?? '';
}

export interface GoreleaserArtifact {
  name: string;
  path: string;
  type: string;
  goos?: string;
  goarch?: string;
  goarm?: string;
  goamd64?: string;
  extra?: Record<string, unknown>;
}

export interface GoreleaserRun {
  artifacts: GoreleaserArtifact[];
  metadata: { project_name: string; tag: string; version: string; commit: string };
  /** The `go build` calls goreleaser made. */
  builds: Array<{ args: string[]; env: Record<string, string> }>;
  log: string;
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Tags HEAD and gives the repository a remote (goreleaser reads neither commit nor tag without one). */
export function prepareRepository(workspace: string, tag: string, remote: string): void {
  git(workspace, 'tag', tag);
  git(workspace, 'remote', 'add', 'origin', remote);
}

/**
 * `goreleaser release --snapshot --clean` with the steps that need other tools or the network skipped (hooks,
 * signing, SBOMs, packages, images). Bounded: 4 minutes.
 */
export function runGoreleaser(
  workspace: string,
  dist: string,
  env: Record<string, string> = {},
): GoreleaserRun {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-goreleaser-bin-'));
  const buildLog = path.join(bin, 'builds.jsonl');
  fs.writeFileSync(buildLog, '');
  fs.symlinkSync(RECORDER, path.join(bin, 'go'));
  const realGo = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
  try {
    const result = spawnSync(
      'goreleaser',
      [
        'release',
        '--snapshot',
        '--clean',
        '--skip=before,sign,sbom,nfpm,docker,ko,homebrew,scoop,winget,nix,aur',
      ],
      {
        cwd: workspace,
        encoding: 'utf8',
        timeout: 240_000,
        env: {
          ...process.env,
          ...env,
          PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`,
          GIN_RELEASE_REAL_GO: path.join(realGo, 'bin', 'go'),
          GIN_RELEASE_BUILD_LOG: buildLog,
          GITHUB_TOKEN: '',
        },
      },
    );
    const log = `${result.stdout}${result.stderr}`;
    if (result.status !== 0)
      throw new Error(`goreleaser failed (${result.status ?? result.signal}):\n${log}`);
    const read = <T>(name: string): T =>
      JSON.parse(fs.readFileSync(path.join(workspace, dist, name), 'utf8')) as T;
    return {
      artifacts: read<GoreleaserArtifact[]>('artifacts.json'),
      metadata: read<GoreleaserRun['metadata']>('metadata.json'),
      builds: fs
        .readFileSync(buildLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as GoreleaserRun['builds'][number]),
      log,
    };
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}
