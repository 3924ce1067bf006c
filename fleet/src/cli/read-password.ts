/**
 * The password for `imago fleet operator add NAME --password` (asked twice on
 * the terminal, not echoed) or `--password-file FILE` (its first line, for
 * scripts and tests). Never from the command line, where `ps` would show it.
 */
import { readFile } from 'node:fs/promises';
import { FleetError } from '../errors.ts';

/** Shortest password the console accepts for a new operator. */
export const minPasswordLength = 12;

function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new FleetError('--password: interrupted; no operator added'));
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** The password the flags ask for (undefined when neither is given); FleetError when it is unusable. */
export async function readPassword(flags: { password?: boolean; passwordFile?: string }, operator: string): Promise<string | undefined> {
  let password: string;
  let where: string;
  if (flags.passwordFile !== undefined) {
    where = `--password-file ${flags.passwordFile}`;
    const text = await readFile(flags.passwordFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new FleetError(`${where}: cannot read it (${error.code ?? error.message})`, { cause: error });
    });
    password = text.split(/\r?\n/, 1)[0] ?? '';
  } else if (flags.password) {
    where = '--password';
    if (!process.stdin.isTTY) throw new FleetError('--password: asks on a terminal, and stdin is not one; give --password-file FILE instead');
    password = await askHidden(`password for ${operator}: `);
    if ((await askHidden('again: ')) !== password) throw new FleetError('--password: the two entries differ; no operator added');
  } else {
    return undefined;
  }
  if ([...password].length < minPasswordLength) throw new FleetError(`${where}: the password is shorter than ${minPasswordLength} characters`);
  return password;
}
