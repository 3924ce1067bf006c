import test from 'ava';
import { hashPassword, verifyPassword } from './password-hash.ts';

test('a password hash verifies the same password and refuses another, and two hashes of one password differ (salt)', async (t) => {
  const stored = await hashPassword('correct horse battery');
  t.regex(stored, /^scrypt\$16\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  t.true(await verifyPassword('correct horse battery', stored));
  t.false(await verifyPassword('correct horse batterY', stored));
  t.false(await verifyPassword('', stored));
  t.not(await hashPassword('correct horse battery'), stored);
});

test('no stored hash, or one that is not ours, matches nothing', async (t) => {
  for (const stored of [undefined, '', 'x', 'scrypt$30$8$1$AAAA$AAAA', 'bcrypt$2b$10$abc']) t.false(await verifyPassword('anything', stored), String(stored));
});
