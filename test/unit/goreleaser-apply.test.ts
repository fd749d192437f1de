// A goreleaser file applied to the inputs: what it fills in, what an input set in the workflow keeps, the names per
// target, and the refusals that name goreleaser-config and the key.
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { applyGoreleaser } from '../../src/goreleaser/apply.js';
import { parseGoreleaserConfig } from '../../src/goreleaser/config.js';
import { FILLED_INPUT_DEFAULTS } from '../../src/inputs/goreleaser.js';
import { getInputs } from '../../src/inputs.js';
import { archiveExtension } from '../../src/package/archive.js';
import { actionDefaults, setInputs } from '../support/inputs.js';

const WORKSPACE = path.resolve('/work/repo');
let restore: (() => void) | undefined;
afterEach(() => restore?.());

const FACTS = {
  release: {
    version: '1.2.3',
    commit: '3f2a9c1d0e5b4a69876543210fedcba987654321',
    date: '2024-05-01T12:00:00Z',
    epoch: 1714564800,
    ref: 'refs/tags/v1.2.3',
  },
  modulePath: 'example.com/shop/api',
  env: { GITHUB_REPOSITORY: 'example/shop', REGION: 'eu', INPUT_REGISTRY_PASSWORD: 'secret' },
  runtime: { goos: 'linux', goarch: 'amd64' },
};

function apply(yaml: string, inputs: Record<string, string> = {}) {
  const saved = process.env['GITHUB_WORKSPACE'];
  process.env['GITHUB_WORKSPACE'] = WORKSPACE;
  restore = setInputs(inputs);
  try {
    const explicit = new Set(Object.keys(inputs));
    return applyGoreleaser(
      getInputs(),
      { file: '.goreleaser.yaml', config: parseGoreleaserConfig(yaml), explicit },
      FACTS,
    );
  } finally {
    if (saved === undefined) delete process.env['GITHUB_WORKSPACE'];
    else process.env['GITHUB_WORKSPACE'] = saved;
  }
}

const names = (plan: ReturnType<typeof apply>) =>
  Object.fromEntries(
    plan.archives!.map((a) => [
      a.target.id,
      a.format === 'none' ? '(bare)' : path.basename(a.outputPath) + archiveExtension(a.format),
    ]),
  );

test('the defaults the file may replace are action.yml’s', () => {
  const defaults = actionDefaults();
  for (const [name, value] of Object.entries(FILLED_INPUT_DEFAULTS))
    expect(defaults[name]?.trim(), name).toBe(value);
});

describe('applyGoreleaser', () => {
  test('an empty file: goreleaser’s defaults (project from the module path, its archive and checksums names)', () => {
    const plan = apply('version: 2');
    expect(plan.inputs.targets.map((t) => t.id)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/386',
      'darwin/amd64',
      'darwin/arm64',
      'windows/amd64',
      'windows/arm64',
      'windows/386',
    ]);
    expect(names(plan)['linux/amd64']).toBe('api_1.2.3_linux_amd64.tar.gz');
    expect(names(plan)['windows/386']).toBe('api_1.2.3_windows_386.tar.gz');
    expect(plan.inputs.checksumsFile).toBe('api_1.2.3_checksums.txt');
    expect(plan.binaryPaths!.get('windows/amd64')).toBe('api_windows_amd64_v1/api.exe');
    expect(plan.inputs.archiveFiles).toEqual([
      'license*',
      'LICENSE*',
      'readme*',
      'README*',
      'changelog*',
      'CHANGELOG*',
    ]);
    expect(plan.unapplied).toEqual([]);
  });

  test('format_overrides by GOOS prefix, `binary` ships the bare binary under the name template', () => {
    const plan = apply(`
project_name: shop
builds: [{goos: [linux, windows, darwin], goarch: [amd64], binary: "{{ .ProjectName }}-{{ .Os }}"}]
archives:
  - name_template: '{{ .Binary }}_{{ title .Os }}_{{ if eq .Arch "amd64" }}x86_64{{ end }}{{ with .Env.REGION }}-{{ . }}{{ end }}'
    formats: [tar.gz]
    format_overrides:
      - {goos: windows, formats: [zip]}
      - {goos: darwin, format: binary}
`);
    expect(names(plan)).toEqual({
      'linux/amd64': 'shop-linux_Linux_x86_64-eu.tar.gz',
      'windows/amd64': 'shop-windows_Windows_x86_64-eu.zip',
      'darwin/amd64': '(bare)',
    });
    expect(plan.binaryPaths!.get('darwin/amd64')).toBe('shop-darwin_Darwin_x86_64-eu');
    expect(plan.binaryPaths!.get('linux/amd64')).toBe('shop_linux_amd64_v1/shop-linux');
  });

  test('what it maps: main, ldflags, tags, flags, env, cgo, files, dist', () => {
    const plan = apply(`
env: [STAGE=prod]
dist: out
builds:
  - main: ./cmd/api
    goos: [linux]
    goarch: [amd64]
    ldflags: ["-s -w -X main.stage={{ .Env.STAGE }}", "-X 'main.msg=hello world'"]
    tags: [netgo, "{{ .Os }}"]
    flags: [-trimpath, -mod=readonly]
    env: [CGO_ENABLED=1, GOFLAGS=-modcacherw]
archives: [{files: [LICENSE, "docs/*.md"]}]
`);
    expect(plan.inputs).toMatchObject({
      main: './cmd/api',
      ldflags: ['-s', '-w', '-X', 'main.stage=prod', '-X', 'main.msg=hello world'],
      buildTags: ['netgo', 'linux'],
      buildFlags: ['-trimpath', '-mod=readonly'],
      buildEnv: [['GOFLAGS', '-modcacherw']],
      cgo: true,
      archiveFiles: ['LICENSE', 'docs/*.md'],
      outputDir: 'out',
    });
  });

  test('an input set in the workflow wins, and the key it replaced is listed', () => {
    const plan = apply(
      'builds: [{goos: [linux], goarch: [arm64], ldflags: [-s]}]\nchecksum: {name_template: sums.txt}',
      {
        targets: 'linux/amd64',
        'checksums-file': 'SHA256SUMS',
        'archive-format': 'zip',
      },
    );
    expect(plan.inputs.targets.map((t) => t.id)).toEqual(['linux/amd64']);
    expect(plan.inputs.checksumsFile).toBe('SHA256SUMS');
    expect(names(plan)).toEqual({ 'linux/amd64': 'api_1.2.3_linux_amd64.zip' });
    expect(plan.unapplied).toEqual([
      'builds[0].goos/goarch/goarm/goamd64/targets/ignore (the targets input is set)',
      'checksum.name_template (the checksums-file input is set)',
    ]);
  });

  test('formats it cannot write are listed, with what is made instead', () => {
    const plan = apply('builds: [{goos: [linux], goarch: [amd64]}]\narchives: [{formats: [tar.xz, zip]}]');
    expect(names(plan)).toEqual({ 'linux/amd64': 'api_1.2.3_linux_amd64.tar.gz' });
    expect(plan.unapplied).toEqual([
      'archives[0].formats: zip (one archive per target: tar.xz is made)',
      'archives[0].formats: tar.xz (gin-release writes tar.gz, zip or the bare binary; tar.gz is made)',
    ]);
  });

  test('the environment a template sees holds no action inputs', () => {
    expect(() => apply('checksum: {name_template: "{{ .Env.INPUT_REGISTRY_PASSWORD }}"}')).toThrow(
      /map has no entry for key "INPUT_REGISTRY_PASSWORD"/,
    );
  });

  test.each<[string, RegExp]>([
    [
      'archives: [{name_template: "{{ .Nope }}"}]',
      /^Invalid input goreleaser-config: "\.goreleaser\.yaml"\. archives\[0\]\.name_template: template "\{\{ \.Nope \}\}": map has no entry for key "Nope"/,
    ],
    [
      'builds: [{goos: [linux], goarch: [amd64, arm64]}]\narchives: [{name_template: "{{ .ProjectName }}"}]',
      /gives linux\/amd64 and linux\/arm64 the same archive "api\.tar\.gz"/,
    ],
    [
      'checksum: {name_template: "sums/{{ .Version }}.txt"}',
      /checksum\.name_template renders to "sums\/1\.2\.3\.txt"; gin-release needs a plain file name/,
    ],
    [
      'archives: [{name_template: "../{{ .Os }}"}]',
      /archives\[0\]\.name_template renders to "\.\.\/linux", which is not a file path inside output-dir/,
    ],
    ['builds: [{main: ../other}]', /builds\[0\]\.main "\.\.\/other" is outside working-directory/],
    [
      'builds: [{goos: [linux], goarch: [arm64], goarm64: ["v8.0,lse"]}]',
      /target linux_arm64_v8\.0,lse cannot be built by gin-release/,
    ],
  ])('refuses %j', (yaml, message) => {
    expect(() => apply(yaml)).toThrow(message);
  });
});
