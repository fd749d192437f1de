// How long the action waits for GitHub's cache and artifact services, and what it does with an artifact that is
// already in the run (a re-run job's earlier attempt).
import { bool, positiveInt } from './read.js';

export interface ServiceInputs {
  /** Milliseconds each cache restore and save may take before it is given up (cache-timeout, in seconds). */
  cacheTimeoutMs: number;
  /** Milliseconds the whole upload may take before the step fails (upload-timeout, in seconds). */
  uploadTimeoutMs: number;
  artifactOverwrite: boolean;
}

export function readServiceInputs(): ServiceInputs {
  return {
    cacheTimeoutMs: positiveInt('cache-timeout', 60, 3_600) * 1000,
    // A job runs for 6 hours at most.
    uploadTimeoutMs: positiveInt('upload-timeout', 600, 21_600) * 1000,
    artifactOverwrite: bool('artifact-overwrite'),
  };
}
