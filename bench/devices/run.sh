#!/usr/bin/env bash
# The device-class benchmark (issue #15): real programs through wdf4j's disk and network classes, against the kernel
# doing the same job without wdf4j (the floor), measured in one run. Prints a markdown table with the ratios.
#
#   bench/devices/run.sh         run the legs, print a markdown table
#
# Legs:
#   disk-floor   a loop device over a file of DISK_MIB MiB on a tmpfs mounted in a temp dir (`losetup --direct-io=on`:
#                the loop device then reads and writes the tmpfs file with O_DIRECT, no second page cache; the table's
#                header says whether the kernel kept direct I/O on, from /sys/block/loopN/loop/dio)
#   disk-wdf4j, disk-wdf4j-isolated
#                the RAM disk sample (samples/ramdisk, ROOT\RAMDISK) with DiskSize = DISK_MIB MiB, through the loop
#                device the host attaches (the link diskWDF0 in the mount root), the driver in-process or in a driver
#                host process of its own
#     each: fio, 4 KiB random reads, then 4 KiB random writes, psync engine, --direct=1, iodepth 1, one job,
#     RUNTIME s after RAMP s, over the whole disk. The disks are not pre-filled: a read of a block never written is
#     zeros on both (the tmpfs file is sparse, the RAM disk's memory zeroed).
#   cable-floor  a kernel veth pair, one end in each of two network namespaces made here, 10.215.0.1/24 and
#                10.215.0.2/24 (the virtual cable's default addresses)
#   cable-wdf4j, cable-wdf4j-isolated
#                the virtual cable sample (samples/netcable, two ROOT\NETCABLE devices), End0Namespace and
#                End1Namespace set to two namespaces made here, the driver in-process or isolated
#     each: iperf3 TCP, one stream, from the first namespace (client) to the second (server), RUNTIME s after RAMP s
#     (iperf3 -O, omitted from the result); the figure is the receiver's.
# The wdf4j legs run `./wdf4j host` on a state directory of their own (a temp dir: the driver installed, its
# Parameters written to drivers/NAME/parameters.properties, `./wdf4j driver start --no-verifier --hosting MODEL`,
# `./wdf4j device add`), wait for the device's loop link or both cable links with carrier, measure, then shut the
# host down (`./wdf4j host shutdown`), which removes the devices and stops the driver.
#
# Not measured: a C FUSE server as a disk (bench/fuse's cnull is a null device, not a seekable disk: the issue's
# "RAM disk >= 0.8x a C FUSE server" needs a C RAM-disk server, which does not exist yet); serial throughput.
#
# Settings (environment):
#   RUNTIME=5        seconds each fio job and each iperf3 run measures
#   RAMP=2           seconds before that (fio --ramp_time, iperf3 -O): lets the JIT compile wdf4j's path
#   DISK_MIB=64      size of the RAM disk and of the tmpfs file
#   LEGS="disk-floor disk-wdf4j disk-wdf4j-isolated cable-floor cable-wdf4j cable-wdf4j-isolated"
#   WDF4J=./wdf4j    the wdf4j launcher (it builds the project first when sources changed since its last build)
#   RAMDISK_JAR=samples/ramdisk/target/ramdisk.jar, NETCABLE_JAR=samples/netcable/target/netcable.jar
#
# Targets printed under the table (issue #15): the cable above 1 Gbit/s; the RAM disk's IOPS against the floor
# (the issue's 0.8x is stated against a C FUSE server, not measured here: see above).
# Needs root (loop devices, FUSE, network namespaces), fio, iperf3, ip (iproute2), losetup (util-linux), python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="$here/target"

# ---------------------------------------------------------------------------------------------------------------
# Requirements

missing=()
[ "$(id -u)" = 0 ] || missing+=("root (loop devices, FUSE and network namespaces need it)")
command -v fio >/dev/null 2>&1 || missing+=("fio (package fio)")
command -v iperf3 >/dev/null 2>&1 || missing+=("iperf3 (package iperf3)")
command -v ip >/dev/null 2>&1 || missing+=("ip (package iproute2)")
command -v losetup >/dev/null 2>&1 || missing+=("losetup (package mount or util-linux)")
command -v python3 >/dev/null 2>&1 || missing+=("python3 (package python3)")
if [ "${#missing[@]}" -gt 0 ]; then
  list="$(printf '%s, ' "${missing[@]}")"
  echo "run.sh: missing: ${list%, } (on Debian or Ubuntu, as root: apt-get install fio iperf3 iproute2 mount python3)" >&2
  exit 1
fi

RUNTIME="${RUNTIME:-5}"
RAMP="${RAMP:-2}"
DISK_MIB="${DISK_MIB:-64}"
LEGS="${LEGS:-disk-floor disk-wdf4j disk-wdf4j-isolated cable-floor cable-wdf4j cable-wdf4j-isolated}"
WDF4J="${WDF4J:-$root/wdf4j}"
RAMDISK_JAR="${RAMDISK_JAR:-$root/samples/ramdisk/target/ramdisk.jar}"
NETCABLE_JAR="${NETCABLE_JAR:-$root/samples/netcable/target/netcable.jar}"
for jar in "$RAMDISK_JAR" "$NETCABLE_JAR"; do
  if [ ! -f "$jar" ]; then
    echo "run.sh: $jar is missing: build it with ./mvnw -B -o package -DskipTests" >&2
    exit 1
  fi
done

# shellcheck source=bench/idle.sh
source "$here/../idle.sh" # sets idle_at_start; warns when the CPUs are busy

results="$target/results"
rm -rf "$results"
mkdir -p "$results"

# ---------------------------------------------------------------------------------------------------------------
# Clean-up, however the script ends: hosts, namespaces, the floor's loop device and tmpfs, temp dirs.

host_pid=""
host_state=""
namespaces=()
floor_loop=""
floor_tmpfs=""
tmpdirs=()
stop_host() {
  [ -n "$host_pid" ] || return 0
  WDF4J_STATE_DIR="$host_state" "$WDF4J" host shutdown >> "$results/host-shutdown.log" 2>&1 || true
  local i
  for i in $(seq 100); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$host_pid" 2>/dev/null; then kill "$host_pid" 2>/dev/null || true; fi
  wait "$host_pid" 2>/dev/null || true
  host_pid=""
}
cleanup() {
  stop_host
  local ns d
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  [ -z "$floor_loop" ] || losetup -d "$floor_loop" 2>/dev/null || true
  [ -z "$floor_tmpfs" ] || umount "$floor_tmpfs" 2>/dev/null || umount -l "$floor_tmpfs" 2>/dev/null || true
  for d in "${tmpdirs[@]}"; do
    if mountpoint -q "$d/dev" 2>/dev/null; then umount "$d/dev" 2>/dev/null || umount -l "$d/dev" 2>/dev/null || true; fi
    rm -rf "$d" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_host LEG JAR NAME HOSTING PARAMS...: `./wdf4j host` on a temp state dir, the driver installed with PARAMS
# (lines of parameters.properties) and started. Sets host_state, host_pid, mount_root.
start_host() {
  local leg="$1" jar="$2" name="$3" hosting="$4" i
  shift 4
  host_state="$(mktemp -d /tmp/wdf4j-bench-devices.XXXXXX)"
  tmpdirs+=("$host_state")
  mount_root="$host_state/dev"
  export WDF4J_STATE_DIR="$host_state"
  "$WDF4J" install "$jar" > "$results/$leg-install.log" 2>&1
  mkdir -p "$host_state/drivers/$name"
  printf '%s\n' "$@" > "$host_state/drivers/$name/parameters.properties"
  "$WDF4J" host --mount-root "$mount_root" > "$results/$leg-host.log" 2>&1 &
  host_pid=$!
  for i in $(seq 300); do
    [ -S "$host_state/host.sock" ] && break
    kill -0 "$host_pid" 2>/dev/null || { echo "run.sh: $leg: the host exited: see $results/$leg-host.log" >&2; return 1; }
    sleep 0.1
  done
  echo "run.sh: $leg: ./wdf4j driver start --no-verifier --hosting $hosting $name" >&2
  "$WDF4J" driver start --no-verifier --hosting "$hosting" "$name" >> "$results/$leg-install.log" 2>&1
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
  local n=$(( $1 * 10 )) i
  shift
  for i in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
# Disk legs

fio_disk() { # fio_disk LEG DEVICE: random 4 KiB reads, then writes; one JSON file each
  local leg="$1" dev="$2" rw
  for rw in randread randwrite; do
    echo "run.sh: $leg: fio $rw 4k on $dev, ${RUNTIME}s after ${RAMP}s" >&2
    fio --name="$leg-$rw" --filename="$dev" --ioengine=psync --direct=1 --iodepth=1 --rw="$rw" --bs=4k \
        --time_based --runtime="$RUNTIME" --ramp_time="$RAMP" --randrepeat=0 --output-format=json \
        --output="$results/$leg-$rw.json" >&2 || true
  done
  local loop
  loop="$(basename "$(readlink -f "$dev")")"
  cat "/sys/block/$loop/loop/dio" > "$results/$leg-dio.txt" 2>/dev/null || echo "?" > "$results/$leg-dio.txt"
}

case " $LEGS " in *" disk-floor "*)
  d="$(mktemp -d /tmp/wdf4j-bench-tmpfs.XXXXXX)"
  tmpdirs+=("$d")
  mount -t tmpfs -o size=$((DISK_MIB + 16))m wdf4j-bench "$d"
  floor_tmpfs="$d"
  truncate -s "${DISK_MIB}M" "$d/disk"
  floor_loop="$(losetup --find --show --direct-io=on "$d/disk")"
  fio_disk disk-floor "$floor_loop"
  losetup -d "$floor_loop"
  floor_loop=""
  umount "$d"
  floor_tmpfs=""
esac

disk_leg() { # disk_leg LEG HOSTING
  local leg="$1" hosting="$2"
  start_host "$leg" "$RAMDISK_JAR" ramdisk "$hosting" "DiskSize=dword:$((DISK_MIB * 1048576))"
  "$WDF4J" device add 'ROOT\RAMDISK' >> "$results/$leg-install.log" 2>&1
  if ! wait_for 20 test -b "$mount_root/diskWDF0"; then
    echo "run.sh: $leg: no $mount_root/diskWDF0 after 20 s: see $results/$leg-host.log" >&2
    stop_host
    return 0
  fi
  fio_disk "$leg" "$mount_root/diskWDF0"
  stop_host
}
case " $LEGS " in *" disk-wdf4j "*) disk_leg disk-wdf4j in-process; esac
case " $LEGS " in *" disk-wdf4j-isolated "*) disk_leg disk-wdf4j-isolated isolated; esac

# ---------------------------------------------------------------------------------------------------------------
# Cable legs

make_namespaces() { # sets ns_a, ns_b
  ns_a="wdf4j-bench-a$$"
  ns_b="wdf4j-bench-b$$"
  ip netns add "$ns_a"; namespaces+=("$ns_a")
  ip netns add "$ns_b"; namespaces+=("$ns_b")
  ip -n "$ns_a" link set lo up
  ip -n "$ns_b" link set lo up
}
drop_namespaces() {
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
  namespaces=()
}

iperf_cable() { # iperf_cable LEG: TCP from ns_a to 10.215.0.2 in ns_b
  local leg="$1" server
  ip netns exec "$ns_b" iperf3 -s -1 -B 10.215.0.2 > "$results/$leg-server.log" 2>&1 &
  server=$!
  if ! wait_for 10 sh -c "ip netns exec $ns_b ss -Hltn 'sport = :5201' | grep -q ."; then
    echo "run.sh: $leg: the iperf3 server does not listen: see $results/$leg-server.log" >&2
  fi
  echo "run.sh: $leg: iperf3 -c 10.215.0.2 -t $RUNTIME -O $RAMP" >&2
  ip netns exec "$ns_a" iperf3 -c 10.215.0.2 -t "$RUNTIME" -O "$RAMP" -J > "$results/$leg.json" 2>&1 || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}

case " $LEGS " in *" cable-floor "*)
  make_namespaces
  ip link add wdfbench0 netns "$ns_a" type veth peer name wdfbench1 netns "$ns_b"
  ip -n "$ns_a" addr add 10.215.0.1/24 dev wdfbench0
  ip -n "$ns_b" addr add 10.215.0.2/24 dev wdfbench1
  ip -n "$ns_a" link set wdfbench0 up
  ip -n "$ns_b" link set wdfbench1 up
  wait_for 10 ip netns exec "$ns_a" ping -c 1 -W 1 10.215.0.2 || echo "run.sh: cable-floor: no ping through the veth pair" >&2
  iperf_cable cable-floor
  drop_namespaces
esac

cable_leg() { # cable_leg LEG HOSTING
  local leg="$1" hosting="$2"
  make_namespaces
  start_host "$leg" "$NETCABLE_JAR" netcable "$hosting" "End0Namespace=sz:$ns_a" "End1Namespace=sz:$ns_b"
  "$WDF4J" device add 'ROOT\NETCABLE' >> "$results/$leg-install.log" 2>&1
  "$WDF4J" device add 'ROOT\NETCABLE' >> "$results/$leg-install.log" 2>&1
  if ! wait_for 20 ip netns exec "$ns_a" ping -c 1 -W 1 10.215.0.2; then
    echo "run.sh: $leg: no ping through the cable after 20 s: see $results/$leg-host.log" >&2
  else
    iperf_cable "$leg"
  fi
  stop_host
  drop_namespaces
}
case " $LEGS " in *" cable-wdf4j "*) cable_leg cable-wdf4j in-process; esac
case " $LEGS " in *" cable-wdf4j-isolated "*) cable_leg cable-wdf4j-isolated isolated; esac

# ---------------------------------------------------------------------------------------------------------------
# Report

echo "## Device classes: RAM disk (fio 4 KiB random, psync, direct, iodepth 1) and virtual cable (iperf3 TCP), ${RUNTIME}s after ${RAMP}s"
echo
echo "$(uname -sr), $(nproc) CPU(s), CPUs ${idle_at_start}% idle before the run, $(fio --version), $(iperf3 --version | head -n 1 | cut -d' ' -f1-2), disk ${DISK_MIB} MiB, verifier off"
echo
python3 - "$results" <<'EOF'
import json, os, sys

results = sys.argv[1]

def read_json(path):
    with open(path) as f:
        text = f.read()
    return json.loads(text[text.index("{"):])  # fio may print notes before the JSON document

def fio(leg, rw):
    """(IOPS, mean µs, p99 µs), or a string saying why there is no number."""
    path = os.path.join(results, f"{leg}-{rw}.json")
    if not os.path.exists(path):
        return "not run"
    try:
        job = read_json(path)["jobs"][0]
    except (ValueError, KeyError, IndexError):
        return "no result"
    if job.get("error"):
        return f"fio error {job['error']}"
    d = job[rw.replace("rand", "")]
    if not d.get("io_bytes"):
        return "no I/O"
    clat = d["clat_ns"]
    p99 = clat.get("percentile", {}).get("99.000000")
    return (d["iops"], clat["mean"] / 1000, None if p99 is None else p99 / 1000)

def dio(leg):
    path = os.path.join(results, f"{leg}-dio.txt")
    return open(path).read().strip() if os.path.exists(path) else ""

def iperf(leg):
    """(Gbit/s, retransmits), or a string."""
    path = os.path.join(results, f"{leg}.json")
    if not os.path.exists(path):
        return "not run"
    try:
        doc = read_json(path)
    except ValueError:
        return "no result"
    if doc.get("error"):
        return "iperf3: " + doc["error"]
    end = doc["end"]
    return (end["sum_received"]["bits_per_second"] / 1e9, end["sum_sent"].get("retransmits"))

def ratio(a, b):
    if isinstance(a, str) or isinstance(b, str) or not b[0]:
        return ""
    return f"{a[0] / b[0]:.2f}"

def cell(r, i, fmt):
    if isinstance(r, str):
        return r if i == 0 else ""
    return "" if r[i] is None else format(r[i], fmt)

disk_legs = [("disk-floor", "floor: loop on tmpfs"), ("disk-wdf4j", "RAM disk in-process"),
             ("disk-wdf4j-isolated", "RAM disk isolated")]
header = ["RAM disk, 4 KiB"]
for leg, name in disk_legs:
    header += [f"{name} IOPS (loop dio={dio(leg) or '?'})", "mean µs", "p99 µs"]
header += ["in-process/floor", "isolated/floor", "isolated/in-process"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
for rw, label in (("randread", "random read"), ("randwrite", "random write")):
    r = {leg: fio(leg, rw) for leg, _ in disk_legs}
    row = [label]
    for leg, _ in disk_legs:
        row += [cell(r[leg], 0, ".0f"), cell(r[leg], 1, ".1f"), cell(r[leg], 2, ".1f")]
    row += [ratio(r["disk-wdf4j"], r["disk-floor"]), ratio(r["disk-wdf4j-isolated"], r["disk-floor"]),
            ratio(r["disk-wdf4j-isolated"], r["disk-wdf4j"])]
    print("| " + " | ".join(row) + " |")
print()

cable_legs = [("cable-floor", "floor: veth pair"), ("cable-wdf4j", "cable in-process"),
              ("cable-wdf4j-isolated", "cable isolated")]
header = ["iperf3 TCP, 1 stream"]
for _, name in cable_legs:
    header += [f"{name} Gbit/s", "retransmits"]
header += ["in-process/floor", "isolated/floor", "isolated/in-process"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
r = {leg: iperf(leg) for leg, _ in cable_legs}
row = ["A to B"]
for leg, _ in cable_legs:
    row += [cell(r[leg], 0, ".3f"), cell(r[leg], 1, "d")]
row += [ratio(r["cable-wdf4j"], r["cable-floor"]), ratio(r["cable-wdf4j-isolated"], r["cable-floor"]),
        ratio(r["cable-wdf4j-isolated"], r["cable-wdf4j"])]
print("| " + " | ".join(row) + " |")
print()
for leg, name in cable_legs[1:]:
    if not isinstance(r[leg], str):
        verdict = "met" if r[leg][0] > 1.0 else "not met"
        print(f"Target cable above 1 Gbit/s ({name}): {verdict} ({r[leg][0]:.3f} Gbit/s).")
print("Target RAM disk >= 0.80x a C FUSE server: not measured (no C RAM-disk FUSE server; the floor here is the kernel's loop on tmpfs).")
EOF
echo
echo "fio's and iperf3's JSON output, the hosts' logs: $results"
