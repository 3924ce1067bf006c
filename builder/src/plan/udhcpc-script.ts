/**
 * The script BusyBox udhcpc runs on lease events. It configures the interface,
 * the default route and /run/resolv.conf, keeps the NTP servers the lease
 * offers (option 42) for the time service, and prints one line per event,
 * which reaches the DHCP service's log.
 */
import { dhcpTimeServersFile } from '../../../contract/index.ts';
import { timeServiceName } from '../spec/fleet-defaults.ts';

export const udhcpcScriptPath = '/usr/share/imago/udhcpc.script';

export const udhcpcScript = `#!/bin/sh
# Called by udhcpc with the event in $1 and the lease in the environment.
bb=/bin/busybox
case "$1" in
  deconfig)
    $bb ip link set "$interface" up
    $bb ip -4 addr flush dev "$interface"
    ;;
  bound|renew)
    $bb ip -4 addr flush dev "$interface"
    $bb ip addr add "$ip/\${mask:-24}" dev "$interface"
    for router in $router; do
      $bb ip route replace default via "$router" dev "$interface"
      break
    done
    : > /run/resolv.conf.new
    [ -n "$domain" ] && echo "search $domain" >> /run/resolv.conf.new
    for server in $dns; do echo "nameserver $server" >> /run/resolv.conf.new; done
    mv /run/resolv.conf.new /run/resolv.conf
    # ntpd reads its servers once: when the lease brings other ones, the time service starts again with them.
    if [ -n "$ntpsrv" ]; then
      servers="$(for server in $ntpsrv; do echo "$server"; done)"
      if [ "$servers" != "$($bb cat ${dhcpTimeServersFile} 2>/dev/null)" ]; then
        $bb mkdir -p ${dhcpTimeServersFile.slice(0, dhcpTimeServersFile.lastIndexOf('/'))}
        echo "$servers" > ${dhcpTimeServersFile}
        /usr/bin/imagoctl restart ${timeServiceName} >/dev/null 2>&1 || true
      fi
    fi
    echo "$1: $interface $ip/\${mask:-24} router \${router:-none} dns \${dns:-none} ntp \${ntpsrv:-none}"
    ;;
  leasefail|nak)
    echo "$1: $interface: no lease \${message:-}"
    ;;
esac
exit 0
`;
