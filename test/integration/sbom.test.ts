// The per-archive SBOMs of the Gin fixture, made by the bundled action: valid CycloneDX 1.6 by the specification's
// schema, the same modules, versions and h1: hashes as `go version -m` reads from the binary, the same components
// as cyclonedx-gomod's `bin` command makes, listed in checksums.txt, and byte-identical when the commit is rebuilt.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CdxBom, CdxComponent } from '../../src/sbom/cyclonedx.js';
import { cleanup, runAction, workspaceFrom, type ActionRun } from '../support/action-run.js';
import { GIN_APP } from '../support/fixtures.js';
import { cyclonedxGomod } from '../support/cyclonedx-gomod.js';

interface Artifact {
  target: string;
  path: string;
  archive: { path: string; sha256: string };
  sbom: { path: string; sha256: string; size: number };
}

const runs: ActionRun[] = [];
const workspaces: string[] = [];
let first: ActionRun;
let artifacts: Artifact[];

async function build(): Promise<ActionRun> {
  const workspace = workspaceFrom(GIN_APP);
  workspaces.push(workspace);
  const result = await runAction({
    workspace,
    inputs: {
      targets: 'linux/amd64, linux/arm64, windows/amd64',
      'binary-name': 'gin-app',
      'smoke-targets': 'native',
      cache: 'false',
      upload: 'false',
    },
    env: { GITHUB_REF: 'refs/tags/v1.2.3' },
  });
  runs.push(result);
  expect(result.exitCode, result.log).toBe(0);
  return result;
}

function parse(run: ActionRun): Artifact[] {
  return JSON.parse(run.outputs.get('artifacts') ?? '[]') as Artifact[];
}

function readBom(file: string): CdxBom {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CdxBom;
}

function goVersionM(binary: string): {
  deps: Array<[string, string, string]>;
  settings: Map<string, string>;
} {
  const result = spawnSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  const deps: Array<[string, string, string]> = [];
  const settings = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const fields = line.trim().split('\t');
    if (fields[0] === 'dep') deps.push([fields[1]!, fields[2]!, fields[3] ?? '']);
    if (fields[0] === 'build') {
      const eq = fields[1]!.indexOf('=');
      settings.set(fields[1]!.slice(0, eq), fields[1]!.slice(eq + 1));
    }
  }
  return { deps, settings };
}

function property(
  component: { properties?: Array<{ name: string; value: string }> },
  name: string,
): string | undefined {
  return component.properties?.find((p) => p.name === name)?.value;
}

beforeAll(async () => {
  first = await build();
  artifacts = parse(first);
});

afterAll(() => {
  for (const run of runs) cleanup(run);
  for (const dir of workspaces) fs.rmSync(dir, { recursive: true, force: true });
});

describe('per-archive SBOMs of the Gin fixture', () => {
  test('one <archive>.sbom.json per archive, listed in checksums.txt, which sha256sum -c accepts', () => {
    expect(artifacts).toHaveLength(3);
    const checksums = first.outputs.get('checksums-file')!;
    const lines = fs.readFileSync(checksums, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    for (const artifact of artifacts) {
      expect(artifact.sbom.path).toBe(`${artifact.archive.path}.sbom.json`);
      const sha = createHash('sha256').update(fs.readFileSync(artifact.sbom.path)).digest('hex');
      expect(sha).toBe(artifact.sbom.sha256);
      expect(lines).toContain(`${sha}  ${path.basename(artifact.sbom.path)}`);
    }
    const check = spawnSync('sha256sum', ['-c', path.basename(checksums)], {
      cwd: path.dirname(checksums),
      encoding: 'utf8',
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  test('each is valid CycloneDX 1.6 by the specification’s JSON schema', async () => {
    const validator = new Validation.JsonValidator(Spec.Version.v1dot6);
    for (const artifact of artifacts) {
      expect(
        await validator.validate(fs.readFileSync(artifact.sbom.path, 'utf8')),
        artifact.target,
      ).toBeNull();
    }
  });

  test('lists what go version -m reads from the binary: every module, version and h1: hash, every build setting', () => {
    for (const artifact of artifacts) {
      const bom = readBom(artifact.sbom.path);
      const { deps, settings } = goVersionM(artifact.path);
      expect(deps.length, artifact.target).toBeGreaterThan(10);
      const modules = bom.components.filter((c) => c.name !== 'std');
      expect(modules.map((c) => [c.name, c.version, property(c, 'gin-release:go:module:sum')])).toEqual(deps);
      for (const component of modules) {
        const sum = property(component, 'gin-release:go:module:sum')!;
        expect(component.hashes?.[0]?.content).toBe(Buffer.from(sum.slice(3), 'base64').toString('hex'));
      }
      const recorded = new Map(
        bom.metadata.properties
          .filter((p) => p.name.startsWith('gin-release:go:build:'))
          .map((p) => [p.name.slice('gin-release:go:build:'.length), p.value]),
      );
      expect(recorded).toEqual(settings);
      const [goos, goarch] = artifact.target.split('/');
      expect(recorded.get('GOOS')).toBe(goos);
      expect(recorded.get('GOARCH')).toBe(goarch);
      expect(bom.metadata.component.hashes).toEqual([
        {
          alg: 'SHA-256',
          content: createHash('sha256').update(fs.readFileSync(artifact.path)).digest('hex'),
        },
      ]);
      expect(bom.metadata.timestamp).toBe('2024-05-01T12:00:00Z');
    }
  });

  test('has the components cyclonedx-gomod bin finds in the same binary', () => {
    const tool = cyclonedxGomod();
    // gomod puts the runner's own GOOS/GOARCH into every purl, so the purls compare on the runner's target only.
    const native = artifacts.find((a) => a.target === 'linux/amd64')!;
    for (const artifact of artifacts) {
      const result = spawnSync(
        tool,
        ['bin', '-json', '-std', '-noserial', '-notimestamp', '-version', '1.2.3', artifact.path],
        {
          encoding: 'utf8',
          env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local' },
        },
      );
      expect(result.status, result.stderr).toBe(0);
      const theirs = JSON.parse(result.stdout) as CdxBom & { components: CdxComponent[] };
      const ours = readBom(artifact.sbom.path);
      const key = (c: CdxComponent): string =>
        JSON.stringify([c['bom-ref'], c.name, c.version ?? '', c.hashes ?? []]);
      expect(ours.components.map(key).sort(), artifact.target).toEqual(theirs.components.map(key).sort());
      expect([ours.metadata.component.name, ours.metadata.component.version]).toEqual([
        theirs.metadata.component.name,
        theirs.metadata.component.version,
      ]);
      const gomod = new Map((theirs.metadata.properties ?? []).map((p) => [p.name, p.value]));
      const mine = new Map(ours.metadata.properties.map((p) => [p.name, p.value]));
      expect(mine.get('gin-release:go:version')).toBe(gomod.get('cdx:gomod:build:env:GOVERSION'));
      for (const env of ['GOOS', 'GOARCH', 'CGO_ENABLED']) {
        expect(mine.get(`gin-release:go:build:${env}`), env).toBe(gomod.get(`cdx:gomod:build:env:${env}`));
      }
      if (artifact === native) {
        expect(ours.components.map((c) => c.purl).sort()).toEqual(
          theirs.components.map((c) => c.purl).sort(),
        );
      }
    }
  });

  test('is byte-identical when the same commit is built again elsewhere', async () => {
    const again = parse(await build());
    expect(again.map((a) => a.sbom.sha256)).toEqual(artifacts.map((a) => a.sbom.sha256));
    expect(again.map((a) => a.archive.sha256)).toEqual(artifacts.map((a) => a.archive.sha256));
  });
});
