import bcrypt from 'bcryptjs';
import { BasicVerifier, FailureLimiter, makeAuthenticator, type Authenticator } from '../../../common/auth';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('HTTP Basic', () => {
  const hash = bcrypt.hashSync('correct horse', 4);
  let verifier: BasicVerifier;
  let auth: Authenticator;
  beforeEach(() => {
    verifier = new BasicVerifier('admin', hash);
    auth = makeAuthenticator({ tokens: [], basicAuth: `admin:${hash}` }, { verifier })!;
  });

  test('parallel checks of one credential share one bcrypt run, and later ones run none', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.check(basic('admin', 'correct horse'), '10.0.0.1')));
    expect(results).toEqual(Array(20).fill('ok'));
    expect(verifier.runs).toBe(1);
    expect(await auth.check(basic('admin', 'correct horse'), '10.0.0.2')).toBe('ok');
    expect(verifier.runs).toBe(1);
  });

  test('a wrong user name or password fails, and is never remembered', async () => {
    expect(await auth.check(basic('root', 'correct horse'), '10.0.0.1')).toBe('invalid');
    expect(await auth.check(basic('admin', 'wrong'), '10.0.0.1')).toBe('invalid');
    expect(await auth.check(basic('admin', 'wrong'), '10.0.0.1')).toBe('invalid');
    expect(verifier.runs).toBe(3);
  });

  test('a locked-out address runs no bcrypt, keeps a credential verified recently, and loses it after ten times the limit', async () => {
    expect(await auth.check(basic('admin', 'correct horse'), '10.0.0.1')).toBe('ok');
    for (let i = 0; i < 10; i++) expect(await auth.check(basic('admin', `guess ${i}`), '10.0.0.1')).toBe('invalid');
    const runs = verifier.runs;
    for (let i = 10; i < 99; i++) expect(await auth.check(basic('admin', `guess ${i}`), '10.0.0.1')).toBe('blocked');
    expect(verifier.runs).toBe(runs);
    // 99 failures so far: still under the hard limit of 100.
    expect(await auth.check(basic('admin', 'correct horse'), '10.0.0.1')).toBe('ok');
    expect(await auth.check(basic('admin', 'guess 99'), '10.0.0.1')).toBe('blocked');
    expect(await auth.check(basic('admin', 'correct horse'), '10.0.0.1')).toBe('blocked');
    // Another address is not affected.
    expect(await auth.check(basic('admin', 'correct horse'), '10.0.0.2')).toBe('ok');
  });

  test('parallel guesses cannot queue bcrypt runs past the limit', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => auth.check(basic('admin', `guess ${i}`), '10.0.0.1')));
    expect(verifier.runs).toBe(10);
    expect(results.filter((r) => r === 'blocked')).toHaveLength(40);
  });
});

test('bearer tokens: a valid token is accepted from a locked-out address, however many failures it has', async () => {
  const limiter = new FailureLimiter(10, 60_000);
  const auth = makeAuthenticator({ tokens: ['right'] }, { limiter })!;
  for (let i = 0; i < 500; i++) await auth.check(`Bearer guess-${i}`, '10.0.0.1');
  expect(await auth.check('Bearer guess', '10.0.0.1')).toBe('blocked');
  expect(await auth.check(undefined, '10.0.0.1')).toBe('blocked');
  expect(await auth.check('Bearer right', '10.0.0.1')).toBe('ok');
  expect(await auth.check('Bearer guess', '10.0.0.2')).toBe('invalid');
});
