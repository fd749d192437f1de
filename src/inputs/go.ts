// The Go toolchain inputs.
import { checkGoVersionInput } from '../go/version.js';
import { bool, oneOf, raw } from './read.js';

export type GoDownloadSource = 'go.dev' | 'module-proxy';

export interface GoInputs {
  goVersion: string;
  goVersionFile: string;
  goDownloadSource: GoDownloadSource;
  goDownloadBaseUrl: string;
  goSkipChecksum: boolean;
}

export function readGoInputs(): GoInputs {
  const goVersion = raw('go-version');
  // The parser that resolves the version also decides what is allowed, so the two can never disagree.
  checkGoVersionInput(goVersion);

  return {
    goVersion,
    goVersionFile: raw('go-version-file'),
    goDownloadSource: oneOf('go-download-source', ['go.dev', 'module-proxy'] as const),
    goDownloadBaseUrl: (raw('go-download-base-url') || 'https://go.dev/dl').replace(/\/+$/, ''),
    goSkipChecksum: bool('go-skip-checksum'),
  };
}
