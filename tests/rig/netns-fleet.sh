#!/usr/bin/env bash
# A private multi-device network on this machine, for trying a fleet by hand:
#   netns-fleet.sh up N [RATE_MBIT]   N namespaces ecS-d1..dN (10.231.S.11..) on bridge ecbrS (10.231.S.1/24),
#                                     links optionally shaped with tc tbf at RATE_MBIT in both directions
#   netns-fleet.sh down               removes every ec* namespace, link and bridge this script or the tests made
# S is the first free subnet index. Devices get no default route: traffic stays inside these namespaces.
# The C# rig (src/Client/Fleet/NetworkNamespaceRig.cs, used by `edgecluster drill` and the tests) builds the same layout.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }

case "${1:-}" in
  up)
    n="${2:?usage: $0 up N [RATE_MBIT]}"; rate="${3:-}"
    s=0
    until ip link add "ecbr$s" type bridge 2>/dev/null; do s=$((s + 1)); [ "$s" -lt 256 ] || { echo "no free subnet" >&2; exit 1; }; done
    ip addr add "10.231.$s.1/24" dev "ecbr$s"
    ip link set "ecbr$s" up
    for i in $(seq 1 "$n"); do
      ns="ec${s}d$i"; host="ec${s}h$i"
      ip netns add "$ns"
      ip link add "$host" type veth peer name eth0 netns "$ns"
      ip link set "$host" master "ecbr$s"
      ip link set "$host" up
      ip -n "$ns" addr add "10.231.$s.$((10 + i))/24" dev eth0
      ip -n "$ns" link set eth0 up
      ip -n "$ns" link set lo up
      if [ -n "$rate" ]; then
        tc qdisc add dev "$host" root tbf rate "${rate}mbit" burst 64kb latency 100ms
        ip netns exec "$ns" tc qdisc add dev eth0 root tbf rate "${rate}mbit" burst 64kb latency 100ms
      fi
      echo "device-$i: namespace $ns, address 10.231.$s.$((10 + i)), host link $host"
    done
    echo "bridge ecbr$s: 10.231.$s.1 (run a device's silo with: ip netns exec ec${s}d1 ...; partition it with: ip link set ec${s}h1 down)"
    ;;
  down)
    for ns in $(ip netns list | awk '{print $1}' | grep -E '^ec[0-9]+d[0-9]+$' || true); do
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns"
    done
    for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^ec([0-9]+h[0-9]+|br[0-9]+)$' || true); do
      ip link del "$link" 2>/dev/null || true
    done
    echo "removed"
    ;;
  *)
    echo "usage: $0 up N [RATE_MBIT] | down" >&2; exit 2
    ;;
esac
