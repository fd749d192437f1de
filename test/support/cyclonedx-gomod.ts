// cyclonedx-gomod (https://github.com/CycloneDX/cyclonedx-gomod), the established Go SBOM generator the SBOM tests
// compare with. scripts/install-test-deps.sh puts the pinned version on PATH; without it, the tests `go install` it
// into a folder of their own (that needs the Go module proxy once; later runs reuse the binary).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CYCLONEDX_GOMOD_VERSION = 'v1.10.0';
const MODULE = 'github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod';

function versionOf(binary: string): string | null {
  const result = spawnSync(binary, ['version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return /^Version:\s+(\S+)/m.exec(result.stdout)?.[1] ?? null;
}

/** The path of cyclonedx-gomod at the pinned version, installing it with `go install` when needed. */
export function cyclonedxGomod(): string {
  if (versionOf('cyclonedx-gomod') === CYCLONEDX_GOMOD_VERSION) return 'cyclonedx-gomod';
  const gobin = path.join(os.tmpdir(), `gin-release-tools-cyclonedx-gomod-${CYCLONEDX_GOMOD_VERSION}`);
  const binary = path.join(gobin, 'cyclonedx-gomod');
  if (fs.existsSync(binary) && versionOf(binary) === CYCLONEDX_GOMOD_VERSION) return binary;
  const install = spawnSync('go', ['install', `${MODULE}@${CYCLONEDX_GOMOD_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (install.status !== 0) {
    throw new Error(
      `go install ${MODULE}@${CYCLONEDX_GOMOD_VERSION} failed (it needs the Go module proxy once; scripts/install-test-deps.sh does it): ${install.stderr}`,
    );
  }
  return binary;
}
