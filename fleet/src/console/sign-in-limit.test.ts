import test from 'ava';
import { SignInLimit } from './sign-in-limit.ts';

const minute = 60_000;
const alice = ['account:alice', 'address:10.0.0.1'];

const cases: { title: string; failures: [string[], number][]; ask: string[]; at: number; retryAfter: number }[] = [
  { title: 'four failures leave the fifth attempt open', failures: [[alice, 0], [alice, 1], [alice, 2], [alice, 3]], ask: alice, at: 10, retryAfter: 0 },
  { title: 'five failures close the account until the first leaves the window', failures: [[alice, 0], [alice, minute], [alice, minute], [alice, minute], [alice, minute]], ask: ['account:alice', 'address:10.0.0.7'], at: 2 * minute, retryAfter: 180 },
  { title: 'five failures from one address close it for another account too', failures: Array.from({ length: 5 }, (_, i) => [[`account:u${i}`, 'address:10.0.0.1'], i * 1000] as [string[], number]), ask: ['account:bob', 'address:10.0.0.1'], at: 5000, retryAfter: 295 },
  { title: 'failures older than the window no longer count', failures: Array.from({ length: 5 }, (_, i) => [alice, i] as [string[], number]), ask: alice, at: 5 * minute + 5, retryAfter: 0 },
  { title: 'another account from another address is not held back', failures: Array.from({ length: 9 }, (_, i) => [alice, i] as [string[], number]), ask: ['account:bob', 'address:10.0.0.2'], at: 10, retryAfter: 0 },
];

for (const c of cases) {
  test(`sign-in limit: ${c.title}`, (t) => {
    const limit = new SignInLimit(5, 5 * minute);
    for (const [keys, at] of c.failures) limit.fail(keys, at);
    t.is(limit.retryAfter(c.ask, c.at), c.retryAfter);
  });
}

test("sign-in limit: a right password clears the account's failures but not the address's", (t) => {
  const limit = new SignInLimit(2, minute);
  limit.fail(alice, 0);
  limit.fail(alice, 1);
  limit.succeed('account:alice');
  t.is(limit.retryAfter(['account:alice'], 2), 0);
  t.is(limit.retryAfter(['address:10.0.0.1'], 2), 60);
});
