// Shapes shared by the Go setup modules (the orchestration, the local lookup and each download source), kept apart
// so that none of them imports another just for a type.
import type { GoSource } from '../types.js';
import type { GoRelease, GoVersion } from './version.js';

export interface GoSetupOptions {
  workingDirectory: string;
  goVersion: string;
  goVersionFile: string;
  downloadSource: 'go.dev' | 'module-proxy';
  downloadBaseUrl: string;
  skipChecksum: boolean;
}

export interface GoSetup {
  /** Go's spelling without the prefix: `1.26.8`. */
  version: string;
  goroot: string;
  /** Absolute path of the go command. */
  goBinary: string;
  source: GoSource;
  /** Only for source `download`: what was fetched and what it was verified against. */
  download?: { url: string; bytes: number; checksum: string };
}

/** A Go this runner already has, and where. */
export interface GoAtHand {
  version: GoVersion;
  where: 'PATH' | 'tool cache';
}

/** Where a missing Go comes from: go.dev's index and archives, or the toolchain module on GOPROXY. */
export interface DownloadSource {
  /** Where the release list comes from, for messages. */
  readonly listUrl: string;
  /** Whether an exact version can be installed when the list cannot be fetched. */
  readonly installsWithoutList: boolean;
  listReleases(): Promise<GoRelease[]>;
  /** Downloads, verifies, extracts and caches that release. */
  install(version: GoVersion): Promise<GoSetup>;
}
