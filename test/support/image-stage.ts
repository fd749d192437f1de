// The image stage as the action runs it, from inputs: planned the way planRelease plans it, then run. Lets the e2e
// tests and the benchmark drive the stage with runner-style inputs and target ids.
import { parseTarget } from '../../src/build/targets.js';
import type { Inputs } from '../../src/inputs.js';
import { planImageStage, type ImageContext, type ImageStageResult } from '../../src/image/plan.js';
import { runImageStage } from '../../src/image/stage.js';
import { smokeOptionsFromInputs } from '../../src/smoke/plan.js';

export interface ImageOptions extends Omit<ImageContext, 'artifacts'> {
  inputs: Inputs;
  artifacts: Array<{ target: string; path: string }>;
}

export function buildImage(options: ImageOptions): Promise<ImageStageResult> {
  const { inputs, ...context } = options;
  const plan = planImageStage(inputs, inputs.targets, context.release, smokeOptionsFromInputs(inputs));
  return runImageStage(plan, {
    ...context,
    artifacts: context.artifacts.map((a) => ({ target: parseTarget(a.target), path: a.path })),
  });
}
