// Path relations used wherever a path must stay inside a folder (archive names, archive-files, output-dir). Pure.
import * as path from 'node:path';

/** True when `candidate` is below `folder` (not `folder` itself); `..name` is a name, not a way up. Pure. */
export function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}
