// A CycloneDX 1.6 SBOM of one binary, made from the Go build info the linker embedded in it: the main module,
// every module that was compiled in (with go.sum's h1: hash, replacements resolved), the standard library, the Go
// version and every build setting. So it lists what the binary contains, not what go.mod mentions. CycloneDX and
// not SPDX: its JSON schema ships in npm packages (the tests validate offline), cyclonedx-gomod (the established
// Go generator, which the tests compare with) writes it, and a component carries hashes and a purl directly.
// Pure and byte-reproducible: the time is the commit time and the serial number is derived from the binary.
import { createHash } from 'node:crypto';
import type { BuildInfoDep, BuildInfoModule, GoBuildInfo } from '../build/buildinfo.js';
import type { Target } from '../types.js';

export const CYCLONEDX_SPEC_VERSION = '1.6';
/** Every property this tool adds starts with it (CycloneDX's convention: one namespace per tool). */
export const PROPERTY_PREFIX = 'gin-release';
/** gomod's name for the standard library (cyclonedx-gomod -std), so both tools' BOMs name it alike. */
export const STDLIB_MODULE = 'std';

export interface SbomInput {
  buildInfo: GoBuildInfo;
  /** The binary's file name, its SHA-256 and the target it was built for. */
  binary: { fileName: string; sha256: string; target: Target };
  /** The file the SBOM travels with: the archive's (or bare binary's) file name. */
  subject: string;
  /** The release version, as the archive names carry it. */
  version: string;
  /** The commit time, RFC 3339: the BOM's timestamp. */
  date: string;
  tool: { name: string; version: string };
}

export interface CdxHash {
  alg: 'SHA-256';
  content: string;
}

export interface CdxProperty {
  name: string;
  value: string;
}

export interface CdxComponent {
  'bom-ref': string;
  type: 'application' | 'library';
  name: string;
  version?: string;
  scope?: 'required';
  hashes?: CdxHash[];
  purl?: string;
  properties?: CdxProperty[];
}

export interface CdxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    lifecycles: Array<{ phase: 'build' }>;
    tools: { components: Array<{ type: 'application'; name: string; version: string }> };
    component: CdxComponent;
    properties: CdxProperty[];
  };
  components: CdxComponent[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
  compositions: Array<{ aggregate: 'complete' | 'unknown'; dependencies: string[] }>;
}

// RFC 4122's URL namespace.
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 version 5 (name-based, SHA-1) UUID: the same name always gives the same UUID. Pure. */
export function uuidV5(name: string, namespace = URL_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** go.sum's `h1:<base64 SHA-256>` as hex, the way cyclonedx-gomod reports it; undefined for other forms. Pure. */
export function h1ToSha256Hex(sum: string): string | undefined {
  if (!sum.startsWith('h1:')) return undefined;
  const bytes = Buffer.from(sum.slice(3), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/** `path@version`, or the path alone without a version (gomod's coordinates). */
function coordinates(path: string, version: string | undefined): string {
  return version ? `${path}@${version}` : path;
}

function bomRef(path: string, version: string | undefined): string {
  return `pkg:golang/${coordinates(path, version)}?type=module`;
}

/** A purl for a Go module built for `target` (purl-spec's golang type; each segment percent-encoded). Pure. */
export function golangPurl(path: string, version: string | undefined, target: Target): string {
  const name = path.split('/').map(encodeURIComponent).join('/');
  const at = version ? `@${encodeURIComponent(version)}` : '';
  return `pkg:golang/${name}${at}?goarch=${encodeURIComponent(target.goarch)}&goos=${encodeURIComponent(target.goos)}&type=module`;
}

function property(name: string, value: string): CdxProperty {
  return { name: `${PROPERTY_PREFIX}:${name}`, value };
}

/** A `=>` target that is a folder (`../lib`, `/src/lib`): built from local files, no version and no hash. */
function isFolderReplacement(replace: BuildInfoModule): boolean {
  return (
    replace.version === '(devel)' ||
    replace.version === '' ||
    /^(\.{1,2}[/\\]|[/\\]|[A-Za-z]:)/.test(replace.path)
  );
}

function moduleComponent(module: BuildInfoModule, target: Target, extra: CdxProperty[] = []): CdxComponent {
  const sha = h1ToSha256Hex(module.sum);
  const properties = [...(module.sum ? [property('go:module:sum', module.sum)] : []), ...extra];
  return {
    'bom-ref': bomRef(module.path, module.version),
    type: 'library',
    name: module.path,
    version: module.version,
    scope: 'required',
    ...(sha ? { hashes: [{ alg: 'SHA-256' as const, content: sha }] } : {}),
    purl: golangPurl(module.path, module.version, target),
    ...(properties.length > 0 ? { properties } : {}),
  };
}

/**
 * The component for one `dep` line. A module replacement is reported as the module that was compiled in (as
 * cyclonedx-gomod does), noting what it replaces; a folder replacement keeps the required path, has no version
 * or hash (there is none to report), and names the folder.
 */
export function depComponent(dep: BuildInfoDep, target: Target): CdxComponent {
  const replaced = property('go:module:replaces', coordinates(dep.path, dep.version));
  if (!dep.replace) return moduleComponent(dep, target);
  if (!isFolderReplacement(dep.replace)) return moduleComponent(dep.replace, target, [replaced]);
  return {
    'bom-ref': bomRef(dep.path, dep.version),
    type: 'library',
    name: dep.path,
    scope: 'required',
    properties: [replaced, property('go:module:replaced-by-folder', dep.replace.path)],
  };
}

/** The SBOM document for one binary. Throws when the build info has no main module (not a module build). Pure. */
export function buildSbom(input: SbomInput): CdxBom {
  const { buildInfo, binary } = input;
  const main = buildInfo.mainModule;
  if (!main || main.path === '') {
    throw new Error(
      `${binary.fileName} has no main module in its Go build info (built outside module mode?)`,
    );
  }
  const target = binary.target;
  const mainRef = bomRef(main.path, input.version);
  const application: CdxComponent = {
    'bom-ref': mainRef,
    type: 'application',
    name: main.path,
    version: input.version,
    hashes: [{ alg: 'SHA-256', content: binary.sha256 }],
    purl: golangPurl(main.path, input.version, target),
    properties: [
      property('go:package', buildInfo.path),
      ...(main.version ? [property('go:module:version', main.version)] : []),
    ],
  };
  const stdlib: CdxComponent = {
    'bom-ref': bomRef(STDLIB_MODULE, buildInfo.goVersion),
    type: 'library',
    name: STDLIB_MODULE,
    version: buildInfo.goVersion,
    scope: 'required',
    purl: golangPurl(STDLIB_MODULE, buildInfo.goVersion, target),
  };
  const components = [...buildInfo.deps.map((dep) => depComponent(dep, target)), stdlib];
  const refs = components.map((component) => component['bom-ref']);
  const duplicate = refs.find((ref, index) => refs.indexOf(ref) !== index);
  if (duplicate !== undefined) throw new Error(`${binary.fileName}: module ${duplicate} is listed twice`);

  return {
    $schema: `http://cyclonedx.org/schema/bom-${CYCLONEDX_SPEC_VERSION}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    // Derived from what the BOM describes, so rebuilding the same commit gives the same document.
    serialNumber: `urn:uuid:${uuidV5(`${input.tool.name}:sbom:${input.subject}:${binary.sha256}`)}`,
    version: 1,
    metadata: {
      timestamp: input.date,
      lifecycles: [{ phase: 'build' }],
      tools: { components: [{ type: 'application', name: input.tool.name, version: input.tool.version }] },
      component: application,
      properties: [
        property('binary:name', binary.fileName),
        property('binary:subject', input.subject),
        property('binary:target', target.id),
        property('go:version', buildInfo.goVersion),
        ...Object.entries(buildInfo.settings).map(([key, value]) => property(`go:build:${key}`, value)),
      ],
    },
    components,
    // Build info lists what was linked in, not who imports whom: every module hangs off the application.
    dependencies: [{ ref: mainRef, dependsOn: refs }, ...refs.map((ref) => ({ ref }))],
    compositions: [
      { aggregate: 'complete', dependencies: [mainRef] },
      { aggregate: 'unknown', dependencies: refs },
    ],
  };
}

/** The file's bytes: two-space JSON with a final newline, keys in the order built above. Pure. */
export function formatSbom(bom: CdxBom): string {
  return `${JSON.stringify(bom, null, 2)}\n`;
}
