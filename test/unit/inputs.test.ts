import { afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { getInputs } from '../../src/inputs.js';
import { setInputs } from '../support/inputs.js';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

function inputsWith(overrides: Record<string, string>) {
  restore?.();
  restore = setInputs(overrides);
  return getInputs();
}

describe('getInputs with the action.yml defaults', () => {
  test('gives the documented defaults', () => {
    const inputs = inputsWith({});
    expect(inputs.targets.map((t) => t.id)).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
      'darwin/amd64',
      'darwin/arm64',
      'windows/amd64',
    ]);
    expect(inputs.main).toBe('.');
    expect(inputs.parallelism).toBeGreaterThanOrEqual(1);
    expect(inputs.smokeTest).toBe(true);
    expect(inputs.smokeTargets).toEqual({ mode: 'auto' });
    expect(inputs.healthPath).toBe('/healthz');
    expect(inputs.healthStatus).toBe(200);
    expect(inputs.smokeEnv).toEqual([['GIN_MODE', 'release']]);
    expect(inputs.archiveFormat).toBe('auto');
    expect(inputs.archiveFiles).toEqual(['README*', 'LICENSE*', 'CHANGELOG*']);
    expect(inputs.upload).toBe(true);
    expect(inputs.cache).toBe(true);
    expect(inputs.image).toEqual([]);
    expect(inputs.push).toBe(false);
    expect(inputs.baseImage).toBe('scratch');
    expect(inputs.cacheTimeoutMs).toBe(60_000);
    expect(inputs.uploadTimeoutMs).toBe(600_000);
    expect(inputs.artifactOverwrite).toBe(false);
  });

  test('service deadlines are given in seconds', () => {
    const inputs = inputsWith({ 'cache-timeout': '5', 'upload-timeout': '90', 'artifact-overwrite': 'true' });
    expect([inputs.cacheTimeoutMs, inputs.uploadTimeoutMs, inputs.artifactOverwrite]).toEqual([
      5_000,
      90_000,
      true,
    ]);
  });
});

describe('good inputs', () => {
  test.each<[Record<string, string>, (inputs: ReturnType<typeof getInputs>) => unknown, unknown]>([
    [
      { targets: 'linux/amd64\nlinux/arm/7' },
      (i) => i.targets.map((t) => t.id),
      ['linux/amd64', 'linux/arm/v7'],
    ],
    [
      { ldflags: `-X 'main.msg=hello world' -X main.a="b c"` },
      (i) => i.ldflags,
      ['-X', 'main.msg=hello world', '-X', 'main.a=b c'],
    ],
    [{ 'build-tags': 'netgo osusergo' }, (i) => i.buildTags, ['netgo', 'osusergo']],
    [
      { 'build-env': 'GOFLAGS=-mod=mod\nGOEXPERIMENT=' },
      (i) => i.buildEnv,
      [
        ['GOFLAGS', '-mod=mod'],
        ['GOEXPERIMENT', ''],
      ],
    ],
    [{ parallelism: '3' }, (i) => i.parallelism, 3],
    [
      { 'smoke-targets': 'linux/arm64', targets: 'linux/amd64,linux/arm64' },
      (i) => i.smokeTargets,
      { mode: 'list', targets: [{ goos: 'linux', goarch: 'arm64', variant: '', id: 'linux/arm64' }] },
    ],
    [{ 'health-body-regex': '"status":\\s*"ok"' }, (i) => i.healthBodyRegex?.test('{"status": "ok"}'), true],
    [{ 'smoke-args': '--addr 127.0.0.1:{port}' }, (i) => i.smokeArgs, ['--addr', '127.0.0.1:{port}']],
    [{ 'retention-days': '5' }, (i) => i.retentionDays, 5],
    [
      { image: 'ghcr.io/acme/app, docker.io/acme/app' },
      (i) => i.image,
      ['ghcr.io/acme/app', 'docker.io/acme/app'],
    ],
    [{ 'go-version': '1.26' }, (i) => i.goVersion, '1.26'],
    [{ 'go-version': 'oldstable' }, (i) => i.goVersion, 'oldstable'],
  ])('%j', (overrides, pick, expected) => {
    expect(pick(inputsWith(overrides))).toEqual(expected);
  });
});

describe('bad inputs name the input, the value and what is allowed', () => {
  test.each<[Record<string, string>, string, RegExp]>([
    [{ targets: '' }, 'targets', /empty/],
    [{ targets: 'linux/amd64, linux/amd64' }, 'targets', /listed twice/],
    [{ targets: 'linux/arm/7, linux/arm/v7' }, 'targets', /listed twice/],
    [{ targets: 'linux' }, 'targets', /goos\/goarch/],
    [{ targets: 'linux/arm/v9' }, 'targets', /v5, v6 or v7/],
    [{ targets: 'linux/s390x/v2' }, 'targets', /takes no variant/],
    [{ parallelism: '0' }, 'parallelism', /whole number from 1/],
    [{ parallelism: 'two' }, 'parallelism', /whole number from 1/],
    [{ parallelism: '-1' }, 'parallelism', /whole number from 1/],
    [{ cgo: 'maybe' }, 'cgo', /true or false/],
    [{ 'archive-format': 'rar' }, 'archive-format', /auto, tar\.gz, zip, none/],
    [{ 'upload-mode': 'all' }, 'upload-mode', /single, per-target/],
    [{ 'go-download-source': 'github' }, 'go-download-source', /go\.dev, module-proxy/],
    [{ 'go-version': 'latest-ish' }, 'go-version', /exact release/],
    [{ ldflags: `-X 'main.msg=unterminated` }, 'ldflags', /unterminated/],
    [{ 'binary-template': '../{name}' }, 'binary-template', /inside working-directory/],
    [{ 'binary-template': '/tmp/{name}' }, 'binary-template', /inside working-directory/],
    [{ 'binary-template': '{name}-{arch}-{flavour}' }, 'binary-template', /Unknown placeholder \{flavour\}/],
    [{ main: '../elsewhere' }, 'main', /inside working-directory/],
    [{ 'output-dir': '../../out' }, 'output-dir', /inside working-directory/],
    [{ 'health-path': 'healthz' }, 'health-path', /starting with "\/"/],
    [{ 'health-status': '42' }, 'health-status', /100 to 599/],
    [{ 'health-body-regex': '(' }, 'health-body-regex', /regular expression/],
    [{ 'ready-timeout': '0' }, 'ready-timeout', /whole number from 1/],
    [{ 'shutdown-timeout': '1.5' }, 'shutdown-timeout', /whole number from 1/],
    [{ 'smoke-env': 'NOEQUALS' }, 'smoke-env', /KEY=VALUE/],
    [{ 'smoke-targets': 'linux/s390x' }, 'smoke-targets', /not in targets/],
    [{ 'retention-days': '91' }, 'retention-days', /1 to 90/],
    [{ 'cache-timeout': '0' }, 'cache-timeout', /whole number from 1 to 3600/],
    [{ 'cache-timeout': '1m' }, 'cache-timeout', /whole number from 1 to 3600/],
    [{ 'upload-timeout': '21601' }, 'upload-timeout', /whole number from 1 to 21600/],
    [{ 'artifact-overwrite': 'replace' }, 'artifact-overwrite', /true or false/],
    [{ 'checksums-file': '../sums.txt' }, 'checksums-file', /plain file name/],
    [{ push: 'true' }, 'push', /image input/],
    [{ version: '1.2\n3' }, 'version', /line break.*Allowed: letters, digits and \. _ \+ -/],
    [{ version: '1.2.3\u001b[2J' }, 'version', /control character \(U\+001B\)/],
    [{ version: '1.2.3;curl x|sh' }, 'version', /";" a space "\|".*Allowed: letters/],
    [{ version: '$(id)' }, 'version', /"\$" "\(" "\)"/],
    [{ 'binary-name': '..' }, 'binary-name', /starts with "\.".*Allowed: a plain file name/],
    [{ 'binary-name': 'a/b' }, 'binary-name', /"\/".*Allowed: a plain file name/],
    [{ 'binary-name': '-rf' }, 'binary-name', /starts with "-"/],
    [{ 'build-env': 'GOFLAGS=-mod=mod\nGOOS=windows' }, 'build-env', /GOOS comes from targets/],
    [{ 'build-env': 'GOARCH=arm64' }, 'build-env', /GOARCH comes from targets/],
    [{ 'build-env': 'GOARM=6' }, 'build-env', /GOARM comes from targets .*linux\/arm\/v6/],
    [{ 'build-env': 'GOAMD64=v3' }, 'build-env', /GOAMD64 comes from targets .*linux\/amd64\/v3/],
    [{ 'build-env': 'GORISCV64=rva22u64' }, 'build-env', /GORISCV64 comes from targets/],
    [{ 'build-env': 'CGO_ENABLED=1' }, 'build-env', /CGO_ENABLED comes from the cgo input/],
  ])('%j', (overrides, input, allowed) => {
    let caught: unknown;
    try {
      inputsWith(overrides);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const error = caught as InputError;
    expect(error.input).toBe(input);
    expect(error.message).toContain(`Invalid input ${input}: ${JSON.stringify(error.value)}`);
    expect(error.message).toMatch(allowed);
  });
});
