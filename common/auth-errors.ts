import { HindsightError } from './errors';
import type { AuthResult } from './auth';

/** A failed credential check as the catalogue's error; the message never repeats the credential. */
export function authError(result: Exclude<AuthResult, 'ok'>): HindsightError {
  switch (result) {
    case 'missing':
      return new HindsightError('HS_UNAUTHENTICATED', 'credentials required: send Authorization: Bearer <token>');
    case 'invalid':
      return new HindsightError('HS_UNAUTHENTICATED', 'the credentials are not valid');
    case 'blocked':
      return new HindsightError('HS_TOO_MANY_FAILURES', 'too many failed attempts from this address: only a valid credential is checked for the next minute', { retryAfterSeconds: 60 });
  }
}
