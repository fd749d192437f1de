import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { imageRefs, parseImageName, sanitizeTag, tagsFromRef, validateTags } from '../../src/image/tags.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('tagsFromRef', () => {
  test.each([
    ['refs/tags/v1.2.3', SHA, ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['refs/tags/1.2.3', SHA, ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['refs/tags/v0.4.1', SHA, ['0.4.1', '0.4', 'latest', 'sha-0123456']],
    ['refs/tags/v1.2.3-rc.1', SHA, ['1.2.3-rc.1', 'sha-0123456']],
    ['refs/tags/v2.0.0-beta', '', ['2.0.0-beta']],
    ['refs/tags/v1.2.3+build.5', SHA, ['1.2.3_build.5', 'sha-0123456']],
    ['refs/tags/release-2024', SHA, ['release-2024', 'sha-0123456']],
    ['refs/tags/cmd/server/v1.2.3', SHA, ['1.2.3', '1.2', '1', 'latest', 'sha-0123456']],
    ['refs/tags/nightly/2024', SHA, ['nightly-2024', 'sha-0123456']],
    ['refs/heads/main', SHA, ['main', 'sha-0123456']],
    ['refs/heads/Feature/Login_Page', SHA, ['feature-login_page', 'sha-0123456']],
    ['refs/heads/-weird..', SHA, ['weird', 'sha-0123456']],
    ['refs/pull/42/merge', SHA, ['pr-42', 'sha-0123456']],
    ['', SHA, ['sha-0123456']],
    ['', '', []],
  ])('%s @ %s', (ref, commit, expected) => {
    expect(tagsFromRef({ ref, commit })).toEqual(expected);
  });

  test('falls back to the version when neither ref nor commit says anything', () => {
    expect(tagsFromRef({ ref: '', commit: '', version: '0.0.0-dev+abc1234' })).toEqual(['0.0.0-dev_abc1234']);
  });

  test('a branch name longer than a tag is cut to 128 characters', () => {
    const tags = tagsFromRef({ ref: `refs/heads/${'a'.repeat(300)}`, commit: '' });
    expect(tags).toEqual(['a'.repeat(128)]);
    expect(() => validateTags(tags)).not.toThrow();
  });
});

describe('sanitizeTag', () => {
  test.each([
    ['feature/x', 'feature-x'],
    ['UPPER', 'upper'],
    ['.hidden', 'hidden'],
    ['a  b', 'a-b'],
    ['ünïcode', 'n-code'],
    ['///', ''],
  ])('%s -> %s', (text, expected) => {
    expect(sanitizeTag(text)).toBe(expected);
  });
});

describe('parseImageName', () => {
  test.each([
    ['ghcr.io/org/app', 'ghcr.io', 'org/app'],
    ['localhost:5000/app', 'localhost:5000', 'app'],
    ['127.0.0.1:5000/team/app', '127.0.0.1:5000', 'team/app'],
    ['localhost/app', 'localhost', 'app'],
    ['org/app', 'docker.io', 'org/app'],
    ['app', 'docker.io', 'library/app'],
    ['registry.example.com/a/b/c', 'registry.example.com', 'a/b/c'],
    ['ghcr.io/org/my_app-2.x', 'ghcr.io', 'org/my_app-2.x'],
    ['ghcr.io/org/a__b', 'ghcr.io', 'org/a__b'],
    ['ghcr.io/org/a---b', 'ghcr.io', 'org/a---b'],
    ['[::1]:5000/app', '[::1]:5000', 'app'],
  ])('%s', (name, registry, repository) => {
    expect(parseImageName(name)).toEqual({ name, registry, repository });
  });

  test.each([
    ['', /empty/],
    ['ghcr.io/MyOrg/App', /must be lowercase.*ghcr\.io\/myorg\/app/],
    ['ghcr.io/org/app:1.0', /carries a tag/],
    ['ghcr.io/org/app@sha256:abc', /digest/],
    ['ghcr.io/org/-app', /not a valid path component/],
    ['ghcr.io/org/app_', /not a valid path component/],
    ['ghcr.io/org/a___b', /not a valid path component/],
    ['ghcr.io//app', /not a valid path component/],
    ['-bad.io/app', /not a valid registry/],
    ['ghcr.io:port/app', /not a valid registry/],
    ['ghcr.io/org/app with space', /not a valid path component/],
    [`ghcr.io/${'a'.repeat(300)}`, /longer than 255/],
  ])('%s is refused', (name, why) => {
    let error: unknown;
    try {
      parseImageName(name);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('image');
    expect((error as InputError).message).toMatch(why);
  });
});

describe('validateTags', () => {
  test.each([[['latest']], [['1.2.3', 'sha-abc', 'A_b-C.d']], [['_x']], [['a'.repeat(128)]]])(
    '%j is valid',
    (tags) => {
      expect(validateTags(tags)).toEqual(tags);
    },
  );

  test.each([[['.x']], [['-x']], [['a'.repeat(129)]], [['a+b']], [['a/b']], [['']], [['x', 'x']]])(
    '%j is refused naming tags',
    (tags) => {
      expect(() => validateTags(tags)).toThrow(InputError);
      try {
        validateTags(tags);
      } catch (error) {
        expect((error as InputError).input).toBe('tags');
      }
    },
  );
});

test('imageRefs pairs every name with every tag', () => {
  expect(imageRefs(['ghcr.io/o/a', 'o/a'], ['1', 'latest'])).toEqual([
    'ghcr.io/o/a:1',
    'ghcr.io/o/a:latest',
    'o/a:1',
    'o/a:latest',
  ]);
});
