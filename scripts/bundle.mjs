// dist/ is what GitHub runs: one self-contained ESM file per entry point.
// The createRequire banner lets bundled CommonJS dependencies call require().
import { build } from 'esbuild';

const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag > 0 ? process.argv[outdirFlag + 1] : 'dist';

const banner = [
  "import { createRequire as __ginReleaseCreateRequire } from 'node:module';",
  'const require = __ginReleaseCreateRequire(import.meta.url);',
].join('\n');

await build({
  entryPoints: { index: 'src/index.ts', local: 'src/local/cli.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'warning',
  minify: false,
  sourcemap: false,
});
