/** The account e-mails identity sends itself (links carry single-use tokens, so they never go on the event bus). */
export interface AccountMail {
  subject: string;
  text: string;
}

const sign = '\n\n— LoanFlow';

export const accountMail = {
  verify: (name: string, link: string, hours: number): AccountMail => ({
    subject: 'Confirm your e-mail address to open your LoanFlow account',
    text: `Hello ${name},\n\nTo open your account, confirm this address within ${hours} hours:\n${link}\n\nIf you did not sign up, ignore this message; no account is opened.${sign}`,
  }),
  alreadyRegistered: (resetLink: string): AccountMail => ({
    subject: 'You already have a LoanFlow account',
    text: `Someone (perhaps you) tried to sign up with this address, which already has an account. Sign in as usual; if you forgot your password, reset it here:\n${resetLink}\n\nIf this was not you, nothing has changed.${sign}`,
  }),
  reset: (link: string, minutes: number): AccountMail => ({
    subject: 'Reset your LoanFlow password',
    text: `To choose a new password, open this link within ${minutes} minutes (it works once):\n${link}\n\nIf you did not ask for this, ignore this message; your password is unchanged.${sign}`,
  }),
  locked: (failures: number, resetLink: string): AccountMail => ({
    subject: 'Your LoanFlow account was locked',
    text: `After ${failures} failed sign-ins in a row, your account was locked to protect it. To unlock it, reset your password here:\n${resetLink}\n\nIf the failed sign-ins were not you, someone may be guessing your password; choose a new one you use nowhere else.${sign}`,
  }),
};
