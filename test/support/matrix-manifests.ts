// Shard manifests as a shard job writes them, for the pure tests of the merge checks: one per target group, all
// agreeing, so that each test changes the one thing it is about.
import { parseTargets } from '../../src/build/targets.js';
import { fingerprintOf, MANIFEST_SCHEMA, type ShardManifest } from '../../src/matrix/manifest.js';
import { serviceId, shardArtifactName } from '../../src/matrix/naming.js';
import type { ReceivedShard } from '../../src/matrix/verify.js';
import type { ReleaseInfo } from '../../src/types.js';

export const MODULE = 'example.com/shop/api';
export const MAIN = '.';
export const RELEASE: ReleaseInfo = {
  version: '1.2.3',
  commit: '3f2a9c1d0e5b4a69876543210fedcba987654321',
  date: '2024-05-01T12:00:00Z',
  epoch: 1714564800,
  ref: 'refs/tags/v1.2.3',
};

export const SETTINGS: Record<string, string> = {
  module: MODULE,
  main: MAIN,
  'binary-name': 'api',
  'binary-template': '{name}_{os}_{arch}{variant}/{name}{ext}',
  ldflags: '[]',
  'version-variable': 'main.version',
  'commit-variable': 'main.commit',
  'date-variable': 'main.date',
  '-ldflags': `-s -w -X main.version=1.2.3 -X main.commit=${RELEASE.commit} -X main.date=${RELEASE.date}`,
  'build-tags': '',
  'build-flags': '[]',
  'build-env': '[]',
  cgo: 'false',
  'release.version': RELEASE.version,
  'release.commit': RELEASE.commit,
  'release.date': RELEASE.date,
  'go.version': '1.26.8',
  'env.GOFLAGS': '',
  'env.GOEXPERIMENT': '',
  'env.GOFIPS140': '',
  'buildinfo.go': 'go1.26.8',
  'buildinfo.path': MODULE,
  'buildinfo.mod': `${MODULE} (devel)`,
  'buildinfo.deps': '',
  'buildinfo.-compiler': 'gc',
  'buildinfo.-trimpath': 'true',
  'buildinfo.CGO_ENABLED': '0',
};

/** The build info `build` settings of a binary of `target`, as go 1.26 writes them. */
export function buildSettingsOf(target: string): Record<string, string> {
  const t = parseTargets(target)[0]!;
  const variant: Record<string, string> =
    t.goarch === 'amd64' ? { GOAMD64: 'v1' } : t.goarch === 'arm64' ? { GOARM64: 'v8.0' } : {};
  return {
    '-buildmode': 'exe',
    '-compiler': 'gc',
    '-trimpath': 'true',
    CGO_ENABLED: '0',
    GOARCH: t.goarch,
    GOOS: t.goos,
    ...variant,
  };
}

/** The relative path the default binary-template gives a target of binary `api`. */
export function defaultPath(target: string): string {
  const t = parseTargets(target)[0]!;
  return `api_${t.goos}_${t.goarch}${t.variant ? `_${t.variant}` : ''}/api${t.goos === 'windows' ? '.exe' : ''}`;
}

export interface ManifestOptions {
  attempt?: number;
  settings?: Record<string, string>;
  release?: Partial<ReleaseInfo>;
  goVersion?: string;
  image?: ShardManifest['image'];
  runner?: Partial<ShardManifest['runner']>;
}

/** A shard of `targets` (comma separated) as it would be uploaded; sha256 of target i is a fixed fake. */
export function manifestFor(targets: string, options: ManifestOptions = {}): ShardManifest {
  const parsed = parseTargets(targets);
  const attempt = options.attempt ?? 1;
  const name = shardArtifactName({
    binaryName: 'api',
    modulePath: MODULE,
    main: MAIN,
    targets: parsed,
    attempt,
  });
  return {
    schema: MANIFEST_SCHEMA,
    name: name.name,
    service: { module: MODULE, main: MAIN, id: serviceId(MODULE, MAIN) },
    shard: { key: name.key, attempt, targets: parsed.map((t) => t.id) },
    runner: {
      os: 'Linux',
      arch: 'X64',
      name: 'runner-1',
      job: 'shard',
      platform: 'linux/amd64',
      ...options.runner,
    },
    release: { ...RELEASE, ...options.release },
    go: { version: options.goVersion ?? '1.26.8' },
    fingerprint: fingerprintOf({ ...SETTINGS, ...options.settings }),
    binaries: parsed.map((t) => ({
      target: t.id,
      path: defaultPath(t.id),
      size: 1000 + t.id.length,
      sha256: Buffer.from(t.id.padEnd(32, '.')).toString('hex').slice(0, 64),
      static: t.goos === 'linux',
      buildSettings: buildSettingsOf(t.id),
      smoke: { status: 'passed', reason: '', readyMs: 100, runner: 'native' },
    })),
    image: options.image ?? null,
    checkout: { converted: [] },
  };
}

let nextId = 500;

export function received(manifest: ShardManifest): ReceivedShard {
  return { name: manifest.name, id: nextId++, manifest };
}
