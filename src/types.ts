// Shapes shared between stages. Each stage owns its own option types; only what crosses stages lives here.
import type { GoBuildInfo } from './build/buildinfo.js';

/** One GOOS/GOARCH[/variant] build target, e.g. linux/arm/v7. */
export interface Target {
  goos: string;
  goarch: string;
  /** GOARM (`v6`/`v7`), GOAMD64 (`v1`..`v4`), GOARM64 (`v8.0`..) or GO386/GOMIPS style variant; '' when none. */
  variant: string;
  /** Canonical spelling: `goos/goarch` or `goos/goarch/variant`. */
  id: string;
}

export type SmokeStatus = 'passed' | 'failed' | 'skipped';

export interface SmokeResult {
  status: SmokeStatus;
  /** Why it failed or was skipped; '' when it passed. */
  reason: string;
  /** Milliseconds from process start to the first healthy answer. */
  readyMs?: number;
  /** Milliseconds from the stop signal to the process's exit. */
  shutdownMs?: number;
  /** How the binary was run: natively or under which emulator. */
  runner?: string;
  /** Last lines of the process's stdout and stderr, bounded. */
  logTail?: string[];
  attempts?: number;
  /** The port it answered on, when that was not the one it was given (it listens on a port of its own). */
  answeredPort?: number;
  /** The health route that answered, when it was found among the common ones rather than given. */
  healthPath?: string;
  /** Passed, but something to fix (a port of its own, an HTML page as health answer); annotated as warnings. */
  warnings?: string[];
  /** Worth knowing (which health route answered); annotated as notices. */
  notices?: string[];
}

export interface ArchiveInfo {
  path: string;
  size: number;
  sha256: string;
  /** Its download URL on the GitHub release, once it is a release asset. */
  url?: string;
}

/** One built and inspected binary, as the stages hand it on. */
export interface BuiltArtifact {
  target: Target;
  /** Absolute path of the binary. */
  path: string;
  size: number;
  sha256: string;
  /** true when the binary has no interpreter and no dynamic libraries (always false for cgo builds that link libc). */
  static: boolean;
  /** Shared libraries it loads (ELF DT_NEEDED, PE imports, Mach-O dylibs). */
  needed?: string[];
  /** For an ELF with versioned symbol needs: the newest GLIBC_x.y it needs ('' when none is a glibc one). */
  glibc?: string;
  /** The Go build info read from the binary when it was inspected, so later stages need not read it again. */
  buildInfo?: GoBuildInfo;
}

/** One binary as the `artifacts` output and the job summary report it: what every stage learnt about it. */
export interface ArtifactRecord {
  target: string;
  goos: string;
  goarch: string;
  variant: string;
  /** Absolute path of the binary. */
  path: string;
  size: number;
  sha256: string;
  static: boolean;
  /** The cgo audit's findings for this binary's GOOS: packages with cgo files built with cgo off. */
  cgoPackages?: string[];
  /** A Linux cgo binary's newest GLIBC_x.y symbol version: the oldest glibc it starts on. */
  glibc?: string;
  smoke?: SmokeResult;
  archive?: ArchiveInfo;
  /** The archive's `<archive>.sbom.json`. */
  sbom?: ArchiveInfo;
}

export type GoSource = 'runner' | 'tool-cache' | 'download';

/** Values stamped into binaries, names and images, fixed once per run so that builds are reproducible. */
export interface ReleaseInfo {
  version: string;
  /** Full commit SHA, '' when the folder is not in a git checkout. */
  commit: string;
  /** Commit time, RFC 3339 UTC; falls back to SOURCE_DATE_EPOCH, then to 1970-01-01T00:00:00Z. */
  date: string;
  /** Unix seconds of `date`, used as every mtime in archives and images. */
  epoch: number;
  /** The git ref (refs/tags/v1.2.3, refs/heads/main), '' when unknown. */
  ref: string;
}
