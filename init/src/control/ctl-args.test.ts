import test from 'ava';
import { parseCtlArgs } from './ctl-args.ts';

test('imagoctl arguments', (t) => {
  t.deepEqual(parseCtlArgs(['status']), { socket: '/run/imago/control.sock', json: false, request: { command: 'status' } });
  t.deepEqual(parseCtlArgs(['--json', 'logs', 'broker', '-f', '-n', '5']), {
    socket: '/run/imago/control.sock',
    json: true,
    request: { command: 'logs', service: 'broker', lines: 5, follow: true },
  });
  t.deepEqual(parseCtlArgs(['--socket', '/tmp/c.sock', 'restart', 'app']), { socket: '/tmp/c.sock', json: false, request: { command: 'restart', service: 'app' } });
});

test('imagoctl mistakes get a message with the usage', (t) => {
  t.regex((parseCtlArgs(['stop']) as { error: string }).error, /^stop needs a service name\nusage: imagoctl/);
  t.regex((parseCtlArgs(['logs', 'a', '-n', 'x']) as { error: string }).error, /-n needs a whole number, got "x"/);
  t.regex((parseCtlArgs(['frobnicate']) as { error: string }).error, /unknown command "frobnicate"/);
  t.regex((parseCtlArgs([]) as { error: string }).error, /^usage: imagoctl/);
});
