// The goreleaser template renderer against Go's text/template: every expected value below is what Go 1.26's
// text/template printed for the same template and data, with goreleaser v2.15.1's functions and missingkey=error
// (a Go program run once; its answers are pasted here so the test needs no Go).
import { describe, expect, test } from 'vitest';
import { formatGoTime } from '../../src/goreleaser/gotime.js';
import { renderGoTemplate, titleCase, type ValueMap } from '../../src/goreleaser/template.js';

const render = (template: string, data: ValueMap = {}): string =>
  renderGoTemplate(template, { data, epoch: 1714564800 });

describe('renderGoTemplate gives what Go gives', () => {
  test.each<[string, ValueMap, string]>([
    [
      '{{ .ProjectName }}_{{ title .Os }}_{{ if eq .Arch "amd64" }}x86_64{{ else if eq .Arch "386" }}i386{{ else }}{{ .Arch }}{{ end }}{{ if .Arm }}v{{ .Arm }}{{ end }}',
      { ProjectName: 'app', Os: 'linux', Arch: 'arm', Arm: '7', Amd64: '' },
      'app_Linux_armv7',
    ],
    [
      '{{ .ProjectName }}_\n{{- title .Os }}_\n{{- if eq .Arch "amd64" }}x86_64\n{{- else }}{{ .Arch }}{{ end }}',
      { ProjectName: 'app', Os: 'darwin', Arch: 'amd64' },
      'app_Darwin_x86_64',
    ],
    [
      '{{ .ProjectName }}_ {{- title .Os }}_ {{- if eq .Arch "amd64" }}x86_64 {{- else }}{{ .Arch }}{{ end }}',
      { ProjectName: 'app', Os: 'windows', Arch: 'amd64' },
      'app_Windows_x86_64',
    ],
    [
      '{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}',
      { ProjectName: 'app', Version: '1.2.3', Os: 'linux', Arch: 'amd64', Arm: '', Mips: '', Amd64: 'v3' },
      'app_1.2.3_linux_amd64v3',
    ],
    [
      '{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}',
      { ProjectName: 'app', Version: '1.2.3', Os: 'linux', Arch: 'arm64', Arm: '', Mips: '', Amd64: '' },
      'app_1.2.3_linux_arm64',
    ],
    [
      '{{ .Os | title }}-{{ .Arch | toupper }}-{{ tolower "ABC" }}',
      { Os: 'freebsd', Arch: 'amd64' },
      'Freebsd-AMD64-abc',
    ],
    [
      '{{ title "hello wORLD foo_bar x86_64 macOS it\'s a.b 1st 9lives" }}',
      {},
      "Hello World Foo_bar X86_64 Macos It's A.b 1St 9Lives",
    ],
    [
      '{{ replace .Version "v" "" }}-{{ trimprefix .Tag "v" }}-{{ trimsuffix "a.tar.gz" ".gz" }}',
      { Version: 'v1.2.3-rc.1', Tag: 'v1.2.3' },
      '1.2.3-rc.1-1.2.3-a.tar',
    ],
    ['{{ .Env.PATH }}', { Env: { PATH: '/bin' } }, '/bin'],
    [
      '{{ if and (eq .Os "linux") (eq .Arch "arm") }}L{{ else if or (eq .Os "darwin") false }}D{{ else }}O{{ end }}',
      { Os: 'darwin', Arch: 'arm' },
      'D',
    ],
    ['{{ $a := .Os }}{{ $a }}-{{ $.Arch }}', { Os: 'linux', Arch: 'arm64' }, 'linux-arm64'],
    [
      '{{ printf "%s-%d-%v-%q-%05d" .Os .Major .IsSnapshot .Os .Minor }}',
      { Os: 'linux', Major: 1, Minor: 22, IsSnapshot: false },
      'linux-1-false-"linux"-00022',
    ],
    [
      '{{ print 1 2 "a" 3 "b" "c" }}|{{ println "x" 1 }}|{{ len .Os }}|{{ index .Env "A" }}|{{ index .Env "NOPE" }}|',
      { Os: 'linux', Env: { A: '1' } },
      '1 2a3bc|x 1\n|5|1||',
    ],
    [
      '{{ eq .Os "linux" "darwin" }} {{ ne .Major 2 }} {{ lt .Minor 3 }} {{ ge "b" "a" }}',
      { Os: 'darwin', Major: 1, Minor: 2 },
      'true true true true',
    ],
    ['{{- /* a comment */ -}} x {{/* another */}}y', {}, 'x y'],
    [
      '{{ with .Arm }}v{{ . }}{{ else }}none{{ end }}:{{ with $x := .Os }}{{ $x }}{{ end }}',
      { Arm: '', Os: 'linux' },
      'none:linux',
    ],
    ['{{ "a\\tb" }}{{ `raw\\n` }}{{ 0x10 }} {{ 1.5 }} {{ true }}', {}, 'a\tbraw\\n16 1.5 true'],
    [
      '{{ .Runtime.Goos }}/{{ .Runtime.Goarch }}',
      { Runtime: { Goos: 'linux', Goarch: 'amd64' } },
      'linux/amd64',
    ],
    ['{{ split "a,b,c" "," }} {{ contains .Os "nu" }} {{ trim "  x " }}', { Os: 'linux' }, '[a b c] true x'],
    ['a  {{- 1 -}}  b', {}, 'a1b'],
    ['{{ .Os | printf "%s!" }} {{ "x" | printf "%s%s" "y" }}', { Os: 'linux' }, 'linux! yx'],
    ['{{ slice .Os 1 3 }} {{ not .Os }} {{ not "" }}', { Os: 'linux' }, 'in false true'],
  ])('%j', (template, data, expected) => {
    expect(render(template, data)).toBe(expected);
  });
});

describe('and fails where Go fails, saying why', () => {
  test.each<[string, ValueMap, RegExp]>([
    ['{{ .Missing }}', { Os: 'linux' }, /map has no entry for key "Missing"/],
    ['{{ .Env.HOME }}', { Env: { PATH: '/bin' } }, /map has no entry for key "HOME"/],
    ['{{ eq .Major "1" }}', { Major: 1 }, /error calling eq: incompatible types for comparison/],
    ['{{ if .Arm }}unterminated', { Arm: '6' }, /unexpected EOF/],
    ['{{ nosuch .Os }}', { Os: 'linux' }, /function "nosuch" not defined/],
    ['{{ .Os.Foo }}', { Os: 'linux' }, /can't evaluate field Foo/],
    ['{{ range .Targets }}x{{ end }}', { Targets: [] }, /\{\{range\}\} is not supported in names/],
    ['{{ readFile "VERSION" }}', {}, /function "readFile" \(reading files\) is not supported by gin-release/],
    ['{{ end }}', {}, /unexpected \{\{end\}\}/],
    ['{{ .Os', { Os: 'linux' }, /unclosed action/],
    ['{{ "x" | .Os }}', { Os: 'linux' }, /can't give argument to non-function/],
  ])('%j', (template, data, message) => {
    expect(() => render(template, data)).toThrow(message);
  });
});

describe("goreleaser's own functions", () => {
  test.each<[string, string]>([
    ['{{ incpatch "v1.2.3" }}', 'v1.2.4'],
    ['{{ incpatch "1.2.3-rc.1" }}', '1.2.3'],
    ['{{ incminor "1.2.3" }}', '1.3.0'],
    ['{{ incmajor "v1.2.3" }}', 'v2.0.0'],
    ['{{ envOrDefault "NOPE" "fallback" }}-{{ envOrDefault "A" "x" }}', 'fallback-1'],
    ['{{ isEnvSet "A" }} {{ isEnvSet "EMPTY" }} {{ isEnvSet "NOPE" }}', 'true false false'],
    [
      '{{ $m := map "darwin" "macOS" }}{{ indexOrDefault $m "darwin" "?" }}-{{ indexOrDefault $m "linux" "?" }}',
      'macOS-?',
    ],
    ['{{ englishJoin (list "a" "b" "c") }}|{{ englishJoin (list "a" "b") }}', 'a, b, and c|a and b'],
    ['{{ dir "a/b/c" }} {{ base "a/b/c" }} {{ dir "c" }} {{ base "" }}', 'a/b c . .'],
    ['{{ urlPathEscape "a b/c" }}', 'a%20b%2Fc'],
    ['{{ mdv2escape "a_b" }}', 'a\\_b'],
    ['{{ time "20060102-150405" }}', '20240501-120000'],
  ])('%s', (template, expected) => {
    expect(render(template, { Env: { A: '1', EMPTY: '' } })).toBe(expected);
  });
});

describe('title is golang.org/x/text/cases Title for English', () => {
  test.each<[string, string]>([
    ['darwin', 'Darwin'],
    ['linux', 'Linux'],
    ['AMD64', 'Amd64'],
    ['x86_64', 'X86_64'],
    ['1st 9lives', '1St 9Lives'],
    ["it's a.b c-d", "It's A.b C-D"],
  ])('%s -> %s', (text, expected) => {
    expect(titleCase(text)).toBe(expected);
  });
});

describe("Go's reference-time layouts", () => {
  test.each<[string, string]>([
    ['2006-01-02T15:04:05Z07:00', '2024-05-01T12:00:00Z'],
    ['Jan _2 Mon 3:04PM', 'May  1 Wed 12:00PM'],
    ['January 06 002', 'May 24 122'],
  ])('%s', (layout, expected) => {
    expect(formatGoTime(layout, 1714564800)).toBe(expected);
  });
});
