/**
 * One update at a time. `imagoctl update` takes this lock before its first
 * check and keeps it until PID 1 has answered the arming request, so a second
 * run can neither replace the first one's files between their hashing and
 * their rename nor write the slot the first one is about to arm.
 *
 * Two layers: a flag per Sys for runs in one process, and a file created with
 * O_EXCL in /run (a tmpfs, so a power cut never leaves it behind) holding the
 * owner's pid. A lock whose owner is gone (killed, crashed) is taken over.
 */
import { BundleError } from '../../../contract/index.ts';
import { reasonOf, SysError, type Sys } from '../sys/sys.ts';

export const updateLockPath = '/run/imago/update.lock';

const held = new WeakSet<Sys>();

function refusal(detail: string): BundleError {
  return new BundleError(`an update is already in progress${detail}; wait until it has finished`);
}

/** Takes the update lock or throws "an update is already in progress"; returns its release, which is safe to call twice. */
export function takeUpdateLock(sys: Sys): () => void {
  if (held.has(sys)) throw refusal('');
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = sys.createExclusive(updateLockPath, 0o644);
    } catch (error) {
      if (!(error instanceof SysError) || error.errno !== sys.errno.EEXIST) throw new BundleError(`unable to take the update lock ${updateLockPath}: ${reasonOf(error)}`);
      const text = (sys.readText(updateLockPath) ?? '').trim();
      const owner = /^\d+$/.test(text) ? Number(text) : undefined;
      // No pid yet: its owner is between creating and writing it, so it is held.
      if (owner === undefined || sys.exists(`/proc/${owner}`) || attempt > 0) throw refusal(owner === undefined ? '' : ` (imagoctl pid ${owner})`);
      // Its owner is gone: the lock is stale.
      sys.remove(updateLockPath);
      continue;
    }
    held.add(sys);
    try {
      sys.write(fd, `${sys.getpid()}\n`, updateLockPath);
    } catch (error) {
      held.delete(sys);
      removeQuietly(sys);
      throw error;
    } finally {
      sys.close(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.delete(sys);
      removeQuietly(sys);
    };
  }
}

function removeQuietly(sys: Sys): void {
  try {
    sys.remove(updateLockPath);
  } catch {
    // A lock file left behind is taken over once its owner is gone.
  }
}
