// A release split over jobs, end to end on one machine through the bundled action: three shard jobs in three
// checkouts of one commit (different paths, TMPDIR and GOCACHE, one with GOROOT copied elsewhere) run at once, then
// a merge job with no Go on PATH. Its checksums.txt must be byte-identical to a one-job build of the same commit and
// its artifacts output the same per target; a re-run's shard supersedes the earlier attempt's; a changed blob and
// a missing shard are refused, naming what is wrong.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fingerprintOf, type ShardManifest } from '../../src/matrix/manifest.js';
import { cleanup, workspaceFrom, type ActionRun } from '../support/action-run.js';
import {
  applyRunnerEnv,
  newBackendIds,
  startGithubServices,
  type GithubServices,
} from '../support/github-services.js';
import {
  checkout,
  copyGoroot,
  goRuns,
  headCommit,
  newJob,
  pathWithoutGo,
  runJob,
  scratchRoot,
  type Job,
} from '../support/matrix-run.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/matrix-app');
const TARGETS = 'linux/amd64, linux/arm64, windows/amd64, darwin/arm64';
const SHARDS = ['linux/amd64, linux/arm64', 'windows/amd64', 'darwin/arm64'];
const COMMON = { 'go-version': '1.26.8', cache: 'false' };
/** Four cold builds per side on 2 shared cores, run at once. */
const BUILD_TIMEOUT_MS = 25 * 60_000;

interface ArtifactOutput {
  target: string;
  size: number;
  sha256: string;
  static: boolean;
  smoke?: { status: string; runner?: string };
  archive?: { path: string; sha256: string };
}
interface ShardOutput {
  name: string;
  attempt: number;
  targets: string[];
  runner: { name: string };
}

let services: GithubServices;
let root: string;
let origin: string;
const run = newBackendIds();
const runs: ActionRun[] = [];
let reference: ActionRun;
let shardJobs: Job[];
let shardCheckouts: string[];
let mergeCheckout: string;
const noGoPath = pathWithoutGo();

function artifactsOf(result: ActionRun): ArtifactOutput[] {
  return JSON.parse(result.outputs.get('artifacts') ?? '[]') as ArtifactOutput[];
}

function keep(result: ActionRun): ActionRun {
  runs.push(result);
  return result;
}

async function merge(attempt = 1, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const job = newJob(services.url, run, root, `merge-a${attempt}`, { PATH: noGoPath });
  return keep(
    await runJob({
      workspace: mergeCheckout,
      inputs: { ...COMMON, mode: 'merge', targets: TARGETS, ...inputs },
      job,
      jobId: 'merge',
      attempt,
    }),
  );
}

/** The newest finalized shard artifact whose name holds `label` (e.g. windows-amd64). */
function newestShard(label: string): string {
  const found = services.artifacts.artifacts
    .filter(
      (a) => a.finalized && a.name.startsWith('gin-release-shard_') && a.name.includes(`_app-${label}_`),
    )
    .sort((a, b) => b.id - a.id)[0];
  if (!found) throw new Error(`no shard artifact for ${label}`);
  return found.name;
}

/**
 * Uploads the shard `zip` again under its name, changed by `change`, as a job of a re-run would: a well-formed
 * artifact with a valid digest, so only the merge's own checks can catch what changed.
 */
async function reupload(
  name: string,
  zip: Buffer,
  change: (dir: string, manifest: ShardManifest) => void,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(root, 'reupload-'));
  fs.writeFileSync(path.join(dir, 'shard.zip'), zip);
  const files = path.join(dir, 'files');
  const unzip = spawnSync('unzip', ['-q', path.join(dir, 'shard.zip'), '-d', files], { encoding: 'utf8' });
  if (unzip.status !== 0) throw new Error(`unzip failed: ${unzip.stderr}`);
  const manifestPath = path.join(files, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ShardManifest;
  change(files, manifest);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  services.artifacts.newAttempt(run.workflowRunBackendId);
  const restore = applyRunnerEnv(newJob(services.url, run, root, 'reupload').env);
  try {
    const listed = fs.readdirSync(files, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    await new DefaultArtifactClient().uploadArtifact(
      name,
      listed.map((e) => path.join(e.parentPath, e.name)),
      files,
    );
  } finally {
    restore();
  }
}

beforeAll(
  async () => {
    services = await startGithubServices();
    root = scratchRoot('matrix');
    origin = workspaceFrom(FIXTURE);
    shardCheckouts = SHARDS.map((_, i) => checkout(origin, root, `shard${i}`, i + 1));
    mergeCheckout = checkout(origin, root, 'merge', 4);
    const referenceCheckout = checkout(origin, root, 'reference');
    const goroot = copyGoroot(root);
    shardJobs = SHARDS.map((_, i) =>
      newJob(
        services.url,
        run,
        root,
        `shard${i}`,
        // The second shard's Go lives at another path: -trimpath keeps GOROOT out of the binaries.
        i === 1 ? { PATH: `${path.join(goroot, 'bin')}${path.delimiter}${noGoPath}` } : {},
      ),
    );
    const referenceJob = newJob(services.url, run, root, 'reference');
    // The reference and the three shards at once, as a workflow runs them.
    const [ref, ...shards] = await Promise.all([
      runJob({
        workspace: referenceCheckout,
        inputs: { ...COMMON, targets: TARGETS, 'artifact-name': 'reference' },
        job: referenceJob,
        jobId: 'reference',
        timeoutMs: BUILD_TIMEOUT_MS,
      }),
      ...SHARDS.map((targets, i) =>
        runJob({
          workspace: shardCheckouts[i]!,
          inputs: { ...COMMON, mode: 'shard', targets },
          job: shardJobs[i]!,
          jobId: 'shard',
          timeoutMs: BUILD_TIMEOUT_MS,
        }),
      ),
    ]);
    reference = keep(ref!);
    for (const shard of shards) keep(shard);
    expect(reference.exitCode, reference.log.slice(-3000)).toBe(0);
    for (const shard of shards) expect(shard.exitCode, shard.log.slice(-3000)).toBe(0);
  },
  BUILD_TIMEOUT_MS + 5 * 60_000,
);

afterAll(async () => {
  for (const result of runs) cleanup(result);
  await services?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
  if (origin) fs.rmSync(origin, { recursive: true, force: true });
});

describe('a release split over three shard jobs and a merge job', () => {
  test('the checkouts are one commit at different paths; the merge job has no Go', () => {
    const commits = new Set([...shardCheckouts, mergeCheckout].map(headCommit));
    expect(commits.size).toBe(1);
    expect(new Set(shardCheckouts).size).toBe(3);
    expect(goRuns(noGoPath)).toBe(false);
  });

  test('each shard uploaded one shard artifact and no archives; the second used the copied GOROOT', () => {
    const shards = runs.slice(1, 4);
    for (const [i, shard] of shards.entries()) {
      const records = JSON.parse(shard.outputs.get('shards')!) as ShardOutput[];
      expect(records).toHaveLength(1);
      expect(records[0]!.targets.join(', ')).toBe(SHARDS[i]);
      expect(shard.outputs.has('checksums-file')).toBe(false);
      expect(JSON.parse(shard.outputs.get('artifact-names')!)).toEqual([records[0]!.name]);
      expect(shard.log).not.toMatch(/Archives and checksums/);
    }
    expect(shards[1]!.log).toMatch(/Go 1\.26\.8 from runner: .*goroot-\w+\/go/);
    expect(shards[0]!.log).not.toMatch(/goroot-\w+\/go/);
  });

  test('the merge ships what one job ships: checksums.txt byte for byte, the same artifacts per target', async () => {
    const merged = await merge();
    expect(merged.exitCode, merged.log.slice(-4000)).toBe(0);
    expect(merged.log).not.toMatch(/Set up Go|go env/);
    expect(merged.outputs.get('go-version')).toBe('1.26.8');
    expect(merged.outputs.has('go-source')).toBe(false);

    const mergedSums = fs.readFileSync(merged.outputs.get('checksums-file')!);
    const referenceSums = fs.readFileSync(reference.outputs.get('checksums-file')!);
    expect(mergedSums.toString()).toBe(referenceSums.toString());
    expect(mergedSums.equals(referenceSums)).toBe(true);
    // Four archives and their SBOMs, which come from each binary's own build info and so match too.
    expect(mergedSums.toString().trim().split('\n')).toHaveLength(8);

    const strip = (a: ArtifactOutput) => [a.target, a.size, a.sha256, a.static, a.archive?.sha256];
    expect(artifactsOf(merged).map(strip)).toEqual(artifactsOf(reference).map(strip));
    // Smoke-tested where they were built: amd64 natively and arm64 under qemu in the first shard.
    expect(artifactsOf(merged).map((a) => [a.target, a.smoke?.status])).toEqual([
      ['linux/amd64', 'passed'],
      ['linux/arm64', 'passed'],
      ['windows/amd64', 'skipped'],
      ['darwin/arm64', 'skipped'],
    ]);

    const shards = JSON.parse(merged.outputs.get('shards')!) as ShardOutput[];
    expect(shards.map((s) => s.targets.join(', ')).sort()).toEqual([...SHARDS].sort());
    expect(merged.summary).toMatch(/\| linux\/arm64 \|.*\| shard on Linux X64 \(runner-shard0\) \|$/m);
    expect(merged.summary).toMatch(/\| windows\/amd64 \|.*\| shard on Linux X64 \(runner-shard1\) \|$/m);
    expect(merged.summary).toMatch(/\| darwin\/arm64 \|.*\| shard on Linux X64 \(runner-shard2\) \|$/m);

    // What the merge uploaded is the release itself.
    const names = JSON.parse(merged.outputs.get('artifact-names')!) as string[];
    expect(names).toHaveLength(1);
    expect(services.artifacts.find(names[0]!)).toBeDefined();
  });

  test(
    'a re-run: the re-run shard of attempt 2 supersedes its attempt 1, the others are taken from attempt 1',
    async () => {
      services.artifacts.newAttempt(run.workflowRunBackendId);
      const rerun = keep(
        await runJob({
          workspace: shardCheckouts[1]!,
          inputs: { ...COMMON, mode: 'shard', targets: SHARDS[1]! },
          job: shardJobs[1]!,
          jobId: 'shard',
          attempt: 2,
          timeoutMs: BUILD_TIMEOUT_MS,
        }),
      );
      expect(rerun.exitCode, rerun.log.slice(-3000)).toBe(0);
      const merged = await merge(2);
      expect(merged.exitCode, merged.log.slice(-4000)).toBe(0);
      const shards = JSON.parse(merged.outputs.get('shards')!) as ShardOutput[];
      expect(shards.map((s) => [s.targets.join(', '), s.attempt]).sort()).toEqual(
        [
          [SHARDS[0], 1],
          [SHARDS[1], 2],
          [SHARDS[2], 1],
        ].sort(),
      );
      expect(merged.log).toMatch(
        /Left out gin-release-shard_app-windows-amd64_\w+_a1: a later attempt of that shard is here\./,
      );
      expect(fs.readFileSync(merged.outputs.get('checksums-file')!)).toEqual(
        fs.readFileSync(reference.outputs.get('checksums-file')!),
      );
    },
    BUILD_TIMEOUT_MS,
  );

  test('a shard whose blob changed after the upload is refused by its digest', async () => {
    const names = services.artifacts.artifacts
      .filter((a) => a.finalized && a.name.startsWith('gin-release-shard_'))
      .map((a) => a.name);
    const windows = names.find((n) => n.includes('windows-amd64') && n.endsWith('_a2'))!;
    const darwin = names.find((n) => n.includes('darwin-arm64'))!;
    const original = await services.artifacts.content(windows);
    await services.artifacts.tamper(windows, await services.artifacts.content(darwin));
    try {
      const merged = await merge(2);
      expect(merged.exitCode).toBe(1);
      expect(merged.errors().join('\n')).toContain(
        `${windows}: the downloaded bytes do not match the digest recorded at upload`,
      );
      expect(merged.outputs.has('checksums-file')).toBe(false);
    } finally {
      await services.artifacts.tamper(windows, original);
    }
  });

  test.each<[string, string, (dir: string, manifest: ShardManifest) => void, RegExp]>([
    [
      'a binary changed in a re-uploaded shard: named by its SHA-256',
      'windows-amd64',
      (dir, manifest) => {
        const file = path.join(dir, manifest.binaries[0]!.path);
        const bytes = fs.readFileSync(file);
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
        fs.writeFileSync(file, bytes);
      },
      /_app-windows-amd64_\w+_a2: windows\/amd64 has SHA-256 [0-9a-f]{64}, its manifest says [0-9a-f]{64}\./,
    ],
    [
      'a manifest whose path leaves the folder',
      'darwin-arm64',
      (_dir, manifest) => {
        manifest.binaries[0]!.path = '../../../outside/app';
      },
      /_app-darwin-arm64_\w+_a1: the path of darwin\/arm64, "\.\.\/\.\.\/\.\.\/outside\/app", leaves the shard folder\./,
    ],
    [
      'a binary for another architecture, its manifest updated to match: refused by re-inspection',
      'linux-amd64.linux-arm64',
      (dir, manifest) => {
        const [amd64, arm64] = manifest.binaries;
        fs.copyFileSync(path.join(dir, arm64!.path), path.join(dir, amd64!.path));
        amd64!.sha256 = arm64!.sha256;
        amd64!.size = arm64!.size;
      },
      /: linux\/amd64: expected an ELF binary for amd64, found ELF for arm64/,
    ],
    [
      'a shard built with other ldflags (a valid manifest): the differing keys named',
      'darwin-arm64',
      (_dir, manifest) => {
        manifest.fingerprint = fingerprintOf({
          ...manifest.fingerprint.settings,
          ldflags: '["-X","main.edition=pro"]',
        });
      },
      /Shards disagree on their build fingerprint; these settings differ: ldflags \(.*main\.edition=pro/,
    ],
  ])('%s', async (_what, label, change, message) => {
    const name = newestShard(label);
    const original = await services.artifacts.content(name);
    await reupload(name, original, change);
    try {
      const merged = await merge(2);
      expect(merged.exitCode, merged.log.slice(-3000)).toBe(1);
      expect(merged.errors().join('\n')).toMatch(message);
      expect(merged.outputs.has('checksums-file')).toBe(false);
      expect(fs.existsSync(path.join(mergeCheckout, '..', '..', 'outside'))).toBe(false);
    } finally {
      await reupload(name, original, () => undefined);
    }
  });

  test('shard downloads that hang are stopped at upload-timeout, naming each shard that did not arrive', async () => {
    // The first shard's signed URL is served; the service hangs on the others.
    services.artifacts.faults.failAfter('GetSignedArtifactURL', 1, 'stall');
    try {
      const merged = await merge(2, { 'upload-timeout': '10' });
      expect(merged.exitCode).toBe(1);
      const errors = merged.errors().join('\n');
      expect(errors).toMatch(
        /gin-release-shard_\S+: the download did not finish: the service worker did not finish within 10 s \(upload-timeout\) and was stopped/,
      );
      expect(merged.outputs.has('checksums-file')).toBe(false);
    } finally {
      services.artifacts.faults.clear();
    }
  });

  test('a missing shard fails the merge naming the missing targets', async () => {
    const store = services.artifacts.artifacts;
    for (let i = store.length - 1; i >= 0; i--) {
      if (store[i]!.name.includes('_app-windows-amd64_')) store.splice(i, 1);
    }
    const merged = await merge(2);
    expect(merged.exitCode).toBe(1);
    const errors = merged.errors().join('\n');
    expect(errors).toMatch(
      /Missing targets: windows\/amd64 was built by no shard \(shards found: gin-release-shard_app-darwin-arm64_\w+_a1, gin-release-shard_app-linux-amd64\.linux-arm64_\w+_a1\)/,
    );
    expect(merged.summary).toContain('Missing targets: windows/amd64');
    expect(merged.outputs.has('checksums-file')).toBe(false);
  });
});
