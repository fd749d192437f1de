// What the GitHub release adds to a run: the publish stage against the local releases API (first publish of six
// targets' archives, SBOMs and checksums; a re-run of the published tag), the SBOM writing in the package stage,
// and the API requests each makes. The files come from one real run of the bundled action on the Gin fixture.
// Run: node --import tsx bench/release.ts   (writes bench/results/release.json)
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { PublishStagePlan } from '../src/publish/plan.js';
import { planPublish } from '../src/publish/plan.js';
import { runPublishStage } from '../src/publish/stage.js';
import { writeSbom } from '../src/sbom/write.js';
import type { BuiltArtifact } from '../src/types.js';
import { parseTarget } from '../src/build/targets.js';
import { cleanup, runAction, workspaceFrom } from '../test/support/action-run.js';
import { GIN_APP } from '../test/support/fixtures.js';
import { startReleasesServer } from '../test/support/github-releases-server.js';
import { show, stats, type Stats } from './stats.js';

const RUNS = 7;
const TOKEN = 'ghs_bench';
const TARGETS = 'linux/amd64, linux/arm64, linux/arm/v7, darwin/amd64, darwin/arm64, windows/amd64';

interface Artifact {
  target: string;
  path: string;
  size: number;
  sha256: string;
  static: boolean;
  archive: { path: string; sha256: string };
  sbom: { path: string; sha256: string };
}

const workspace = workspaceFrom(GIN_APP);
const built = await runAction({
  workspace,
  inputs: {
    targets: TARGETS,
    'binary-name': 'gin-app',
    'smoke-targets': 'native',
    cache: 'false',
    upload: 'false',
  },
  env: { GITHUB_REF: 'refs/tags/v1.2.3' },
  timeoutMs: 30 * 60_000,
});
if (built.exitCode !== 0) throw new Error(`the action failed:\n${built.log.slice(-4000)}`);
const artifacts = JSON.parse(built.outputs.get('artifacts')!) as Artifact[];
const checksums = built.outputs.get('checksums-file')!;
const files = [
  ...artifacts.flatMap((a) => [
    { path: a.archive.path, kind: 'archive' as const, target: a.target },
    { path: a.sbom.path, kind: 'sbom' as const, target: a.target },
  ]),
  { path: checksums, kind: 'checksums' as const },
];
const packaged = new Map(
  artifacts.flatMap((a) => [
    [a.archive.path, a.archive.sha256] as const,
    [a.sbom.path, a.sbom.sha256] as const,
  ]),
);
const bytes = (await Promise.all(files.map((f) => fs.stat(f.path)))).reduce((sum, s) => sum + s.size, 0);

function planFor(apiUrl: string): PublishStagePlan {
  const decision = planPublish(
    {
      githubRelease: 'true',
      githubToken: TOKEN,
      githubApiUrl: apiUrl,
      releaseName: '{tag}',
      releaseBody: '',
      generateReleaseNotes: false,
      prerelease: 'auto',
      makeLatest: 'auto',
    },
    {
      release: {
        version: '1.2.3',
        commit: 'c'.repeat(40),
        date: '2024-05-01T12:00:00Z',
        epoch: 0,
        ref: 'refs/tags/v1.2.3',
      },
      env: { GITHUB_REPOSITORY: 'bench/app' },
      binaryName: 'gin-app',
      files,
    },
  );
  return decision.plan!;
}

async function publishOnce(rerun: boolean): Promise<{ ms: number; calls: string[] }> {
  const server = await startReleasesServer({ token: TOKEN, repository: 'bench/app', immutable: true });
  try {
    const plan = planFor(server.env()['GITHUB_API_URL']!);
    if (rerun) await runPublishStage(plan, { token: TOKEN, packaged });
    const before = server.calls.length;
    const started = performance.now();
    const result = await runPublishStage(plan, { token: TOKEN, packaged });
    const ms = performance.now() - started;
    if (result.problems.length > 0) throw new Error(result.problems.join('\n'));
    return {
      ms,
      calls: server.calls.slice(before).map((c) => `${c.method} ${c.path} ${c.status}`),
    };
  } finally {
    await server.stop();
  }
}

async function measure(rerun: boolean): Promise<{ ms: Stats; calls: string[] }> {
  const times: number[] = [];
  let calls: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await publishOnce(rerun);
    times.push(Math.round(run.ms));
    calls = run.calls;
  }
  return { ms: stats(times), calls };
}

const first = await measure(false);
const rerun = await measure(true);

// The SBOMs: what archive-sbom adds to the package stage (read each binary, parse its build info, write JSON).
const scratch = await fs.mkdtemp(path.join(path.dirname(checksums), 'bench-sbom-'));
const sbomTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  for (const a of artifacts) {
    const artifact: BuiltArtifact = {
      target: parseTarget(a.target),
      path: a.path,
      size: a.size,
      sha256: a.sha256,
      static: a.static,
    };
    await writeSbom(
      { version: '1.2.3', date: '2024-05-01T12:00:00Z' },
      artifact,
      path.join(scratch, path.basename(a.archive.path)),
    );
  }
  sbomTimes.push(Math.round(performance.now() - started));
}
const sbom = stats(sbomTimes);

const result = {
  benchmark: 'release',
  date: new Date().toISOString(),
  fixture: 'test/fixtures/gin-app',
  targets: TARGETS.split(', '),
  assets: files.length,
  assetBytes: bytes,
  method:
    'runPublishStage against test/support/github-releases-server.ts on 127.0.0.1 (a fresh server per run, immutable releases on); the re-run meets the release the run before it published; SBOMs written for the six binaries',
  firstPublishMs: first.ms,
  firstPublishCalls: first.calls,
  rerunMs: rerun.ms,
  rerunCalls: rerun.calls,
  sbomsMs: sbom,
};
await fs.mkdir(path.join(import.meta.dirname, 'results'), { recursive: true });
await fs.writeFile(
  path.join(import.meta.dirname, 'results', 'release.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log(
  `first publish of ${files.length} assets (${(bytes / 1048576).toFixed(1)} MiB): ${show(first.ms)}, ${first.calls.length} requests`,
);
console.log(`re-run of the published tag: ${show(rerun.ms)}, ${rerun.calls.length} requests`);
console.log(`SBOMs of ${artifacts.length} binaries: ${show(sbom)}`);
cleanup(built);
await fs.rm(workspace, { recursive: true, force: true });
