// OCI image labels (org.opencontainers.image.*) and a license guess. Pure.

export interface LabelSource {
  /** e.g. https://github.com; '' when unknown. */
  serverUrl: string;
  /** owner/name; '' when unknown. */
  repository: string;
  commit: string;
  version: string;
  /** Commit time, RFC 3339: the image is as old as its source, so rebuilds label alike. */
  created: string;
  title: string;
  /** SPDX expression; '' when unknown. */
  licenses: string;
}

/**
 * The standard labels, then the user's (which win on a clash, keeping the first position). Unknown values are left
 * out rather than written empty.
 */
export function imageLabels(
  source: LabelSource,
  userLabels: Array<[string, string]>,
): Array<[string, string]> {
  const url =
    source.serverUrl && source.repository
      ? `${source.serverUrl.replace(/\/+$/, '')}/${source.repository}`
      : '';
  const standard: Array<[string, string]> = [
    ['org.opencontainers.image.title', source.title],
    ['org.opencontainers.image.source', url],
    ['org.opencontainers.image.url', url],
    ['org.opencontainers.image.revision', source.commit],
    ['org.opencontainers.image.version', source.version],
    ['org.opencontainers.image.created', source.created],
    ['org.opencontainers.image.licenses', source.licenses],
  ];
  const merged = new Map<string, string>(standard.filter(([, value]) => value !== ''));
  for (const [key, value] of userLabels) merged.set(key, value);
  return [...merged];
}

/**
 * The SPDX id of a LICENSE file's text, for the common licenses only; '' when unsure. A wrong license label is
 * worse than none, so each needs a phrase only its own text has.
 */
export function detectLicense(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  if (/Apache License,? Version 2\.0/i.test(flat)) return 'Apache-2.0';
  if (/Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(flat))
    return 'MIT';
  if (/Mozilla Public License,? (Version|v\.) ?2\.0/i.test(flat)) return 'MPL-2.0';
  // GPL texts do not say whether "only" or "or later" applies (the source headers do), so they get no guess.
  if (/Redistribution and use in source and binary forms/i.test(flat)) {
    if (/advertising materials/i.test(flat)) return '';
    if (/Neither the name/i.test(flat)) return 'BSD-3-Clause';
    return 'BSD-2-Clause';
  }
  if (/This is free and unencumbered software released into the public domain/i.test(flat))
    return 'Unlicense';
  if (/Permission to use, copy, modify, and\/or distribute this software for any purpose/i.test(flat))
    return 'ISC';
  return '';
}
