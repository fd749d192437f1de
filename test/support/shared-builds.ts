// The binaries that several integration files inspect, built once per run by test/integration/global-setup.ts and
// handed to the files through vitest's provide/inject, so no file cold-builds its own copy of the same matrix.
import { inject } from 'vitest';
import type { BuildOutcome } from '../../src/build/compile.js';
import { parseTargets } from '../../src/build/targets.js';

/** What one fixture's shared build produced: runBuilds' outcomes, in plan order. */
export interface SharedBuild {
  fixture: string;
  outputDir: string;
  outcomes: BuildOutcome[];
}

export interface SharedBuilds {
  /** std-app for STD_APP_TARGETS, with buildOptions() defaults. */
  stdApp: SharedBuild;
  /** gin-app for linux/amd64 only: the tests about Gin itself (its /version stamp, its smoke test). */
  ginApp: SharedBuild;
  /** A plain `go build` of std-app for linux/amd64 (no -trimpath, no -ldflags), to compare against. */
  stdAppPlain: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedBuilds: SharedBuilds;
  }
}

/**
 * Every format, byte order, word size and variant the inspection and build-matrix tests look at: ELF
 * (little- and big-endian, 32- and 64-bit), PE, Mach-O, and the GOARM/GOAMD64 variants.
 */
export const STD_APP_TARGETS = parseTargets(
  'linux/amd64, linux/arm64, linux/arm/v7, linux/386, linux/riscv64, linux/ppc64le, linux/s390x, linux/mips, ' +
    'darwin/arm64, windows/amd64, windows/386, freebsd/amd64, linux/amd64/v3',
);

export const GIN_APP_TARGETS = parseTargets('linux/amd64');

/** The shared builds; only inside a test file of the integration project (the global setup provides them). */
export function sharedBuilds(): SharedBuilds {
  return inject('sharedBuilds');
}

/** The outcome for one target of a shared build; throws when that target was not part of it. */
export function sharedOutcome(build: SharedBuild, id: string): BuildOutcome {
  const outcome = build.outcomes.find((o) => o.plan.target.id === id);
  if (!outcome) throw new Error(`the shared ${build.fixture} build has no ${id} binary`);
  return outcome;
}
