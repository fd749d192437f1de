// Compiler positions as GitHub can place them. go prints `./main.go:3:2:` relative to the folder it ran in
// (working-directory); the Go problem matcher (matchers/go.json) turns printed lines into annotations and GitHub
// resolves their paths against the workspace, so with working-directory a subfolder every annotation would point
// at a file that does not exist. Paths are rewritten to the workspace before anything is printed. Pure.
import * as path from 'node:path';

// The position at the start of a line, as the problem matcher reads it: `file.go:line[:column]: `.
const POSITION = /^(\s*)((?:[A-Za-z]:)?[^\s:]*\.go)(:\d+(?::\d+)?: )/;

/**
 * `text` with every `file.go:line:col: ` position that lies inside the workspace made relative to it, with `/`
 * between folders. Positions outside the workspace (the module cache, GOROOT) are left as go printed them.
 */
export function workspaceRelativePositions(
  text: string,
  workingDirectory: string,
  workspace: string,
): string {
  const root = path.resolve(workspace);
  return text
    .split('\n')
    .map((line) => {
      const match = POSITION.exec(line);
      if (!match) return line;
      const [whole, indent, file, position] = [match[0], match[1]!, match[2]!, match[3]!];
      const relative = path.relative(root, path.resolve(workingDirectory, file));
      if (
        relative === '' ||
        relative === '..' ||
        relative.startsWith(`..${path.sep}`) ||
        path.isAbsolute(relative)
      ) {
        return line;
      }
      return `${indent}${relative.split(path.sep).join('/')}${position}${line.slice(whole.length)}`;
    })
    .join('\n');
}
