// The names of binaries and archives: the placeholders binary-template and archive-name-template take, and their
// values per target. One list, read by the input checks and by every stage that names a file. Pure.
import type { Target } from './types.js';

export const TEMPLATE_PLACEHOLDERS = ['name', 'version', 'os', 'arch', 'variant', 'target', 'ext'] as const;
export type TemplateValues = Record<(typeof TEMPLATE_PLACEHOLDERS)[number], string>;

/**
 * The placeholder values for one target. `{variant}` carries its own separator (`_v7`, '' without a variant) so
 * `{name}_{os}_{arch}{variant}` reads well for every target; `{target}` is the id with `/` as `_`.
 */
export function templateValues(target: Target, name: string, version: string): TemplateValues {
  return {
    name,
    version,
    os: target.goos,
    arch: target.goarch,
    variant: target.variant ? `_${target.variant}` : '',
    target: target.id.replace(/\//g, '_'),
    ext: target.goos === 'windows' ? '.exe' : '',
  };
}

/** Replaces `{placeholder}`s; an unknown one is an error (inputs are checked earlier, so this is a bug guard). */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Unknown placeholder ${whole} in "${template}"`);
    return value;
  });
}

/**
 * Placeholders of release-name and release-body: the tag as pushed (`v1.2.3`), the version (`1.2.3`), the binary
 * name, the full and short commit, the commit time.
 */
export const RELEASE_PLACEHOLDERS = ['tag', 'version', 'name', 'commit', 'short-commit', 'date'] as const;
export type ReleaseTemplateValues = Record<(typeof RELEASE_PLACEHOLDERS)[number], string>;

/**
 * Replaces the known release placeholders and keeps every other brace as written, so a release body can hold
 * Markdown or JSON with braces. Pure.
 */
export function renderReleaseText(text: string, values: ReleaseTemplateValues): string {
  return text.replace(/\{([a-z-]+)\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? values[key as keyof ReleaseTemplateValues] : whole,
  );
}
