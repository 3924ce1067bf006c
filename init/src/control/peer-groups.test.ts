import test from 'ava';
import { peerGroups } from './peer-groups.ts';

const status = (uid: string, groups: string) => `Name:\timagoctl\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t321\nUid:\t${uid}\nGid:\t100\t100\t100\t100\nFDSize:\t64\nGroups:\t${groups}\nNStgid:\t321\n`;

// [case, status text, peer uid, groups]
const cases: [string, string | undefined, number, number[]][] = [
  ['several groups, with the trailing space the kernel writes', status('1000\t1000\t1000\t1000', '4 27 100 '), 1000, [4, 27, 100]],
  ['no supplementary groups', status('1000\t1000\t1000\t1000', ''), 1000, []],
  ['large ids', status('70000\t70000\t70000\t70000', '4294967294'), 70000, [4294967294]],
  ['the effective uid (second field) is the one compared', status('0\t1000\t0\t1000', '27'), 1000, [27]],
  ['a reused pid now owned by another user gives nothing', status('33\t33\t33\t33', '0 27'), 1000, []],
  ['a process gone (no file) gives nothing', undefined, 1000, []],
  ['no Groups line gives nothing', 'Name:\tx\nUid:\t1000\t1000\t1000\t1000\n', 1000, []],
  ['a malformed Groups line gives nothing', status('1000\t1000\t1000\t1000', '4 x7 100'), 1000, []],
  ['no Uid line gives nothing', 'Name:\tx\nGroups:\t27\n', 1000, []],
];

for (const [name, text, uid, expected] of cases) {
  test(`peerGroups: ${name}`, (t) => {
    t.deepEqual(peerGroups(text, uid), expected);
  });
}
