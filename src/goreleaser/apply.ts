// A goreleaser configuration applied to this action's inputs (an input set to anything but its action.yml default
// wins over the file), and the names goreleaser gives binaries, archives and the checksums file, rendered per
// target. Every key that is not applied is listed for one warning. Pure.
import * as path from 'node:path';
import { InputError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import {
  archiveExtension,
  archiveFormatFor,
  isInside,
  type ArchivePlan,
  type ResolvedArchiveFormat,
} from '../package/archive.js';
import type { Target } from '../types.js';
import { splitArgs } from '../util/text.js';
import { ConfigError, type GoreleaserConfig, type GoreleaserSource } from './config.js';
import { baseContext, extendEnv, type ContextFacts } from './context.js';
import { goreleaserTargets, targetFields } from './targets.js';
import { renderGoTemplate, TemplateError, type TemplateContext } from './template.js';

export interface GoreleaserPlan {
  /** The inputs with the file applied. */
  inputs: Inputs;
  /** The binary name of the first target (the image's entrypoint). */
  binaryName: string;
  /** Per target id, the binary's path inside output-dir; absent when binary-template was set. */
  binaryPaths?: ReadonlyMap<string, string>;
  /** Null when archive-name-template was set: the action's own naming applies. */
  archives: ArchivePlan[] | null;
  /** One warning's worth: every key of the file that was not applied. */
  unapplied: string[];
}

// goreleaser v2.15.1 internal/pipe/archive: the default archive name, and the one for format `binary`.
const DEFAULT_SUFFIX =
  '{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 "v1") }}{{ .Amd64 }}{{ end }}';
export const DEFAULT_ARCHIVE_NAME = `{{ .ProjectName }}_${DEFAULT_SUFFIX}`;
export const DEFAULT_BINARY_ARCHIVE_NAME = `{{ .Binary }}_${DEFAULT_SUFFIX}`;
export const DEFAULT_CHECKSUM_NAME = '{{ .ProjectName }}_{{ .Version }}_checksums.txt';
// goreleaser's default `files`, in its order.
const DEFAULT_FILES = ['license*', 'LICENSE*', 'readme*', 'README*', 'changelog*', 'CHANGELOG*'];

function render(template: string, context: TemplateContext, where: string, file: string): string {
  try {
    return renderGoTemplate(template, context);
  } catch (error) {
    if (error instanceof TemplateError)
      throw new InputError(
        'goreleaser-config',
        file,
        `${where}: template ${JSON.stringify(template)}: ${error.message}.`,
      );
    throw error;
  }
}

function withFields(context: TemplateContext, fields: Record<string, string>): TemplateContext {
  return { ...context, data: { ...context.data, ...fields } };
}

/** goreleaser's archive format for a target (format_overrides match by GOOS prefix), in this action's terms. */
function formatFor(
  config: GoreleaserConfig,
  target: Target,
  unapplied: Set<string>,
): { format: ResolvedArchiveFormat; binary: boolean } {
  const override = config.archive.formatOverrides.find(
    (o) => o.goos !== '' && o.formats.length > 0 && target.goos.startsWith(o.goos),
  );
  const formats = override
    ? override.formats
    : config.archive.formats.length > 0
      ? config.archive.formats
      : ['tar.gz'];
  const where = override ? `archives[0].format_overrides (${override.goos})` : 'archives[0].formats';
  if (formats.length > 1)
    unapplied.add(`${where}: ${formats.slice(1).join(', ')} (one archive per target: ${formats[0]} is made)`);
  const first = formats[0]!;
  if (first === 'tar.gz' || first === 'zip') return { format: first, binary: false };
  if (first === 'binary') return { format: 'none', binary: true };
  unapplied.add(
    `${where}: ${first} (gin-release writes tar.gz, zip or the bare binary; ${first === 'none' ? 'the bare binary' : 'tar.gz'} is made)`,
  );
  return first === 'none' ? { format: 'none', binary: false } : { format: 'tar.gz', binary: false };
}

/** A rendered name that must be a path inside output-dir (archive and binary names may hold folders). */
function insideName(rendered: string, where: string, file: string): string {
  const normalised = path.posix.normalize(rendered.replace(/\\/g, '/'));
  if (
    rendered.trim() === '' ||
    normalised === '.' ||
    normalised.startsWith('../') ||
    normalised === '..' ||
    path.posix.isAbsolute(normalised)
  ) {
    throw new InputError(
      'goreleaser-config',
      file,
      `${where} renders to "${rendered}", which is not a file path inside output-dir.`,
    );
  }
  return normalised;
}

interface Mapping {
  input: string;
  keys: string[];
}

/** Applies `source` to `inputs`; throws InputError naming goreleaser-config and the key for anything it cannot use. */
export function applyGoreleaser(
  inputs: Inputs,
  source: GoreleaserSource,
  facts: ContextFacts,
): GoreleaserPlan {
  const { config, explicit, file } = source;
  const build = config.build;
  const unapplied = new Set(config.unapplied);
  const present: Record<string, boolean> = {
    targets:
      build.goos.length +
        build.goarch.length +
        build.targets.length +
        build.goarm.length +
        build.goamd64.length +
        build.ignore.length >
      0,
    main: build.main !== undefined,
    'binary-name': build.binary !== undefined,
    ldflags: build.ldflags.length > 0,
    'build-tags': build.tags.length > 0,
    'build-flags': build.flags.length > 0,
    'build-env': build.env.some((e) => !e.startsWith('CGO_ENABLED=')),
    cgo: [...config.env, ...build.env].some((e) => e.startsWith('CGO_ENABLED=')),
    'archive-format': config.archive.formats.length + config.archive.formatOverrides.length > 0,
    'archive-name-template': config.archive.nameTemplate !== undefined,
    'archive-files': config.archive.files !== undefined,
    'checksums-file': config.checksum.nameTemplate !== undefined,
    'output-dir': config.dist !== undefined,
  };
  const mappings: Mapping[] = [
    { input: 'targets', keys: ['builds[0].goos/goarch/goarm/goamd64/targets/ignore'] },
    { input: 'main', keys: ['builds[0].main'] },
    { input: 'binary-name', keys: ['builds[0].binary'] },
    { input: 'ldflags', keys: ['builds[0].ldflags'] },
    { input: 'build-tags', keys: ['builds[0].tags'] },
    { input: 'build-flags', keys: ['builds[0].flags'] },
    { input: 'build-env', keys: ['builds[0].env'] },
    { input: 'cgo', keys: ['CGO_ENABLED in env'] },
    { input: 'archive-format', keys: ['archives[0].formats/format_overrides'] },
    { input: 'archive-name-template', keys: ['archives[0].name_template'] },
    { input: 'archive-files', keys: ['archives[0].files'] },
    { input: 'checksums-file', keys: ['checksum.name_template'] },
    { input: 'output-dir', keys: ['dist'] },
  ];
  const applies = (input: string): boolean => !explicit.has(input);
  for (const { input, keys } of mappings) {
    if (present[input] && !applies(input))
      for (const key of keys) unapplied.add(`${key} (the ${input} input is set)`);
  }

  const wrap = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof ConfigError || error instanceof TemplateError)
        throw new InputError('goreleaser-config', file, `${error.message}.`);
      throw error;
    }
  };
  const base = wrap(() => baseContext(config, facts));
  const targets = applies('targets') ? wrap(() => goreleaserTargets(build)) : inputs.targets;
  // Build templates see the build's own env on top (goreleaser's WithEnvS).
  const buildContext = wrap(() => extendEnv(base, build.env));
  const firstTarget = targets[0]!;
  const firstBuildContext = withFields(buildContext, {
    ...targetFields(firstTarget),
    Ext: firstTarget.goos === 'windows' ? '.exe' : '',
    Name: '',
    Path: '',
  });

  const env = [...config.env, ...build.env].map((entry) => {
    const eq = entry.indexOf('=');
    return [entry.slice(0, eq), render(entry.slice(eq + 1), buildContext, 'builds[0].env', file)] as [
      string,
      string,
    ];
  });
  const cgoSetting = env.filter(([key]) => key === 'CGO_ENABLED').pop()?.[1];
  const buildEnv = build.env
    .map((entry) => entry.slice(0, entry.indexOf('=')))
    .filter((key) => key !== 'CGO_ENABLED' && key !== '')
    .map((key): [string, string] => [key, env.filter(([k]) => k === key).pop()![1]]);

  const ldflags = build.ldflags
    .map((flag) => render(flag, firstBuildContext, 'builds[0].ldflags', file))
    .filter((f) => f !== '');
  let ldflagArgs: string[];
  try {
    ldflagArgs = splitArgs(ldflags.join(' '));
  } catch (error) {
    throw new InputError('goreleaser-config', file, `builds[0].ldflags: ${(error as Error).message}.`);
  }
  const main = build.main ?? '.';
  const mainNormalised = path.posix.normalize(main.replace(/\\/g, '/'));
  if (path.isAbsolute(main) || mainNormalised === '..' || mainNormalised.startsWith('../')) {
    throw new InputError('goreleaser-config', file, `builds[0].main "${main}" is outside working-directory.`);
  }

  const effective: Inputs = {
    ...inputs,
    targets,
    ...(applies('main') && build.main !== undefined
      ? { main: mainNormalised === '.' ? '.' : `./${mainNormalised.replace(/^\.\//, '')}` }
      : {}),
    ...(applies('ldflags') && build.ldflags.length > 0 ? { ldflags: ldflagArgs } : {}),
    ...(applies('build-tags') && build.tags.length > 0
      ? {
          buildTags: build.tags
            .map((t) => render(t, firstBuildContext, 'builds[0].tags', file))
            .filter((t) => t !== ''),
        }
      : {}),
    ...(applies('build-flags') && build.flags.length > 0
      ? {
          buildFlags: build.flags
            .map((f) => render(f, firstBuildContext, 'builds[0].flags', file))
            .filter((f) => f !== ''),
        }
      : {}),
    ...(applies('build-env') && buildEnv.length > 0 ? { buildEnv } : {}),
    ...(applies('cgo') && cgoSetting !== undefined ? { cgo: cgoSetting === '1' } : {}),
    ...(applies('archive-files') ? { archiveFiles: config.archive.files ?? DEFAULT_FILES } : {}),
    ...(applies('output-dir') && config.dist !== undefined ? { outputDir: config.dist } : {}),
  };
  const outputDirName = path.posix.normalize(effective.outputDir.replace(/\\/g, '/'));
  if (path.isAbsolute(effective.outputDir) || outputDirName === '..' || outputDirName.startsWith('../')) {
    throw new InputError(
      'goreleaser-config',
      file,
      `dist "${effective.outputDir}" is outside working-directory.`,
    );
  }
  const outputDir = path.resolve(inputs.workingDirectory, effective.outputDir);

  const projectName = base.data['ProjectName'] as string;
  const buildId = build.id || projectName;
  const binaryPaths = new Map<string, string>();
  const binaryNames = new Map<string, string>();
  const archives: ArchivePlan[] = [];
  const claimed = new Map<string, string>();
  const archiveNameTemplate = config.archive.nameTemplate;
  for (const target of targets) {
    const fields = targetFields(target);
    const ext = target.goos === 'windows' ? '.exe' : target.goarch === 'wasm' ? '.wasm' : '';
    const binary = explicit.has('binary-name')
      ? inputs.binaryName
      : build.binary !== undefined
        ? render(
            build.binary,
            withFields(buildContext, { ...fields, Ext: ext, Name: '', Path: '' }),
            'builds[0].binary',
            file,
          )
        : projectName;
    binaryNames.set(target.id, binary);
    const { format, binary: bare } = explicit.has('archive-format')
      ? { format: archiveFormatFor(inputs.archiveFormat, target), binary: false }
      : formatFor(config, target, unapplied);
    const artifactFields = {
      ...fields,
      Binary: binary,
      ArtifactName: `${binary}${ext}`,
      ArtifactExt: ext,
      ArtifactPath: path.join(outputDir, `${buildId}_${fields.Target}`, `${binary}${ext}`),
    };
    const nameTemplate = archiveNameTemplate ?? (bare ? DEFAULT_BINARY_ARCHIVE_NAME : DEFAULT_ARCHIVE_NAME);
    const name = render(nameTemplate, withFields(base, artifactFields), 'archives[0].name_template', file);
    // goreleaser ships a `binary` format target as <name template><ext>; other binaries stay in <id>_<target>/.
    const binaryPath = insideName(
      bare ? `${name}${ext}` : `${buildId}_${fields.Target}/${binary}${ext}`,
      'builds[0].binary',
      file,
    );
    binaryPaths.set(target.id, binaryPath);
    if (binary.includes('/'))
      unapplied.add(`builds[0].binary: the folder in "${binary}" (archives hold the binary at their root)`);
    if (format === 'none') {
      archives.push({ target, format, outputPath: '' });
      continue;
    }
    const relative = insideName(name, 'archives[0].name_template', file);
    const outputPath = path.resolve(outputDir, relative);
    if (!isInside(outputDir, outputPath))
      throw new InputError(
        'goreleaser-config',
        file,
        `archives[0].name_template renders to "${name}", outside output-dir.`,
      );
    const fileName = outputPath + archiveExtension(format);
    const other = claimed.get(fileName);
    if (other !== undefined) {
      throw new InputError(
        'goreleaser-config',
        file,
        `archives[0].name_template gives ${other} and ${target.id} the same archive "${path.basename(fileName)}"; add {{ .Os }}, {{ .Arch }} and {{ .Arm }}.`,
      );
    }
    claimed.set(fileName, target.id);
    archives.push({ target, format, outputPath });
  }

  let checksumsFile = inputs.checksumsFile;
  if (!explicit.has('checksums-file')) {
    checksumsFile = render(
      config.checksum.nameTemplate ?? DEFAULT_CHECKSUM_NAME,
      base,
      'checksum.name_template',
      file,
    );
    if (checksumsFile === '' || /[/\\]/.test(checksumsFile) || checksumsFile.startsWith('.')) {
      throw new InputError(
        'goreleaser-config',
        file,
        `checksum.name_template renders to "${checksumsFile}"; gin-release needs a plain file name (no folders, not hidden).`,
      );
    }
  }

  return {
    inputs: { ...effective, checksumsFile, binaryName: binaryNames.get(firstTarget.id)! },
    binaryName: path.posix.basename(binaryNames.get(firstTarget.id)!),
    ...(explicit.has('binary-template') ? {} : { binaryPaths }),
    archives: explicit.has('archive-name-template') ? null : archives,
    unapplied: [...unapplied],
  };
}

/** The one warning: which keys of the file were not applied. */
export function unappliedWarning(file: string, unapplied: readonly string[]): string {
  return `goreleaser-config ${file}: ${unapplied.length} key(s) not applied (gin-release reads the first build, the first archive and checksum.name_template; an input you set wins over the file): ${unapplied.join('; ')}.`;
}
