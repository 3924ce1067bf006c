import test from 'ava';
import { readUbootEnv, ubootEnvFiles, ubootEnvFormat, ubootScriptFile } from '../../../contract/index.ts';
import { parseConfig } from '../kernel/config-fragment.ts';
import { ubootBoard, ubootBoards } from './boards.ts';
import { parseInitialEnv, ubootBootCommand, ubootBootScript, ubootConfigLines, ubootEnvVars, ubootPreboot } from './boot-script.ts';
import { ubootEspFiles } from './esp-files.ts';
import { boardEnvFormat } from './env-format.ts';

const bootCommandCases = [
  { arch: 'armv7', bootcmd: 'load virtio 0:1 0x40200000 imago/boot.scr && source 0x40200000', preboot: 'env load' },
  { arch: 'mips', bootcmd: 'load ide 0:1 0x82000000 imago/boot.scr && source 0x82000000', preboot: 'unbind ide 0; bind pci 0 ide; ide reset; env load' },
  { arch: 'mips64el', bootcmd: 'load ide 0:1 0xffffffff82000000 imago/boot.scr && source 0xffffffff82000000', preboot: 'unbind ide 0; bind pci 0 ide; ide reset; env load' },
];

for (const { arch, bootcmd, preboot } of bootCommandCases) {
  test(`${arch}: bootcmd loads the boot script from the ESP, preboot readies the disk and loads the environment`, (t) => {
    const board = ubootBoard(arch);
    t.is(ubootBootCommand(board), bootcmd);
    t.is(ubootPreboot(board), preboot);
    const config = parseConfig(ubootConfigLines(board), 'generated');
    t.is(config.get('BOOTCOMMAND'), JSON.stringify(bootcmd));
    t.is(config.get('PREBOOT'), JSON.stringify(preboot));
  });
}

test('every board boots a slot file the bundles carry, from its own load addresses', (t) => {
  for (const board of Object.values(ubootBoards)) {
    const script = ubootBootScript(board);
    const load = `load ${board.diskInterface} 0:1`;
    t.true(script.includes(`${load} ${board.addresses.kernel} \${imago_try}/kernel`), board.arch);
    t.true(script.includes(`${load} ${board.addresses.initrd} \${imago_try}/initrd.img`), board.arch);
    t.true(script.includes(`${load} ${board.addresses.cmdline} \${imago_try}/cmdline`), board.arch);
    t.true(script.includes(`setenv bootargs "\${imago_cmdline} imago.slot=\${imago_try}${board.arch === 'armv7' ? '' : ' memsize=256M'}"`), board.arch);
  }
  t.regex(ubootBootScript(ubootBoard('armv7')), /^ {6}bootz 0x40400000 0x44000000:\$\{imago_initrd_size\} 0x40000000$/m);
  t.regex(ubootBootScript(ubootBoard('mips')), /^ {6}bootm 0x83000000 0x86000000:\$\{imago_initrd_size\}$/m);
});

test('the boot script tries the trial first and the committed slot after it, and only the committed one when falling back', (t) => {
  const script = ubootBootScript(ubootBoard('armv7'));
  t.regex(script, /if test "\$\{imago_committed\}" = B; then setenv imago_good B; else setenv imago_good A; fi/);
  t.regex(script, /if test "\$\{imago_fallback\}" != 1; then\n {2}if test "\$\{imago_trial\}" = A \|\| test "\$\{imago_trial\}" = B; then/);
  t.regex(script, /setenv imago_slots "\$\{imago_trial\} \$\{imago_good\}"/);
  t.regex(script, /for imago_try in \$\{imago_slots\}; do/);
});

test('ubootConfigLines escapes quotes and backslashes as Kconfig reads them', (t) => {
  const board = { ...ubootBoard('armv7'), prepareDisk: ['echo "a\\b"'] };
  t.true(ubootConfigLines(board).includes('CONFIG_PREBOOT="echo \\"a\\\\b\\"; env load"'));
});

test('parseInitialEnv reads name=value lines and names a line without =', (t) => {
  t.deepEqual(parseInitialEnv('arch=arm\nbootcmd=run a; run b=c\n\n'), { arch: 'arm', bootcmd: 'run a; run b=c' });
  t.throws(() => parseInitialEnv('arch=arm\nbroken\n', 'u-boot-initial-env'), { message: 'u-boot-initial-env:2: expected name=value, got "broken"' });
});

test('a fresh environment keeps U-Boot defaults, replaces the boot commands and commits slot A', (t) => {
  const vars = ubootEnvVars(ubootBoard('armv7'), 'bootcmd=run distro_bootcmd\nkernel_addr_r=0x40400000\n');
  t.deepEqual(vars, {
    bootcmd: 'load virtio 0:1 0x40200000 imago/boot.scr && source 0x40200000',
    kernel_addr_r: '0x40400000',
    altbootcmd: 'setenv imago_fallback 1; run bootcmd',
    preboot: 'env load',
    imago_committed: 'A',
  });
});

test('ubootEspFiles writes the script image and a redundant environment whose copy 0 is in use', (t) => {
  const files = ubootEspFiles(ubootBoard('mips'), { initialEnv: 'baudrate=115200\n' }, { epoch: 0, vars: { imago_trial: 'B', upgrade_available: '1', bootlimit: '2' } });
  t.deepEqual(Object.keys(files).sort(), [ubootScriptFile, ...ubootEnvFiles].sort());
  t.is(new DataView(files[ubootScriptFile]!.buffer).getUint32(0), 0x27051956);
  const env = readUbootEnv(ubootEnvFiles.map((file) => files[file]!), boardEnvFormat(ubootBoard('mips')));
  t.true(env.valid);
  t.is(env.copy, 0);
  t.like(env.vars, { baudrate: '115200', imago_committed: 'A', imago_trial: 'B', upgrade_available: '1', bootlimit: '2' });
  t.is(files[ubootEnvFiles[1]]!.length, ubootEnvFormat.size);
});

test('a big-endian board\'s environment carries its CRC big-endian, as its U-Boot reads it; a little-endian board\'s little-endian', (t) => {
  for (const [arch, bigEndian] of [['mips', true], ['mips64', true], ['mipsel', false], ['mips64el', false], ['armv7', false]] as const) {
    const format = boardEnvFormat(ubootBoard(arch));
    t.is(format.bigEndian ?? false, bigEndian, arch);
    const files = ubootEspFiles(ubootBoard(arch), { initialEnv: '' }, { epoch: 0 });
    const copy0 = files[ubootEnvFiles[0]]!;
    t.true(readUbootEnv([copy0, files[ubootEnvFiles[1]]!], format).valid, arch);
    t.false(readUbootEnv([copy0, files[ubootEnvFiles[1]]!], { ...format, bigEndian: !bigEndian }).valid, `${arch}: the other byte order does not read`);
  }
});
