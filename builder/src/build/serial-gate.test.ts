import test from 'ava';
import { serialGate } from './serial-gate.ts';

test('serialGate runs jobs one at a time, in order, past failures', async (t) => {
  const gate = serialGate();
  const events: string[] = [];
  const job = (name: string, fail = false) => async () => {
    events.push(`start ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    events.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([gate(job('a')), gate(job('b', true)), gate(job('c'))]);
  t.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  t.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});
