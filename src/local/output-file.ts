// The runner's GITHUB_OUTPUT file format, read back: `name<<DELIM\nvalue\nDELIM` (what @actions/core writes) or
// `name=value`. For the local runner and the tests that run the bundled action. Pure.
export function parseOutputFile(text: string): Array<[string, string]> {
  const lines = text.split('\n');
  const outputs: Array<[string, string]> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      while (i + 1 < lines.length && lines[i + 1] !== heredoc[2]) value.push(lines[++i]!);
      i++;
      outputs.push([heredoc[1]!, value.join('\n')]);
    } else if (line.includes('=')) {
      outputs.push([line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
    }
  }
  return outputs;
}
