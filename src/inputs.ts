// Every input of action.yml, read and validated once, before any work. Each concern reads its own inputs
// (src/inputs/*.ts); property names are the camelCase of the input names.
import { readBuildInputs, type BuildInputs } from './inputs/build.js';
import { readCgoInputs, type CgoInputs } from './inputs/cgo.js';
import { readFileInputs, type FileInputs } from './inputs/files.js';
import { readGoInputs, type GoInputs } from './inputs/go.js';
import { readGoreleaserInputs, type GoreleaserInputs } from './inputs/goreleaser.js';
import { readImageInputs, type ImageInputs } from './inputs/image.js';
import { readMatrixInputs, type MatrixInputs } from './inputs/matrix.js';
import { readReleaseInputs, type ReleaseInputs } from './inputs/release.js';
import { readServiceInputs, type ServiceInputs } from './inputs/services.js';
import { readSmokeInputs, type SmokeInputs } from './inputs/smoke.js';

export type { GoDownloadSource } from './inputs/go.js';
export type { ArchiveFormat, UploadMode } from './inputs/files.js';
export type { SmokeTargets } from './inputs/smoke.js';
export type { CgoAuditMode } from './inputs/cgo.js';
export type { GithubReleaseMode, MakeLatestSetting, PrereleaseSetting } from './inputs/release.js';
export type { ReleaseMode } from './inputs/matrix.js';

export interface Inputs
  extends
    GoInputs,
    BuildInputs,
    SmokeInputs,
    FileInputs,
    ImageInputs,
    CgoInputs,
    GoreleaserInputs,
    ReleaseInputs,
    ServiceInputs,
    MatrixInputs {}

export function getInputs(): Inputs {
  // Secrets are read (and masked) first, so that no message about another input can print them.
  const image = readImageInputs();
  const release = readReleaseInputs();
  const build = readBuildInputs();
  return {
    ...readGoInputs(),
    ...build,
    ...readSmokeInputs(build.targets),
    ...readFileInputs(),
    ...readServiceInputs(),
    ...image,
    ...readCgoInputs(),
    ...readGoreleaserInputs(build.workingDirectory),
    ...release,
    ...readMatrixInputs(),
  };
}
