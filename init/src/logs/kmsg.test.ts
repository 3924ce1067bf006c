import test from 'ava';
import { parseKmsgRecord } from './kmsg.ts';

test('kernel records', (t) => {
  t.deepEqual(parseKmsgRecord('6,339,5140900,-;NET: Registered PF_INET6 protocol family\n SUBSYSTEM=net'), {
    level: 'info',
    sequence: 339,
    usec: 5140900,
    message: 'NET: Registered PF_INET6 protocol family',
  });
  t.is(parseKmsgRecord('11,2,3,c;disk error')!.level, 'err', 'facility bits are masked off');
  t.is(parseKmsgRecord('garbage'), undefined);
});
