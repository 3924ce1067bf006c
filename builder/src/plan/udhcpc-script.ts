/**
 * The script BusyBox udhcpc runs on lease events. It configures the interface,
 * the default route and /run/resolv.conf, and prints one line per event, which
 * reaches the DHCP service's log.
 */
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
    echo "$1: $interface $ip/\${mask:-24} router \${router:-none} dns \${dns:-none}"
    ;;
  leasefail|nak)
    echo "$1: $interface: no lease \${message:-}"
    ;;
esac
exit 0
`;
