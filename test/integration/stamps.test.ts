// missingStamps reads real files in bounded windows: a value across a window boundary is still found, and the
// build settings' quoted copy of -ldflags still does not count, wherever the boundary falls.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { missingStamps, type Stamp } from '../../src/build/stamps.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gin-release-stamps-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WINDOW = 4 * 1024 * 1024;
const date: Stamp = { input: 'date-variable', variable: 'main.date', value: '2024-05-01T12:00:00Z' };
const version: Stamp = { input: 'version-variable', variable: 'main.version', value: '1.2.3-rc.1' };

/** A file of `size` zero bytes with `text` written at `offset`. */
function fileWith(name: string, size: number, parts: Array<[number, string]>): string {
  const data = Buffer.alloc(size);
  for (const [offset, text] of parts) data.write(text, offset, 'latin1');
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

describe('missingStamps', () => {
  test.each<[string, Array<[number, string]>, Stamp[]]>([
    [
      'both values in the first window',
      [
        [100, date.value],
        [200, version.value],
      ],
      [],
    ],
    ['a value across the window boundary', [[WINDOW - 7, date.value]], [version]],
    ['a value right at the start of the second window', [[WINDOW, version.value]], [date]],
    ['a value near the end of the file', [[WINDOW * 2 + 10, date.value]], [version]],
    [
      'only the build settings copy, with the boundary between the variable and the value',
      [[WINDOW - 'main.date='.length - 3, `-X main.date=${date.value}`]],
      [date, version],
    ],
    [
      'only the build settings copy, the boundary inside the variable name',
      [[WINDOW - 5, `-X main.date=${date.value}`]],
      [date, version],
    ],
    [
      'only the build settings copy, ending just before the boundary (its variable cut from the carried bytes)',
      [[WINDOW - 5 - `-X main.date=${date.value}`.length, `-X main.date=${date.value}`]],
      [date, version],
    ],
    ['nothing at all', [], [date, version]],
  ])('%s', async (name, parts, missing) => {
    const file = fileWith(`${name.replace(/\W+/g, '-')}.bin`, WINDOW * 2 + 100, parts);
    expect(await missingStamps(file, [date, version])).toEqual(missing);
  });
});
