// The facts a release is planned from: the Go toolchain (set up now), the commit, the module and the runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDistList, readModulePath } from './build/module.js';
import { InputError } from './errors.js';
import { earlierOutputs } from './files/output-dir.js';
import { setupGo } from './go/install.js';
import type { Inputs } from './inputs.js';
import { resolveExtraFiles } from './package/archive.js';
import type { PlanFacts } from './plan.js';
import { resolveReleaseInfo } from './release.js';
import { detectHost, findEmulators } from './smoke/emulator.js';
import { timed, type RunState } from './state.js';
import { checkOutputDir, checkWorkingDirectory } from './workspace.js';

export async function gatherFacts(inputs: Inputs, state: RunState): Promise<PlanFacts> {
  const cwd = inputs.workingDirectory;
  const paths = { workspace: inputs.workspace, workingDirectory: cwd, outputDir: inputs.outputDir };
  checkWorkingDirectory(paths);
  if (!fs.existsSync(path.join(cwd, 'go.mod'))) {
    throw new InputError('working-directory', cwd, 'It must be a folder holding a Go module (go.mod).');
  }
  checkOutputDir(paths);
  // Globbed now (the package stage globs again) so that a clash of names inside the archives fails before the build.
  const outputDir = path.resolve(cwd, inputs.outputDir);
  const archiveFiles =
    inputs.archiveFormat === 'none'
      ? []
      : await resolveExtraFiles(cwd, inputs.archiveFiles, {
          outputDir,
          ownFiles: await earlierOutputs(outputDir),
          // The package stage says what it left out, once.
          warn: false,
        });
  // A merge builds nothing, so it must work on a runner without Go: no toolchain, no `go tool dist list`.
  if (inputs.mode === 'merge') {
    state.release = await resolveReleaseInfo(cwd, inputs.version);
    return {
      go: null,
      release: state.release,
      modulePath: await readModulePath(cwd),
      archiveFiles,
      runner: { host: await detectHost(), emulators: new Map() },
      env: process.env,
    };
  }
  // setupGo opens its own log groups.
  const go = await timed(
    state,
    'Go toolchain',
    () =>
      setupGo({
        workingDirectory: cwd,
        goVersion: inputs.goVersion,
        goVersionFile: inputs.goVersionFile,
        downloadSource: inputs.goDownloadSource,
        downloadBaseUrl: inputs.goDownloadBaseUrl,
        skipChecksum: inputs.goSkipChecksum,
      }),
    false,
  );
  state.go = go;
  state.release = await resolveReleaseInfo(cwd, inputs.version);
  const [distList, modulePath, host, emulators] = await Promise.all([
    readDistList(go.goBinary),
    readModulePath(cwd),
    detectHost(),
    findEmulators(),
  ]);
  return {
    go: { version: go.version, goBinary: go.goBinary, distList },
    release: state.release,
    modulePath,
    archiveFiles,
    runner: { host, emulators },
    env: process.env,
  };
}
