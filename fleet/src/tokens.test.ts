import test from 'ava';
import { checkBatchName, hashSecret, newToken, parseDuration, parseToken } from './tokens.ts';

test('a new token parses back to its batch, and its hash is the sha256 of the secret', (t) => {
  const { token, hash } = newToken('warehouse-3');
  const parsed = parseToken(token);
  t.is(parsed?.batch, 'warehouse-3');
  t.is(parsed?.secret.length, 43);
  t.is(hash, hashSecret(parsed!.secret));
  t.regex(hash, /^[0-9a-f]{64}$/);
  t.not(newToken('warehouse-3').token, token);
});

const malformedTokens: [string, string][] = [
  ['empty', ''],
  ['no dot', 'batch'],
  ['short secret', 'batch.abc'],
  ['secret not base64url', `batch.${'+'.repeat(43)}`],
  ['empty batch', `.${'a'.repeat(43)}`],
  ['batch with a space', `a b.${'a'.repeat(43)}`],
];
for (const [title, token] of malformedTokens) {
  test(`parseToken refuses a malformed token: ${title}`, (t) => {
    t.is(parseToken(token), undefined);
  });
}

test('batch names with dots are refused, since the dot ends the name in a token', (t) => {
  t.throws(() => checkBatchName('a.b'), { message: /batch name: expected/ });
  t.notThrows(() => checkBatchName('line_2-east'));
});

test('durations: minutes, hours, days; anything else names the option', (t) => {
  t.is(parseDuration('30m'), 30 * 60_000);
  t.is(parseDuration('12h'), 12 * 3_600_000);
  t.is(parseDuration('7d'), 7 * 86_400_000);
  for (const bad of ['7', '0d', '1w', '-1d', '1.5h', ' 7d']) t.throws(() => parseDuration(bad), { message: /--expires: expected a duration/ });
});
