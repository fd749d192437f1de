// The optional multi-platform image.
import * as core from '@actions/core';
import { InputError } from '../errors.js';
import { splitList } from '../util/text.js';
import { bool, insidePath, keyValues, raw } from './read.js';

export interface ImageInputs {
  image: string[];
  platforms: string[];
  tags: string[];
  push: boolean;
  registry: string;
  registryUsername: string;
  registryPassword: string;
  baseImage: string;
  dockerfile: string;
  labels: Array<[string, string]>;
  provenance: boolean;
  sbom: boolean;
  builder: string;
  imageSmokeTest: boolean;
}

export function readImageInputs(): ImageInputs {
  const registryPassword = core.getInput('registry-password');
  // Masked before anything else can print it, including our own error messages below.
  if (registryPassword) core.setSecret(registryPassword);

  const image = splitList(raw('image'));
  const push = bool('push');
  if (push && image.length === 0)
    throw new InputError('push', 'true', 'Pushing needs the image input to name the image.');

  return {
    image,
    platforms: splitList(raw('platforms')),
    tags: splitList(raw('tags')),
    push,
    registry: raw('registry'),
    registryUsername: raw('registry-username'),
    registryPassword,
    baseImage: raw('base-image') || 'scratch',
    dockerfile: raw('dockerfile') ? insidePath('dockerfile', raw('dockerfile')) : '',
    labels: keyValues('labels'),
    provenance: bool('provenance'),
    sbom: bool('sbom'),
    builder: raw('builder'),
    imageSmokeTest: bool('image-smoke-test'),
  };
}
