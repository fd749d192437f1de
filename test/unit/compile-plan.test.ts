import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatBuildFailure } from '../../src/build/compile.js';
import { buildProcessEnv, type BuildOptions, joinQuoted, planBuilds } from '../../src/build/plan.js';
import { renderTemplate, templateValues } from '../../src/template.js';
import { parseTarget, parseTargets } from '../../src/build/targets.js';
import { InputError } from '../../src/errors.js';
import { buildOptions } from '../support/build-fixture.js';

const OUT = path.resolve('/work/app/dist');

function options(overrides: Partial<BuildOptions> = {}): BuildOptions {
  return buildOptions({
    workingDirectory: '/work/app',
    outputDir: OUT,
    targets: parseTargets('linux/amd64'),
    binaryName: 'app',
    release: {
      version: '1.2.3',
      commit: 'abcdef0123456789',
      date: '2024-05-01T12:00:00Z',
      epoch: 1714564800,
      ref: 'refs/tags/v1.2.3',
    },
    ...overrides,
  });
}

const STAMPS =
  '-s -w -X main.version=1.2.3 -X main.commit=abcdef0123456789 -X main.date=2024-05-01T12:00:00Z';

describe('planBuilds argv', () => {
  test.each<[string, Partial<BuildOptions>, string[]]>([
    [
      'defaults',
      {},
      [
        'build',
        '-trimpath',
        '-buildvcs=false',
        '-ldflags',
        STAMPS,
        '-o',
        path.join(OUT, 'app_linux_amd64', 'app'),
        '.',
      ],
    ],
    [
      'user ldflags with quotes and spaces stay one -ldflags argument',
      { ldflags: ['-X', 'main.msg=hello world', '-extldflags', '-static -s'] },
      [
        'build',
        '-trimpath',
        '-buildvcs=false',
        '-ldflags',
        `${STAMPS} -X 'main.msg=hello world' -extldflags '-static -s'`,
        '-o',
        path.join(OUT, 'app_linux_amd64', 'app'),
        '.',
      ],
    ],
    [
      'a value holding a single quote is double-quoted',
      { ldflags: ['-X', "main.owner=O'Brien & co"] },
      [
        'build',
        '-trimpath',
        '-buildvcs=false',
        '-ldflags',
        `${STAMPS} -X "main.owner=O'Brien & co"`,
        '-o',
        path.join(OUT, 'app_linux_amd64', 'app'),
        '.',
      ],
    ],
    [
      'version with a space is quoted inside -ldflags',
      {
        release: { version: 'v1 beta', commit: '', date: '1970-01-01T00:00:00Z', epoch: 0, ref: '' },
        binaryTemplate: '{name}{ext}',
      },
      [
        'build',
        '-trimpath',
        '-buildvcs=false',
        '-ldflags',
        "-s -w -X 'main.version=v1 beta' -X main.commit= -X main.date=1970-01-01T00:00:00Z",
        '-o',
        path.join(OUT, 'app'),
        '.',
      ],
    ],
    [
      'empty variables skip their -X',
      { versionVariable: 'github.com/acme/app/internal/build.Version', commitVariable: '', dateVariable: '' },
      [
        'build',
        '-trimpath',
        '-buildvcs=false',
        '-ldflags',
        '-s -w -X github.com/acme/app/internal/build.Version=1.2.3',
        '-o',
        path.join(OUT, 'app_linux_amd64', 'app'),
        '.',
      ],
    ],
    [
      'tags, user build flags, then -o and main',
      { buildTags: ['netgo', 'osusergo'], buildFlags: ['-v', '-gcflags=all=-l'], main: './cmd/server' },
      [
        'build',
        '-trimpath',
        '-buildvcs=false',
        '-ldflags',
        STAMPS,
        '-tags',
        'netgo,osusergo',
        '-v',
        '-gcflags=all=-l',
        '-o',
        path.join(OUT, 'app_linux_amd64', 'app'),
        './cmd/server',
      ],
    ],
  ])('%s', (_name, overrides, argv) => {
    const plans = planBuilds(options(overrides));
    expect(plans).toHaveLength(1);
    expect(plans[0]!.args).toEqual(argv);
  });
});

describe('planBuilds env', () => {
  test.each<[string, Partial<BuildOptions>, Record<string, string>]>([
    ['linux/amd64', {}, { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' }],
    [
      'linux/arm/v7',
      { targets: parseTargets('linux/arm/v7') },
      { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm', GOARM: '7' },
    ],
    [
      'linux/amd64/v3',
      { targets: parseTargets('linux/amd64/v3') },
      { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v3' },
    ],
    ['cgo', { cgo: true }, { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'amd64' }],
    [
      'build-env comes last and wins',
      {
        buildEnv: [
          ['GOEXPERIMENT', 'greenteagc'],
          ['CGO_ENABLED', '1'],
        ],
      },
      { CGO_ENABLED: '1', GOOS: 'linux', GOARCH: 'amd64', GOEXPERIMENT: 'greenteagc' },
    ],
  ])('%s', (_name, overrides, env) => {
    expect(planBuilds(options(overrides))[0]!.env).toEqual(env);
  });

  test('GOFLAGS is left to the environment', () => {
    expect(planBuilds(options())[0]!.env).not.toHaveProperty('GOFLAGS');
  });
});

describe('buildProcessEnv', () => {
  test.each<[string, Record<string, string>, Record<string, string | undefined>, Record<string, string>]>([
    [
      'keeps unrelated variables',
      { GOOS: 'linux' },
      { PATH: '/bin', GOFLAGS: '-mod=mod' },
      { PATH: '/bin', GOFLAGS: '-mod=mod', GOOS: 'linux' },
    ],
    [
      'drops inherited target selectors',
      { GOOS: 'linux', GOARCH: 'arm' },
      { GOARM: '6', GOAMD64: 'v3', CGO_ENABLED: '1', GOARCH: 'amd64' },
      { GOOS: 'linux', GOARCH: 'arm' },
    ],
    ['the plan sets a variant', { GOARCH: 'arm', GOARM: '7' }, { GOARM: '5' }, { GOARCH: 'arm', GOARM: '7' }],
    ['skips undefined', {}, { HOME: undefined, USER: 'me' }, { USER: 'me' }],
  ])('%s', (_name, planEnv, inherited, expected) => {
    expect(buildProcessEnv(planEnv, inherited)).toEqual(expected);
  });
});

describe('joinQuoted (the go command reads it back with quoted.Split)', () => {
  test.each([
    [['-s', '-w'], '-s -w'],
    [['-X', 'main.a=b c'], "-X 'main.a=b c'"],
    [['-X', "main.a=it's"], `-X "main.a=it's"`],
    [['-X', 'main.a="x"'], `-X 'main.a="x"'`],
    [['-X', 'main.a=tab\there'], "-X 'main.a=tab\there'"],
    [['-X', 'main.a='], '-X main.a='],
    [[''], "''"],
    [['-X', 'main.ü=ok'], '-X main.ü=ok'],
  ])('%j -> %s', (args, joined) => {
    expect(joinQuoted(args, 'ldflags')).toBe(joined);
  });

  test('a version holding both quote kinds is blamed on the version input', () => {
    const release = { version: `1'"`, commit: '', date: '', epoch: 0, ref: '' };
    expect(() => planBuilds(options({ release }))).toThrow(
      /^Invalid input version: "main.version=1'\\"". A linker argument/,
    );
  });

  test('both quote kinds cannot be expressed', () => {
    expect(() => joinQuoted(['-X', `main.a='"`], 'ldflags')).toThrow(InputError);
    expect(() => joinQuoted(['-X', `main.a='"`], 'ldflags')).toThrow(/Invalid input ldflags/);
  });
});

describe('renderTemplate', () => {
  test.each([
    ['linux/amd64', '{name}_{os}_{arch}{variant}/{name}{ext}', 'app_linux_amd64/app'],
    ['linux/arm/v7', '{name}_{os}_{arch}{variant}/{name}{ext}', 'app_linux_arm_v7/app'],
    ['linux/amd64/v3', '{name}_{os}_{arch}{variant}/{name}{ext}', 'app_linux_amd64_v3/app'],
    ['windows/amd64', '{name}_{os}_{arch}{variant}/{name}{ext}', 'app_windows_amd64/app.exe'],
    ['linux/arm/v7', '{target}/{name}-{version}', 'linux_arm_v7/app-1.2.3'],
    ['darwin/arm64', '{name}_{version}_{os}_{arch}{variant}', 'app_1.2.3_darwin_arm64'],
    ['linux/amd64', 'static/name', 'static/name'],
  ])('%s %s', (spec, template, rendered) => {
    expect(renderTemplate(template, templateValues(parseTarget(spec), 'app', '1.2.3'))).toBe(rendered);
  });

  test('an unknown placeholder is an error', () => {
    expect(() =>
      renderTemplate('{name}{nope}', templateValues(parseTarget('linux/amd64'), 'app', '1')),
    ).toThrow(/Unknown placeholder \{nope\}/);
  });
});

describe('planBuilds output paths', () => {
  test.each([
    [
      '{name}_{os}_{arch}{variant}/{name}{ext}',
      'linux/amd64, linux/arm/v7, windows/arm64',
      ['app_linux_amd64/app', 'app_linux_arm_v7/app', 'app_windows_arm64/app.exe'],
    ],
    ['bin/{target}{ext}', 'linux/amd64, linux/amd64/v3', ['bin/linux_amd64', 'bin/linux_amd64_v3']],
    ['./a/../{os}/{arch}/{name}', 'linux/amd64, darwin/arm64', ['linux/amd64/app', 'darwin/arm64/app']],
  ])('%s', (template, targets, relatives) => {
    const plans = planBuilds(options({ binaryTemplate: template, targets: parseTargets(targets) }));
    expect(plans.map((p) => path.relative(OUT, p.output).split(path.sep).join('/'))).toEqual(relatives);
    for (const plan of plans) expect(plan.args.at(-2)).toBe(plan.output);
  });

  test.each([
    ['../{name}{ext}', {}, /For linux\/amd64 it renders to "..\/app", which is outside output-dir/],
    ['{name}/../../x', {}, /outside output-dir/],
    ['/tmp/{name}', {}, /outside output-dir/],
    [
      '{name}',
      { release: { version: '', commit: '', date: '', epoch: 0, ref: '' }, binaryName: '' },
      /not a file path inside output-dir/,
    ],
    ['{variant}', {}, /not a file path inside output-dir/],
    [
      '{version}/{name}',
      { release: { version: '../..', commit: '', date: '', epoch: 0, ref: '' } },
      /outside output-dir/,
    ],
    ['{name}/', {}, /not a file path/],
  ])('rejects %s', (template, overrides, message) => {
    const run = (): unknown => planBuilds(options({ binaryTemplate: template, ...overrides }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(/Invalid input binary-template/);
    expect(run).toThrow(message);
  });

  test.each([
    [
      '{name}_{os}{ext}',
      'linux/amd64, linux/arm64',
      /linux\/amd64 and linux\/arm64 both render to "app_linux"/,
    ],
    [
      '{name}_{os}_{arch}{ext}',
      'linux/amd64, linux/amd64/v3',
      /linux\/amd64 and linux\/amd64\/v3 both render to "app_linux_amd64"/,
    ],
    ['{os}/../{name}', 'linux/amd64, darwin/arm64', /linux\/amd64 and darwin\/arm64 both render to "app"/],
  ])('collision: %s', (template, targets, message) => {
    const run = (): unknown =>
      planBuilds(options({ binaryTemplate: template, targets: parseTargets(targets) }));
    expect(run).toThrow(InputError);
    expect(run).toThrow(message);
  });

  test.each([
    ['main.version=x', /Invalid input version-variable/],
    ['version', /Invalid input version-variable/],
    ['main.my version', /Invalid input version-variable/],
  ])('rejects version-variable %s', (variable, message) => {
    expect(() => planBuilds(options({ versionVariable: variable }))).toThrow(message);
  });
});

describe('formatBuildFailure', () => {
  const plan = planBuilds(options())[0]!;
  test.each([
    [
      { exitCode: 1, output: './main.go:3:1: syntax error' },
      'Build for linux/amd64 failed: go build exited with code 1 after 1.5s:\n./main.go:3:1: syntax error',
    ],
    [
      { exitCode: -1, output: '' },
      'Build for linux/amd64 failed: could not start the go command after 1.5s and printed nothing.',
    ],
  ])('%j', (partial, message) => {
    expect(formatBuildFailure({ plan, ok: false, durationMs: 1500, ...partial })).toBe(message);
  });
});
