#!/usr/bin/env node
// Stands in for `go` while goreleaser runs in the name tests: `go build` writes a placeholder file where the binary
// belongs and records the argv and target variables it was given (one JSON line per build in
// GIN_RELEASE_BUILD_LOG); every other go command (version, env, list) runs the real go at GIN_RELEASE_REAL_GO.
// goreleaser derives every name from its configuration, never from the binary's bytes, so its names are its own;
// the action's own binaries are built for real by the bundled-action tests.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const args = process.argv.slice(2);
if (args[0] !== 'build') {
  const result = spawnSync(process.env.GIN_RELEASE_REAL_GO, args, { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
const output = args[args.indexOf('-o') + 1];
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, 'placeholder for a go build\n');
const env = Object.fromEntries(
  [
    'GOOS',
    'GOARCH',
    'GOARM',
    'GOAMD64',
    'GOARM64',
    'GO386',
    'GOMIPS',
    'GOPPC64',
    'GORISCV64',
    'CGO_ENABLED',
  ].map((key) => [key, process.env[key] ?? '']),
);
fs.appendFileSync(
  process.env.GIN_RELEASE_BUILD_LOG,
  `${JSON.stringify({ args, env, cwd: process.cwd() })}\n`,
);
