#!/usr/bin/env bash
# The FUSE benchmark: how fast a real program (fio) reads and writes a wdf4j device through wdf4j's FUSE server,
# against the kernel's own /dev/zero and /dev/null and against a C server written on libfuse3 (cnull.c).
#
#   bench/fuse/run.sh            build cnull, run the three legs, print a markdown table
#
# Legs, each doing sequential reads and writes of 4 KiB and 64 KiB:
#   floor   reads of /dev/zero, writes to /dev/null: the cost of the system call and fio alone
#   C       the file null0 of cnull (libfuse3 low-level API, zeros on read, writes dropped), mounted in a temp dir
#   wdf4j   the file null0 of the null sample (samples/null, ROOT\NULL) mounted by
#           `./wdf4j run --hosting in-process --device 'ROOT\NULL' --mount-root DIR --exec COMMAND
#           samples/null/target/null.jar`: the driver in the host's JVM (without --hosting when `./wdf4j run --help`
#           does not offer it, i.e. before isolation existed); skipped, with a message, while `./wdf4j run --help`
#           does not offer --mount-root
#   wdf4j-isolated   the same with --hosting isolated: the driver in a driver host process of its own, every request
#           and completion crossing its standard input and output (issue #10, H11); skipped, with a message, while
#           `./wdf4j run --help` does not offer --hosting
#
# Settings (environment):
#   RUNTIME=5        seconds each fio job measures
#   RAMP=1           seconds each fio job runs before it measures (lets the JIT compile wdf4j's I/O path)
#   JOBS="1"         the numbers of parallel fio clients to run, e.g. JOBS="1 2"; each client opens the file itself
#   CNULL_OPTS=""    options of cnull: "" is libfuse's multi-threaded loop, "-s" single-threaded, "-o clone_fd"
#   VERIFIER=0       1 runs the wdf4j leg with the driver verifier on (`wdf4j run`'s default); the benchmark turns it
#                    off (--no-verifier), as a production driver runs
#   WDF4J_OPTS=""    extra options of `wdf4j run`
#   WDF4J=./wdf4j    the wdf4j launcher (it builds the project first when sources changed since its last build)
#   NULL_JAR=samples/null/target/null.jar   the driver package of the wdf4j leg (any driver of ROOT\NULL)
#   LEGS="floor c wdf4j wdf4j-isolated"   which legs to run
#
# Targets printed under the table: wdf4j (in-process) >= 0.80 x C (issue #5), wdf4j isolated >= 0.90 x wdf4j
# in-process (issue #10, H11).
#
# How fio drives a FUSE file with device semantics (findings on fio 3.33, kernel 6.x; see fio_set below):
#   - Both servers open the file with FOPEN_NONSEEKABLE (wdf4j with FOPEN_STREAM too): the kernel clears
#     FMODE_PREAD/PWRITE/LSEEK, so pread, pwrite and lseek fail with ESPIPE. fio's psync engine (pread/pwrite) thus
#     fails at the first I/O ("Illegal seek"); the sync engine (read/write) works, because it calls lseek only when
#     the next offset is not where the last I/O ended, which sequential I/O never asks for. So: --ioengine=sync, and
#     a --size (1 PiB) that no run reaches, since wrapping around to offset 0 would lseek.
#   - The file is a regular file of size 0, so fio would "lay out" a file of --size before the job (unlink, create,
#     ftruncate, fill), which the servers do not support (ENOSYS). --create_on_open=1 skips the lay-out: fio takes
#     --size as the file's size and opens the existing file at job start. --invalidate=0 skips the page-cache flush
#     (there is no page cache: direct_io).
#   - The floor legs use the same options: /dev/zero and /dev/null accept them all.
#   Latency is fio's completion latency (clat), which for the sync engine is the read(2) or write(2) call.
#
# Comparing the servers:
#   - wdf4j's server reads /dev/fuse with several threads, each on its own clone of the fd (nproc threads, 2 to 8);
#     cnull's default is libfuse's multi-threaded loop on one fd; CNULL_OPTS="-o clone_fd" is the closer match.
#   - wdf4j's opens allow parallel direct writes (FOPEN_PARALLEL_DIRECT_WRITES); cnull's do only with a libfuse that
#     offers fuse_file_info.parallel_direct_writes (newer than 3.14; probed at build, shown in the table's header).
#     Without it the kernel serializes the writes of the JOBS clients on the inode's lock: with JOBS > 1 the write
#     rows then favour wdf4j.
#   - The CPUs should be idle: the script warns when they are not, and a busy machine (a build, a test run) makes the
#     FUSE legs, which wake a server thread per request, vary by a factor of 2 or more.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="$here/target"
SIZE=1P

# fio_set LEG READ_FILE WRITE_FILE OUTDIR RUNTIME RAMP JOBS...: the four fio jobs of one leg, one JSON file each.
# Also what the wdf4j leg's --exec runs (through this script), while the device's file is mounted.
fio_set() {
  local leg="$1" read_file="$2" write_file="$3" out="$4" runtime="$5" ramp="$6"
  shift 6
  mkdir -p "$out"
  # A read must give zeros, as many as asked for: a server that answers garbage or short reads is not measured.
  if ! head -c 65536 "$read_file" | cmp -s - <(head -c 65536 /dev/zero); then
    echo "run.sh: $leg: a read of $read_file does not give 64 KiB of zeros" >&2
    return 1
  fi
  local jobs rw bs file
  for jobs in "$@"; do
    for rw in read write; do
      for bs in 4k 64k; do
        if [ "$rw" = read ]; then file="$read_file"; else file="$write_file"; fi
        echo "run.sh: $leg: $rw $bs, $jobs job(s), ${runtime}s" >&2
        # fio's exit status is checked through the JSON (error field) by the report.
        fio --name="$leg-$rw-$bs" --filename="$file" --ioengine=sync --rw="$rw" --bs="$bs" --size="$SIZE" \
            --create_on_open=1 --invalidate=0 --time_based --runtime="$runtime" --ramp_time="$ramp" \
            --numjobs="$jobs" --group_reporting --output-format=json \
            --output="$out/$leg-$rw-$bs-j$jobs.json" >&2 || true
      done
    done
  done
}

if [ "${1:-}" = "--fio-set" ]; then # internal: the wdf4j leg's --exec
  shift
  fio_set "$@"
  exit
fi

# ---------------------------------------------------------------------------------------------------------------
# Requirements

missing=()
command -v fio >/dev/null 2>&1 || missing+=("fio (package fio)")
command -v gcc >/dev/null 2>&1 || missing+=("gcc (package gcc)")
{ command -v pkg-config >/dev/null 2>&1 && pkg-config --exists fuse3; } \
  || missing+=("libfuse3 headers and pkg-config file (packages libfuse3-dev, pkg-config)")
command -v fusermount3 >/dev/null 2>&1 || missing+=("fusermount3 (package fuse3)")
command -v python3 >/dev/null 2>&1 || missing+=("python3 (package python3)")
if [ "${#missing[@]}" -gt 0 ]; then
  list="$(printf '%s, ' "${missing[@]}")"
  echo "run.sh: missing: ${list%, } (on Debian or Ubuntu: apt-get install fio gcc pkg-config libfuse3-dev fuse3 python3)" >&2
  exit 1
fi
if [ ! -c /dev/fuse ] || ! [ -r /dev/fuse ] || ! [ -w /dev/fuse ]; then
  echo "run.sh: /dev/fuse is missing or not readable and writable by $(id -un) (modprobe fuse; run as root)" >&2
  exit 1
fi

RUNTIME="${RUNTIME:-5}"
RAMP="${RAMP:-1}"
read -r -a jobs_list <<< "${JOBS:-1}"
CNULL_OPTS="${CNULL_OPTS:-}"
WDF4J_OPTS="${WDF4J_OPTS:-}"
WDF4J="${WDF4J:-$root/wdf4j}"
VERIFIER="${VERIFIER:-0}"
wdf4j_args=()
[ "$VERIFIER" = 1 ] || wdf4j_args+=(--no-verifier)
# shellcheck disable=SC2206 # WDF4J_OPTS is a list of options
wdf4j_args+=($WDF4J_OPTS)
LEGS="${LEGS:-floor c wdf4j wdf4j-isolated}"
# shellcheck source=bench/idle.sh
source "$here/../idle.sh" # sets idle_at_start; warns when the CPUs are busy

results="$target/results"
rm -rf "$results"
mkdir -p "$results"

# ---------------------------------------------------------------------------------------------------------------
# Clean-up: whatever is still mounted or running when the script ends, however it ends.

cnull_pid=""
cnull_pdw=n/a
mounts=()
cleanup() {
  local m
  for m in "${mounts[@]}"; do
    if mountpoint -q "$m" 2>/dev/null; then
      fusermount3 -u "$m" 2>/dev/null || umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    fi
    rmdir "$m" 2>/dev/null || true
  done
  if [ -n "$cnull_pid" ] && kill -0 "$cnull_pid" 2>/dev/null; then
    kill "$cnull_pid" 2>/dev/null || true
    wait "$cnull_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_mounted() { # wait_mounted DIR PID: until DIR is a mount point (5 s), while PID lives
  local i
  for i in $(seq 50); do
    mountpoint -q "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------------------------------------------------------
# Legs

case " $LEGS " in *" floor "*)
  fio_set floor /dev/zero /dev/null "$results" "$RUNTIME" "$RAMP" "${jobs_list[@]}"
esac

case " $LEGS " in *" c "*)
  mkdir -p "$target"
  cflags=(-O2 -Wall -Wextra)
  if pkg-config --atleast-version=3.12 fuse3; then cflags+=(-DFUSE_USE_VERSION=312); else cflags+=(-DFUSE_USE_VERSION=34); fi
  cnull_pdw=no
  # Whether this libfuse can ask for parallel direct writes (fuse_file_info.parallel_direct_writes, newer than 3.14).
  # shellcheck disable=SC2046 # pkg-config's flags are words
  if printf '#define FUSE_USE_VERSION 34\n#include <fuse_lowlevel.h>\nint main(void) { struct fuse_file_info fi = { .parallel_direct_writes = 1 }; return fi.parallel_direct_writes - 1; }\n' \
      | gcc -x c -o /dev/null - $(pkg-config --cflags --libs fuse3) 2>/dev/null; then
    cflags+=(-DHAVE_PARALLEL_DIRECT_WRITES)
    cnull_pdw=yes
  fi
  # shellcheck disable=SC2046 # pkg-config's flags are words
  gcc "${cflags[@]}" -o "$target/cnull" "$here/cnull.c" $(pkg-config --cflags --libs fuse3)
  mnt="$(mktemp -d /tmp/wdf4j-bench-cnull.XXXXXX)"
  mounts+=("$mnt")
  # shellcheck disable=SC2086 # CNULL_OPTS is a list of options
  "$target/cnull" -f $CNULL_OPTS "$mnt" &
  cnull_pid=$!
  if ! wait_mounted "$mnt" "$cnull_pid"; then
    echo "run.sh: cnull did not mount $mnt" >&2
    exit 1
  fi
  fio_set c "$mnt/null0" "$mnt/null0" "$results" "$RUNTIME" "$RAMP" "${jobs_list[@]}"
  fusermount3 -u "$mnt" || umount "$mnt"
  wait "$cnull_pid" || true
  cnull_pid=""
  rmdir "$mnt"
esac

# wdf4j_leg LEG HOSTING: the null sample's device file mounted by `./wdf4j run`, fio run through --exec. HOSTING is
# in-process, isolated, or empty (no --hosting option). Sets wdf4j_note when the leg could not run.
wdf4j_note=""
wdf4j_help=""
wdf4j_leg() {
  local leg="$1" hosting="$2" hosting_args=() mnt exec_cmd log
  if [ -n "$hosting" ]; then hosting_args=(--hosting "$hosting"); fi
  local null_jar="${NULL_JAR:-$root/samples/null/target/null.jar}"
  if [ ! -f "$null_jar" ]; then
    echo "run.sh: $null_jar is missing: build it with ./mvnw -B install -pl samples,samples/null -Dmaven.test.skip=true" >&2
    exit 1
  fi
  mnt="$(mktemp -d /tmp/wdf4j-bench-wdf4j.XXXXXX)"
  mounts+=("$mnt")
  exec_cmd="$(printf '%q ' bash "$here/run.sh" --fio-set "$leg" "$mnt/null0" "$mnt/null0" "$results" \
      "$RUNTIME" "$RAMP" "${jobs_list[@]}")"
  log="$results/$leg-run.log"
  echo "run.sh: $leg: ./wdf4j run ${hosting_args[*]} --device 'ROOT\\NULL' --mount-root $mnt ${wdf4j_args[*]} --exec ..." >&2
  if ! "$WDF4J" run "${hosting_args[@]}" --device 'ROOT\NULL' --mount-root "$mnt" "${wdf4j_args[@]}" \
      --exec "$exec_cmd" "$null_jar" > "$log" 2>&1; then
    wdf4j_note="${wdf4j_note:+$wdf4j_note; }\`wdf4j run\` ($leg) failed: see $log"
    echo "run.sh: \`wdf4j run\` ($leg) failed: see $log" >&2
  fi
  sed "s/^/run.sh: $leg run: /" "$log" | tail -n 40 >&2
  rmdir "$mnt" 2>/dev/null || true
}

case " $LEGS " in *" wdf4j "*|*" wdf4j-isolated "*)
  wdf4j_help="$("$WDF4J" run --help 2>&1)" || true
  if ! grep -q -- '--mount-root' <<< "$wdf4j_help"; then
    wdf4j_note="wdf4j legs skipped: \`./wdf4j run --help\` does not offer --mount-root (the mounting \`wdf4j run\` has not landed, or the build failed)"
    echo "run.sh: $wdf4j_note" >&2
    tail -n 5 <<< "$wdf4j_help" | sed 's/^/run.sh:   /' >&2
  else
    has_hosting=n
    grep -q -- '--hosting' <<< "$wdf4j_help" && has_hosting=y
    case " $LEGS " in *" wdf4j "*)
      if [ "$has_hosting" = y ]; then wdf4j_leg wdf4j in-process; else wdf4j_leg wdf4j ""; fi
    esac
    case " $LEGS " in *" wdf4j-isolated "*)
      if [ "$has_hosting" = y ]; then
        wdf4j_leg wdf4j-isolated isolated
      else
        wdf4j_note="${wdf4j_note:+$wdf4j_note; }wdf4j-isolated leg skipped: \`./wdf4j run --help\` does not offer --hosting"
        echo "run.sh: wdf4j-isolated leg skipped: \`./wdf4j run --help\` does not offer --hosting" >&2
      fi
    esac
  fi
esac

# ---------------------------------------------------------------------------------------------------------------
# Report

echo "## FUSE benchmark: fio, sequential, sync engine (read/write), ${RUNTIME}s per job after ${RAMP}s ramp"
echo
echo "$(uname -sr), $(nproc) CPU(s), CPUs ${idle_at_start}% idle before the run, $(fio --version), libfuse $(pkg-config --modversion fuse3), cnull options: '${CNULL_OPTS:-multi-threaded}' (parallel direct writes: $cnull_pdw), wdf4j run options: '${wdf4j_args[*]}'"
echo
python3 - "$results" "${jobs_list[@]}" <<'EOF'
import json, os, sys

results, jobs_list = sys.argv[1], sys.argv[2:]
legs = [("floor", "/dev/zero, /dev/null"), ("c", "C libfuse3"), ("wdf4j", "wdf4j in-process"),
        ("wdf4j-isolated", "wdf4j isolated")]

def load(leg, rw, bs, jobs):
    """(MiB/s, mean µs, p99 µs), or a string saying why there is no number."""
    path = os.path.join(results, f"{leg}-{rw}-{bs}-j{jobs}.json")
    if not os.path.exists(path):
        return "not run"
    try:
        with open(path) as f:
            text = f.read()
        # fio may print notes before the JSON document
        job = json.loads(text[text.index("{"):])["jobs"][0]
    except (ValueError, KeyError, IndexError):
        return "no result"
    if job.get("error"):
        return f"fio error {job['error']}"
    d = job[rw]
    if not d.get("io_bytes"):
        return "no I/O"
    clat = d["clat_ns"]
    p99 = clat.get("percentile", {}).get("99.000000")
    return (d["bw_bytes"] / 2**20, clat["mean"] / 1000, None if p99 is None else p99 / 1000)

def cell(r, i, fmt):
    if isinstance(r, str):
        return r if i == 0 else ""
    return "" if r[i] is None else format(r[i], fmt)

def ratio(a, b):
    if isinstance(a, str) or isinstance(b, str) or not b[0]:
        return ""
    return f"{a[0] / b[0]:.2f}"

header = ["I/O", "jobs"]
for _, name in legs:
    header += [f"{name} MiB/s", "mean µs", "p99 µs"]
header += ["wdf4j/C", "wdf4j/floor", "isolated/C", "isolated/in-process"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join(["---"] * 2 + ["---:"] * (len(header) - 2)) + "|")
met = total = iso_met = iso_total = 0
for jobs in jobs_list:
    for rw in ("read", "write"):
        for bs in ("4k", "64k"):
            r = {leg: load(leg, rw, bs, jobs) for leg, _ in legs}
            row = [f"{rw} {bs}", jobs]
            for leg, _ in legs:
                row += [cell(r[leg], 0, ".0f"), cell(r[leg], 1, ".1f"), cell(r[leg], 2, ".1f")]
            wc = ratio(r["wdf4j"], r["c"])
            iw = ratio(r["wdf4j-isolated"], r["wdf4j"])
            row += [wc, ratio(r["wdf4j"], r["floor"]), ratio(r["wdf4j-isolated"], r["c"]), iw]
            if wc:
                total += 1
                met += float(wc) >= 0.8
            if iw:
                iso_total += 1
                iso_met += float(iw) >= 0.9
            print("| " + " | ".join(str(x) for x in row) + " |")
print()
if total:
    print(f"Target wdf4j (in-process) >= 0.80 x C: met in {met} of {total} rows.")
if iso_total:
    print(f"Target wdf4j isolated >= 0.90 x wdf4j in-process (H11): met in {iso_met} of {iso_total} rows.")
EOF
if [ -n "$wdf4j_note" ]; then
  echo
  echo "Note: $wdf4j_note."
fi
echo
echo "fio's JSON output: $results"
