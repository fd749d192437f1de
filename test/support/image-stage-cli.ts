// Runs the image stage in a process of its own, the way the action does (inputs from INPUT_* variables, failure
// through core.setFailed), so that a test can read every byte it prints.
// Usage: IMAGE_STAGE_SPEC='{"artifacts":...,"release":...,"binaryName":...,"workingDirectory":...}' \
//        node --import tsx test/support/image-stage-cli.ts
import * as core from '@actions/core';
import { buildImage, type ImageOptions } from './image-stage.js';
import { getInputs } from '../../src/inputs.js';

const spec = JSON.parse(process.env['IMAGE_STAGE_SPEC'] ?? '{}') as Omit<ImageOptions, 'inputs'>;
try {
  const result = await buildImage({ ...spec, inputs: getInputs() });
  core.info(`result: ${JSON.stringify(result)}`);
} catch (error) {
  core.setFailed((error as Error).message);
}
