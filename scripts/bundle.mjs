// dist/ is what GitHub runs: one self-contained ESM file per entry point, with a source map (so a stack trace names
// src/ files and lines) and the licenses of every bundled package.
// The createRequire banner lets bundled CommonJS dependencies call require().
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = path.resolve(outdirFlag > 0 ? process.argv[outdirFlag + 1] : path.join(root, 'dist'));

const banner = [
  "import { createRequire as __ginReleaseCreateRequire } from 'node:module';",
  'const require = __ginReleaseCreateRequire(import.meta.url);',
].join('\n');

// index.js only switches source maps on and then loads run.js, so it is not bundled: its import stays an import.
const entry = await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts' },
  outdir,
  bundle: false,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  logLevel: 'warning',
  write: false,
});

const result = await build({
  absWorkingDir: root,
  // services.js is the worker that talks to the cache and artifact services in a process of its own (a hung call
  // is ended with it); run.js starts it from the same folder.
  entryPoints: { run: 'src/run.ts', local: 'src/local/cli.ts', services: 'src/services/worker.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  // action.yml runs node24. The same files also run on Node 20 (the local runner, act here): neither the sources nor
  // the bundled packages use syntax newer than Node 20 has, so esbuild has nothing to lower for either.
  target: 'node24',
  format: 'esm',
  banner: { js: banner },
  // Notices are collected whole into licenses.txt instead of being scattered through the bundle.
  legalComments: 'none',
  logLevel: 'warning',
  minify: false,
  sourcemap: 'linked',
  sourcesContent: false,
  metafile: true,
  write: false,
});

// dist/ holds only what this run writes, so a file no longer produced cannot linger there.
fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });
for (const file of [...entry.outputFiles, ...result.outputFiles]) {
  let contents = file.text;
  if (file.path.endsWith('.map')) {
    // Sources relative to the project root, whatever folder the bundle is written to, so a bundle made elsewhere
    // (the staleness test writes one to a temp folder) is byte-identical to dist/.
    const map = JSON.parse(contents);
    map.sources = map.sources.map((source) =>
      path
        .relative(root, path.resolve(path.dirname(file.path), source))
        .split(path.sep)
        .join('/'),
    );
    map.sourceRoot = '../';
    contents = `${JSON.stringify(map)}\n`;
  }
  fs.writeFileSync(file.path, contents);
}
fs.writeFileSync(path.join(outdir, 'licenses.txt'), licenses(Object.keys(result.metafile.inputs)));

/** The license text of every npm package whose code is in the bundle, sorted by name. */
function licenses(inputs) {
  const packages = new Map();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!match) continue;
    const dir = path.join(root, match[1]);
    if (packages.has(dir)) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const licenseFile = fs
      .readdirSync(dir)
      .filter((name) => /^(licen[cs]e|copying|notice)/i.test(name))
      .sort()[0];
    packages.set(dir, {
      name: manifest.name,
      version: manifest.version,
      license:
        typeof manifest.license === 'string'
          ? manifest.license
          : JSON.stringify(manifest.license ?? 'UNKNOWN'),
      text: licenseFile
        ? fs.readFileSync(path.join(dir, licenseFile), 'utf8').trim()
        : '(no license file in the package)',
    });
  }
  const sorted = [...packages.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const seen = new Set();
  const parts = [];
  for (const pkg of sorted) {
    const id = `${pkg.name}@${pkg.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    parts.push(`${id} (${pkg.license})\n\n${pkg.text}\n`);
  }
  return `Third-party software bundled into dist/, with its licenses.\n\n${parts.join('\n-----\n\n')}`;
}
