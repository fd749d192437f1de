// What a failed Go download tells the user to do instead, naming the inputs that change it. Pure.
import type { GoAtHand } from './types.js';
import { compareGoVersions, describeRequirement, type ModuleRequirement } from './version.js';

const OTHER_SOURCE = {
  'go.dev':
    'set go-download-source: module-proxy to download it as the golang.org/toolchain module through GOPROXY instead',
  'module-proxy': 'set go-download-source: go.dev to download it from go-download-base-url instead',
} as const;

function describe(found: readonly GoAtHand[]): string {
  return found
    .slice(0, 4)
    .map((go) => `${go.version.text} (${go.where === 'PATH' ? 'on PATH' : 'in the tool cache'})`)
    .join(', ');
}

/**
 * The ways around a download that failed from `source`: a Go at hand through go-version (only those the module's
 * go line allows, since the go command refuses older ones), or the other download source.
 */
export function downloadFailureAdvice(
  source: 'go.dev' | 'module-proxy',
  atHand: readonly GoAtHand[],
  requires?: ModuleRequirement,
): string {
  // The same release on PATH and in the tool cache is one choice; the first listed (PATH) names it.
  const distinct = atHand.filter(
    (go, index) => atHand.findIndex((other) => other.version.text === go.version.text) === index,
  );
  const usable = distinct.filter((go) => !requires || compareGoVersions(go.version, requires.version) >= 0);
  const other = OTHER_SOURCE[source];
  if (usable.length > 0) {
    const choice = usable.length === 1 ? describe(usable) : `one of ${describe(usable)}`;
    return `To build with a Go this runner already has, set go-version to ${choice}; or ${other}.`;
  }
  if (distinct.length === 0 || !requires) {
    return `This runner has no Go on PATH or in its tool cache to use instead; ${other}.`;
  }
  return `No Go on this runner reaches ${describeRequirement(requires)}: it has ${describe(distinct)}; ${other}.`;
}

/** `message` followed by `advice` as its next sentence. */
export function withAdvice(message: string, advice: string): string {
  return `${message.trimEnd()}${/[.!?]$/.test(message.trimEnd()) ? '' : '.'} ${advice}`;
}
