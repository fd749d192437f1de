// Splitting one release over several jobs: which part this job plays, and how the image is assembled.
import { bool, oneOf } from './read.js';

/** `release`: everything in this job. `shard`: build this job's targets for a merge job. `merge`: no Go; ship the shards. */
export type ReleaseMode = 'release' | 'shard' | 'merge';

export interface MatrixInputs {
  mode: ReleaseMode;
  imageDistribute: boolean;
}

export function readMatrixInputs(): MatrixInputs {
  return {
    mode: oneOf('mode', ['release', 'shard', 'merge'] as const),
    imageDistribute: bool('image-distribute'),
  };
}
