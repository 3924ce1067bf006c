/**
 * The update agent in PID 1: mounts the ESP (read-only, root's alone:
 * esp-mount.ts) and the data partition at boot,
 * works out from the bootloader's environment (GRUB's grubenv or U-Boot's:
 * slot-store.ts) whether this is a committed boot, a trial
 * or a rollback, commits a trial once the critical services have been healthy
 * long enough (or reboots so the bootloader falls back), arms a written slot when
 * `imagoctl update` asks, and reports it all for `imagoctl status`.
 * Slot writing itself happens in the imagoctl process (apply.ts), so PID 1
 * never buffers a bundle.
 */
import { armTrial, bootedSlot, type BootRole, bootRole, clearTrial, commitTrial, compareVersions, decodeUtf8, espMount, otherSlot, type Slot, type SlotEnv, slots, stateFile, type UpdateConfig } from '../../../contract/index.ts';
import type { Logger } from '../logs/logger.ts';
import type { Sys } from '../sys/sys.ts';
import { CommitWatch, type CriticalState } from './commit-watch.ts';
import { mountPartition, waitForPartition } from './disk.ts';
import { mountEsp, withWritableEsp } from './esp-mount.ts';
import { replaceFile } from './files.ts';
import { openSlotStore, type SlotStore } from './slot-store.ts';
import type { Rollback, UpdateStatus } from './status.ts';
import { verifySlot } from './verify.ts';

/** What the agent keeps on the ESP besides the bootloader's environment. */
interface AgentState {
  /** Written just before a failed trial reboots, so the next boot can say why. */
  trialFailure?: { slot: Slot; reason: string };
  lastRollback?: Rollback;
  /** The highest version committed on this device: nothing older is ever armed. Only goes up. */
  rollbackIndex?: string;
}

export class UpdateAgent {
  private role: BootRole = { kind: 'committed' };
  private booted: Slot = 'A';
  private mounted = false;
  private state: AgentState = {};
  private store: SlotStore | undefined;

  constructor(
    private readonly sys: Sys,
    private readonly log: Logger,
    private readonly config: UpdateConfig,
  ) {}

  /** Mounts the partitions and settles a rollback. Never throws: problems are logged and updates stay off. */
  boot(): void {
    const { sys, log, config } = this;
    try {
      const esp = waitForPartition(sys, config.espLabel, 15_000);
      mountEsp(sys, esp, log);
      this.mounted = true;
    } catch (error) {
      log.warn(`update: ${(error as Error).message}; updates are unavailable`);
    }
    try {
      // Both partitions are on the image's disk: when its ESP never showed up, one look for /data is enough.
      const data = waitForPartition(sys, config.dataLabel, this.mounted ? 5_000 : 0);
      mountPartition(sys, data, config.dataMount, 'ext4', '');
      log.info(`update: data partition ${data} mounted on ${config.dataMount}`);
    } catch (error) {
      log.warn(`update: ${(error as Error).message}`);
    }
    this.booted = bootedSlot(sys.readText('/proc/cmdline') ?? '') ?? 'A';
    if (!this.mounted) return;
    let env: SlotEnv;
    try {
      this.store = openSlotStore(sys);
      env = this.readEnv();
    } catch (error) {
      this.store = undefined;
      log.warn(`update: unable to read the slot state: ${(error as Error).message}; updates are unavailable`);
      return;
    }
    this.state = this.readState();
    this.role = bootRole(env, this.booted);
    if (this.role.kind === 'rolled-back') {
      const failed = this.role.failed;
      const version = this.slotVersion(failed);
      const reason = this.state.trialFailure?.slot === failed ? this.state.trialFailure.reason : `slot ${failed} did not reach a healthy system before its ${config.tries} trial boot(s) ran out`;
      this.state = { rollbackIndex: this.state.rollbackIndex, lastRollback: { slot: failed, version, reason, at: sys.wallClock() } };
      this.writeState();
      this.writeEnv(clearTrial(env));
      log.warn(`update: rolled back from slot ${failed} (version ${version ?? '?'}) to slot ${this.booted}: ${reason}`);
    }
    // The running version is committed (a trial raises the index when it commits).
    if (this.role.kind !== 'trial') this.raiseRollbackIndex();
    log.info(`update: booted slot ${this.booted}, version ${config.version}, ${this.role.kind === 'trial' ? `on trial (commits after ${config.commitAfterMs / 1000} s of healthy critical services)` : 'committed'}`);
  }

  /** During a trial, checks the critical services every second until it commits or fails. */
  watch(services: () => CriticalState[], reboot: () => void): void {
    if (this.role.kind !== 'trial') return;
    const slot = this.role.slot;
    const watch = new CommitWatch(this.config.critical, this.config.commitAfterMs, this.config.commitTimeoutMs);
    const tick = () => {
      const decision = watch.tick(this.sys.now(), services());
      if (decision.kind === 'wait') return void this.sys.setTimeout(tick, 1000);
      if (decision.kind === 'commit') {
        this.writeEnv(commitTrial(this.readEnv(), slot));
        this.role = { kind: 'committed' };
        this.raiseRollbackIndex();
        this.log.info(`update: committed slot ${slot} (version ${this.config.version}) ${(this.sys.now() / 1000).toFixed(1)} s after boot`);
        return;
      }
      this.state = { ...this.state, trialFailure: { slot, reason: decision.reason } };
      this.writeState();
      this.sys.sync();
      this.log.warn(`update: trial of slot ${slot} failed: ${decision.reason}; rebooting into slot ${otherSlot(slot)}`);
      reboot();
    };
    this.sys.setTimeout(tick, 1000);
  }

  /**
   * Arms the inactive slot for a trial boot (the caller reboots). Throws with the
   * reason it cannot. The slot is verified here, in PID 1, whoever asks: its
   * kept bundle header must be signed by a trusted key, for this architecture,
   * newer than the running version and not below the rollback index, and every
   * file must still hash to its sha256 in it (verify.ts).
   */
  activate(slot: Slot): { slot: string; version: string } {
    if (!this.store) throw new Error(this.mounted ? 'the slot state could not be read at boot (see the log); updates are unavailable' : 'the ESP is not mounted; updates are unavailable');
    if (slot === this.booted) throw new Error(`slot ${slot} is running; updates go to slot ${otherSlot(this.booted)}`);
    const dir = `${espMount}/${slot}`;
    if (!this.slotVersion(slot) || !this.sys.exists(`${dir}/boot.cfg`)) throw new Error(`slot ${slot} has not been written completely`);
    let version: string;
    try {
      version = verifySlot(this.sys, slot, this.config, this.state.rollbackIndex).version;
    } catch (error) {
      this.log.warn(`update: refused to arm slot ${slot}: ${(error as Error).message}`);
      throw error;
    }
    this.writeEnv(armTrial(this.readEnv(), slot, this.config.tries));
    this.sys.sync();
    this.log.info(`update: slot ${slot} (version ${version}) armed for ${this.config.tries} trial boot(s); rebooting`);
    return { slot, version };
  }

  status(): UpdateStatus {
    const env = this.statusEnv();
    return {
      version: this.config.version,
      booted: this.booted,
      state: !env ? 'unknown' : this.role.kind === 'trial' ? 'trial' : 'committed',
      slots: slots.map((slot) => ({
        slot,
        version: this.mounted ? this.slotVersion(slot) : undefined,
        booted: slot === this.booted,
        committed: env?.committed === slot && !(this.role.kind === 'trial' && slot === this.booted),
        trialTries: env?.trial === slot ? env.tries : undefined,
      })),
      lastRollback: this.state.lastRollback,
    };
  }

  private slotVersion(slot: Slot): string | undefined {
    const bytes = this.sys.readBytes(`${espMount}/${slot}/manifest.json`);
    if (!bytes) return undefined;
    try {
      return String((JSON.parse(decodeUtf8(bytes)) as { version?: string }).version ?? '0');
    } catch {
      return undefined;
    }
  }

  /** Raises the rollback index to the running version, durably; it never goes down. */
  private raiseRollbackIndex(): void {
    const index = this.state.rollbackIndex;
    if (index !== undefined && compareVersions(this.config.version, index) <= 0) return;
    this.state = { ...this.state, rollbackIndex: this.config.version };
    this.writeState();
    this.log.info(`update: rollback index ${index ?? 'unset'} -> ${this.config.version}: no older version can be armed`);
  }

  /** The slot state for `status`, undefined when it cannot be read (a status request never fails for it). */
  private statusEnv(): SlotEnv | undefined {
    try {
      return this.store ? this.readEnv() : undefined;
    } catch {
      return undefined;
    }
  }

  /** The slot state; a missing grubenv reads as "A committed", as GRUB boots it. */
  private readEnv(): SlotEnv {
    return this.store!.read() ?? { committed: 'A', trial: undefined, tries: 0 };
  }

  private writeEnv(state: SlotEnv): void {
    this.store!.write(state, (line) => this.log.warn(line));
  }

  private readState(): AgentState {
    const bytes = this.sys.readBytes(`${espMount}/${stateFile}`);
    try {
      return bytes ? (JSON.parse(decodeUtf8(bytes)) as AgentState) : {};
    } catch {
      return {};
    }
  }

  private writeState(): void {
    try {
      withWritableEsp(this.sys, (line) => this.log.warn(line), () => replaceFile(this.sys, `${espMount}/${stateFile}`, `${JSON.stringify(this.state)}\n`));
    } catch (error) {
      this.log.warn(`update: unable to record the update state: ${(error as Error).message}`);
    }
  }
}
