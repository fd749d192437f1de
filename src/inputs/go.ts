// The Go toolchain inputs.
import { InputError } from '../errors.js';
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
  if (
    goVersion &&
    !/^(stable|oldstable|\d+(\.\d+){0,2}((rc|beta)\d+)?(\.x)?|go\d+(\.\d+){0,2})$/.test(goVersion)
  ) {
    throw new InputError(
      'go-version',
      goVersion,
      'Allowed: an exact release (1.26.8), a minor line (1.26), stable or oldstable.',
    );
  }

  return {
    goVersion,
    goVersionFile: raw('go-version-file'),
    goDownloadSource: oneOf('go-download-source', ['go.dev', 'module-proxy'] as const),
    goDownloadBaseUrl: (raw('go-download-base-url') || 'https://go.dev/dl').replace(/\/+$/, ''),
    goSkipChecksum: bool('go-skip-checksum'),
  };
}
