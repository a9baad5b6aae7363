import type { FieldError } from '../../errors.js';

/**
 * Password rules after NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, and a
 * check against passwords known to be common. The list holds common choices of 12+ characters
 * (shorter ones fail the length rule anyway).
 */
const common = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789abc', '1q2w3e4r5t6y', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv',
  'qwertyuiop12', 'qwertyuiop123', 'qwertyuiopasdf', 'qwertyuiopasdfghjkl', 'asdfghjkl123', 'zxcvbnm12345', 'qazwsxedcrfv',
  'password1234', 'password12345', 'password123456', 'passwordpassword', 'password1234!', 'password123!', 'p@ssw0rd1234',
  'p@ssword1234', 'passw0rd1234', 'mypassword123', 'letmein12345', 'welcome12345', 'welcome123456', 'iloveyou1234',
  'trustno112345', 'abcdefghijkl', 'abcdefghijklm', 'abc123abc123', 'abcd1234abcd', 'aaaaaaaaaaaa', 'monkey123456',
  'football1234', 'baseball1234', 'sunshine1234', 'princess1234', 'starwars1234', 'superman1234', 'batman123456',
  'changeme1234', 'administrator', 'administrator1', 'admin1234567', 'adminadmin123', 'qwerty123456', 'qwerty1234567',
  '111111111111', '000000000000', '121212121212', '123123123123', '987654321098', 'correcthorsebatterystaple',
  'liverpool1234', 'chelsea12345', 'arsenal12345', 'manchester123', 'london123456', 'england12345', 'tessera12345',
  'letmeinplease', 'iloveyouforever', 'whatever1234', 'computer1234', 'internet1234', 'secret123456', 'default12345',
]);

/**
 * @param password the proposed password
 * @param handle the account's handle, which the password must not contain
 * @returns the problems, empty when acceptable
 */
export function checkPassword(password: string, handle: string): FieldError[] {
  const fail = (detail: string): FieldError[] => [{ field: 'password', pointer: '/password', in: 'body', detail }];
  const length = [...password].length;
  if (length < 12) return fail('must be at least 12 characters');
  if (length > 256) return fail('must be at most 256 characters');
  const lower = password.toLowerCase();
  if (common.has(lower)) return fail('is too common; choose a longer phrase of your own');
  if (new Set(lower).size < 4) return fail('uses too few different characters');
  if (handle.length >= 3 && lower.includes(handle.toLowerCase())) return fail('must not contain the handle');
  return [];
}

const handlePattern = /^[a-z0-9][a-z0-9._@+-]{2,63}$/;

/**
 * Handles are case-insensitive login names, stored lower-cased.
 * @returns the normalised handle, or the problem
 */
export function normaliseHandle(handle: string): string | FieldError[] {
  const h = handle.trim().toLowerCase();
  if (!handlePattern.test(h)) {
    return [
      {
        field: 'handle',
        pointer: '/handle',
        in: 'body',
        detail: 'must be 3–64 characters: letters, digits and . _ @ + -, starting with a letter or digit',
      },
    ];
  }
  return h;
}
