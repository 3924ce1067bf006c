/**
 * The time service: BusyBox ntpd (our own small build, `timeDaemonPath`:
 * Debian builds BusyBox without ntpd), supervised as `time`, with the spec's
 * servers and those the DHCP lease offered. Its `-S` script marks the clock
 * set and saves the time on the data partition on every sync; the mark is the
 * service's ready probe, so any service can wait for the clock with
 * `depends_on: { time: ready }`. Pure: it only adds files and a service.
 */
import { clockSetFile, dataMount, dhcpTimeServersFile, savedClockFile, type InitConfig, type ServiceConfig } from '../../../contract/index.ts';
import { timeServiceName, usesTime } from '../spec/fleet-defaults.ts';
import { serviceDefaults } from '../spec/service-defaults.ts';
import type { Spec } from '../spec/schema.ts';
import { bytes, type Tree } from '../tree/tree.ts';
import { systemService } from './system-service.ts';

/** A static BusyBox with only the ntpd applet, run under that name. */
export const timeDaemonPath = '/usr/libexec/imago/ntpd';
export const timeServicePath = '/usr/share/imago/time-service';
export const timeSyncScriptPath = '/usr/share/imago/time-sync.script';

/** Seconds the service waits, when it has no server at all, before it looks again (DHCP may offer one). */
const noServerRetrySeconds = 10;
/** Seconds the service waits for a network route before its first query. */
const routeWaitSeconds = 15;

/**
 * Starts ntpd with every server it knows: the spec's (its arguments) and
 * DHCP's. ntpd itself says why the clock is not set yet: "timed out waiting
 * for <server>" at each unanswered query.
 */
export const timeServiceScript = `#!/bin/sh
# The time service: ntpd with the spec's servers ("$@") and those DHCP offered.
bb=/bin/busybox
routes=/proc/net/route
peers=""
servers=""
for server in "$@" $($bb cat ${dhcpTimeServersFile} 2>/dev/null); do
  peers="$peers -p $server"
  servers="$servers $server"
done
if [ -z "$peers" ]; then
  echo "time: clock not set: no NTP server (none in the spec, and DHCP offered none with option 42); looking again in ${noServerRetrySeconds}s"
  $bb sleep ${noServerRetrySeconds}
  exit 1
fi
# ntpd waits 32 s after a query the kernel could not send: give DHCP up to ${routeWaitSeconds} s to add a route first.
tries=0
while [ "$($bb wc -l < $routes)" -le 1 ] && [ $tries -lt ${routeWaitSeconds} ]; do
  $bb sleep 1
  tries=$((tries + 1))
done
echo "time: asking$servers; the clock counts as set once one answers"
exec ${timeDaemonPath} -n -S ${timeSyncScriptPath} $peers
`;

/**
 * Run by ntpd on its events ($1): on the first sync it marks the clock set;
 * on every sync it saves the time where the init reads it at the next boot
 * (only on a mounted data partition: anywhere else it would not survive).
 */
export const timeSyncScript = `#!/bin/sh
bb=/bin/busybox
mark=${clockSetFile}
saved=${savedClockFile}
data=${dataMount}
mounts=/proc/mounts
case "$1" in
  step|stratum|periodic)
    if [ ! -e "$mark" ]; then
      $bb mkdir -p "\${mark%/*}"
      : > "$mark"
      echo "time: clock set ($1, offset \${offset:-unknown}s): $($bb date -u '+%Y-%m-%d %H:%M:%S UTC')"
    fi
    if $bb grep -q " $data " "$mounts"; then
      $bb mkdir -p "\${saved%/*}"
      $bb date +%s > "$saved.new" && $bb mv "$saved.new" "$saved"
    fi
    ;;
  unsync)
    echo "time: lost the time servers (stratum \${stratum:-unknown}); the clock runs on"
    ;;
esac
exit 0
`;

/** The supervised time service: ready when the clock-set mark exists; never given up on, however long the servers stay away. */
export function timeService(spec: Spec): ServiceConfig {
  return systemService(timeServiceName, ['/bin/sh', timeServicePath, ...(spec.time?.servers ?? [])], {
    ready: { kind: 'file', file: clockSetFile, intervalMs: 500, timeoutMs: serviceDefaults.ready.timeoutMs },
    // Not being ready is the normal state of a device offline in 1970: waiting is right, restarting ntpd is not.
    startTimeoutMs: 24 * 3600 * 1000,
  });
}

/** Adds the time daemon, its scripts and its service (first, so dependents find it) when the spec sets the clock. */
export function addTimeService(tree: Tree, spec: Spec, config: InitConfig, timeDaemon: Uint8Array | undefined): void {
  if (!usesTime(spec)) return;
  if (!timeDaemon) throw new Error('the spec sets the clock (time: or fleet:) but the build gave no ntpd binary');
  tree.add({ path: timeDaemonPath, kind: 'file', mode: 0o755, data: timeDaemon });
  tree.add({ path: timeServicePath, kind: 'file', mode: 0o755, data: bytes(timeServiceScript) });
  tree.add({ path: timeSyncScriptPath, kind: 'file', mode: 0o755, data: bytes(timeSyncScript) });
  config.services.unshift(timeService(spec));
}
