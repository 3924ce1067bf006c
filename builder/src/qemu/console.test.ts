import test from 'ava';
import { ConsoleLog, describePattern } from './console.ts';

test('splits chunks into lines, dropping carriage returns across chunk boundaries', (t) => {
  const log = new ConsoleLog();
  t.deepEqual(log.push('Linux ver', 10), []);
  t.deepEqual(log.push('sion 6.1\r', 20), []);
  t.deepEqual(log.push('\nline two\r\nthree', 30), [
    { text: 'Linux version 6.1', ms: 30 },
    { text: 'line two', ms: 30 },
  ]);
  t.deepEqual(log.tail(5), ['Linux version 6.1', 'line two', 'three']);
  t.deepEqual(log.end(40), { text: 'three', ms: 40 });
  t.is(log.end(50), undefined);
  t.is(log.transcript(), 'Linux version 6.1\nline two\nthree');
});

test('keeps empty lines', (t) => {
  const log = new ConsoleLog();
  t.deepEqual(log.push('a\n\nb\n', 1).map((l) => l.text), ['a', '', 'b']);
});

test('string match returns the line and moves the cursor past the match', (t) => {
  const log = new ConsoleLog();
  log.push('login: \nready\nlogin: ', 5);
  const first = log.match('login: ');
  t.like(first, { text: 'login: ', line: 'login: ', ms: 5, groups: [] });
  t.like(log.match('login: '), { line: 'login: ' });
  t.is(log.match('login: '), undefined, 'a third prompt has not been printed');
  t.is(log.match('ready'), undefined, 'text before the cursor is not matched again');
});

test('regexp match gives groups and named groups, ignoring the g flag', (t) => {
  const log = new ConsoleLog();
  log.push('eth0: addr 10.0.2.15 up\n', 7);
  const m = log.match(/addr (?<ip>[\d.]+) (\w+)/g);
  t.like(m, { text: 'addr 10.0.2.15 up', groups: ['10.0.2.15', 'up'], named: { ip: '10.0.2.15' }, line: 'eth0: addr 10.0.2.15 up' });
});

test('a match may span chunks and lines, and its time is the completing chunk', (t) => {
  const log = new ConsoleLog();
  log.push('imago: rea', 100);
  t.is(log.match('imago: ready'), undefined);
  log.push('dy\nnext', 250);
  t.like(log.match(/ready\nnext/), { ms: 250, line: 'next' });
});

test('a match ending in a newline reports the line it ends', (t) => {
  const log = new ConsoleLog();
  log.push('one\ntwo\nthree\n', 1);
  t.like(log.match('two\n'), { line: 'two' });
  t.like(log.match(/^three$/m), { line: 'three' });
});

test('tail is limited and includes the unfinished line', (t) => {
  const log = new ConsoleLog();
  log.push('1\n2\n3\n# ', 1);
  t.deepEqual(log.tail(2), ['3', '# ']);
});

test('describePattern quotes strings and prints regexps', (t) => {
  t.is(describePattern('a "b"'), '"a \\"b\\""');
  t.is(describePattern(/x+/i), '/x+/i');
});

test('unfinished exposes the text after the last newline', (t) => {
  const log = new ConsoleLog();
  log.push('boot\n# ', 1);
  t.is(log.unfinished, '# ');
  log.end(2);
  t.is(log.unfinished, '');
});
