// What ships and where it goes: archives, the checksums file, workflow artifacts, the Go caches.
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { splitLines } from '../util/text.js';
import { bool, oneOf, positiveInt, raw, template } from './read.js';

export type ArchiveFormat = 'auto' | 'tar.gz' | 'zip' | 'none';
export type UploadMode = 'single' | 'per-target';

export interface FileInputs {
  archiveFormat: ArchiveFormat;
  archiveNameTemplate: string;
  archiveFiles: string[];
  checksumsFile: string;
  upload: boolean;
  uploadMode: UploadMode;
  artifactName: string;
  retentionDays: number | undefined;
  cache: boolean;
  cacheDependencyPath: string[];
}

export function readFileInputs(): FileInputs {
  const retentionRaw = raw('retention-days');
  const retentionDays = retentionRaw === '' ? undefined : positiveInt('retention-days', 0, 90);

  const checksumsFile = raw('checksums-file') || 'checksums.txt';
  if (checksumsFile.includes('/') || checksumsFile.includes('\\') || checksumsFile.startsWith('.')) {
    throw new InputError(
      'checksums-file',
      checksumsFile,
      'Allowed: a plain file name (no folders, not hidden).',
    );
  }

  return {
    archiveFormat: oneOf('archive-format', ['auto', 'tar.gz', 'zip', 'none'] as const),
    archiveNameTemplate: template('archive-name-template'),
    archiveFiles: splitLines(core.getInput('archive-files')),
    checksumsFile,
    upload: bool('upload'),
    uploadMode: oneOf('upload-mode', ['single', 'per-target'] as const),
    artifactName: raw('artifact-name'),
    retentionDays,
    cache: bool('cache'),
    cacheDependencyPath: splitLines(core.getInput('cache-dependency-path')),
  };
}
