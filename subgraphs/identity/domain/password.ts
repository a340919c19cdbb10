import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;
/** zxcvbn's score 3: "safely unguessable" — about 10^8 guesses or more, beyond an online attack. */
const MIN_SCORE = 3;

// The common-password, English and name dictionaries ship in the packages: nothing is fetched.
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

/**
 * Why a password may not be used, or undefined. Length 12 to 128 (no composition rules, as NIST SP
 * 800-63B advises) and zxcvbn's estimate at least 3, with the person's own e-mail and name counted as
 * guessable, so `1234567890`, `password12` or `meera.iyer2024` are refused with the estimator's reason.
 */
export function passwordProblem(password: string, personal: string[] = []): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `at most ${MAX_PASSWORD_LENGTH} characters`;
  // The e-mail's own part before the @ and the name, not the provider's domain.
  const words = personal
    .flatMap((p) =>
      p
        .toLowerCase()
        .replace(/@.*$/, '')
        .split(/[^\p{L}\p{N}]+/u),
    )
    .filter((w) => w.length >= 4);
  const letters = password.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  if (words.some((w) => letters.includes(w))) return 'must not contain your name or e-mail address';
  const result = zxcvbn.check(password, [...personal, ...words]);
  if (result.score >= MIN_SCORE) return undefined;
  const why = result.feedback.warning ?? result.feedback.suggestions[0] ?? 'too easy to guess';
  return `too easy to guess: ${why.replace(/\.$/, '').toLowerCase()}`;
}
