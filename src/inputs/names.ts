// What a version and a binary name may hold. Both become parts of file names, archive entries, -X stamps and
// image tags, and users paste them into shells and download scripts: a conservative character set keeps every one
// of those uses safe, and a value outside it is refused before anything is built. Pure.

const MAX_VERSION_LENGTH = 128;
const MAX_NAME_LENGTH = 100;

export const VERSION_ALLOWED = `Allowed: letters, digits and . _ + - (starting with a letter or digit, at most ${MAX_VERSION_LENGTH} characters), e.g. 1.2.3 or 1.2.3-rc.1+build.5.`;
export const FILE_NAME_ALLOWED = `Allowed: a plain file name of letters, digits and . _ - (starting with a letter or digit, at most ${MAX_NAME_LENGTH} characters), e.g. api or shop-api.`;

// Names Windows cannot create in any folder, whatever the extension (CON, NUL.txt, com1.exe).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** What is wrong with the characters of `value` outside `allowed` (one character class), or undefined. */
function badCharacters(value: string, allowed: RegExp): string | undefined {
  if (/[\r\n]/.test(value)) return 'It contains a line break';
  // C0 and C1 control characters: terminal escapes, NUL, backspace.
  const control = [...value].find(
    (ch) => ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f),
  );
  if (control !== undefined) {
    const code = control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `It contains a control character (U+${code})`;
  }
  const bad = [...new Set([...value].filter((ch) => !allowed.test(ch)))];
  if (bad.length === 0) return undefined;
  return `It contains ${bad.map((ch) => (ch === ' ' ? 'a space' : JSON.stringify(ch))).join(' ')}`;
}

/** Why `value` cannot be the version, or undefined when it can. */
export function versionProblem(value: string): string | undefined {
  const problem =
    badCharacters(value, /[A-Za-z0-9._+-]/) ??
    (value === '' ? 'It is empty' : undefined) ??
    (/^[A-Za-z0-9]/.test(value) ? undefined : `It starts with ${JSON.stringify(value[0])}`) ??
    (value.length > MAX_VERSION_LENGTH ? `It is ${value.length} characters long` : undefined);
  return problem === undefined ? undefined : `${problem}. ${VERSION_ALLOWED}`;
}

/** Why `value` cannot be a binary's file name, or undefined when it can. */
export function fileNameProblem(value: string): string | undefined {
  const problem =
    badCharacters(value, /[A-Za-z0-9._-]/) ??
    (value === '' ? 'It is empty' : undefined) ??
    (/^[A-Za-z0-9]/.test(value)
      ? undefined
      : `It starts with ${JSON.stringify(value[0])} (a hidden file, a way up, or an option to many tools)`) ??
    (value.length > MAX_NAME_LENGTH ? `It is ${value.length} characters long` : undefined) ??
    (WINDOWS_RESERVED.test(value) ? 'It is a name Windows reserves for a device' : undefined);
  return problem === undefined ? undefined : `${problem}. ${FILE_NAME_ALLOWED}`;
}
