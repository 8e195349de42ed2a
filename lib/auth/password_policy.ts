/**
 * The password rule, shared by the server (enforcement) and the sign-up island (live feedback).
 * Pure and dependency-free so it can be bundled for the browser.
 */
export interface PasswordCheck {
  length: boolean;
  letter: boolean;
  other: boolean;
  /** 1 (weak) – 4 (strong), from the rules met and extra length. */
  score: number;
  ok: boolean;
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
/** The rule in words, for API error details. */
export const PASSWORD_RULE =
  `at least ${PASSWORD_MIN_LENGTH} characters (at most ${PASSWORD_MAX_LENGTH}), with a letter and a digit or symbol`;

export function checkPassword(password: string): PasswordCheck {
  const chars = [...password].length;
  const length = chars >= PASSWORD_MIN_LENGTH && chars <= PASSWORD_MAX_LENGTH;
  const letter = /\p{L}/u.test(password);
  const other = /[\p{N}\p{P}\p{S}\s]/u.test(password);
  const met = [length, letter, other].filter(Boolean).length;
  const score = Math.max(1, Math.min(4, met + (chars >= 16 && met === 3 ? 1 : 0)));
  return { length, letter, other, score, ok: length && letter && other };
}
