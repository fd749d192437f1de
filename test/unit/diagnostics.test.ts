// Compiler positions rewritten from working-directory to the workspace, where GitHub resolves annotation paths.
import * as path from 'node:path';
import { expect, test } from 'vitest';
import { workspaceRelativePositions } from '../../src/build/diagnostics.js';

const WORKSPACE = path.resolve('/work/repo');
const SERVICE = path.join(WORKSPACE, 'services', 'api');

test.each<[string, string, string, string]>([
  [
    'a file in working-directory',
    SERVICE,
    './main.go:3:2: undefined: x',
    'services/api/main.go:3:2: undefined: x',
  ],
  [
    'a file in a package below it',
    SERVICE,
    'internal/db/db.go:10: syntax error',
    'services/api/internal/db/db.go:10: syntax error',
  ],
  [
    'a file above it, still in the workspace',
    path.join(SERVICE, 'cmd'),
    '../main.go:1:1: x',
    'services/api/main.go:1:1: x',
  ],
  [
    'working-directory is the workspace',
    WORKSPACE,
    './main.go:3:2: undefined: x',
    'main.go:3:2: undefined: x',
  ],
  [
    'indented positions keep their indent',
    SERVICE,
    '\t./main.go:3:2: other declaration of x',
    '\tservices/api/main.go:3:2: other declaration of x',
  ],
  [
    'an absolute path inside the workspace',
    SERVICE,
    `${path.join(SERVICE, 'main.go')}:3:2: undefined: x`,
    'services/api/main.go:3:2: undefined: x',
  ],
  [
    'the module cache stays as go printed it',
    SERVICE,
    '/root/go/pkg/mod/example.com/dep@v1.0.0/dep.go:5:1: x',
    '/root/go/pkg/mod/example.com/dep@v1.0.0/dep.go:5:1: x',
  ],
  ['a package header', SERVICE, '# example.com/api', '# example.com/api'],
  [
    'a linker flag error',
    SERVICE,
    'flag provided but not defined: -unknownflag',
    'flag provided but not defined: -unknownflag',
  ],
  ['a .go name without a position', SERVICE, 'main.go is not in std', 'main.go is not in std'],
  [
    'several lines, each on its own',
    SERVICE,
    '# example.com/api\n./main.go:3:2: a\n./util.go:9:1: b',
    '# example.com/api\nservices/api/main.go:3:2: a\nservices/api/util.go:9:1: b',
  ],
])('%s', (_name, workingDirectory, text, expected) => {
  expect(workspaceRelativePositions(text, workingDirectory, WORKSPACE)).toBe(expected);
});
