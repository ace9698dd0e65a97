# Sourced by the benchmark scripts (bench/fuse/run.sh, bench/devices/run.sh): the numbers mean little on a busy
# machine, so each says so when the CPUs are not idle before its run. Sets idle_at_start (a percentage), which the
# scripts print in their table's header.

cpu_idle_percent() { # over one second, from /proc/stat
  local a b
  read -r -a a < /proc/stat
  sleep 1
  read -r -a b < /proc/stat
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(( total > 0 ? 100 * (b[4] + b[5] - a[4] - a[5]) / total : 100 ))
}

idle_at_start="$(cpu_idle_percent)"
if [ "$idle_at_start" -lt 90 ]; then
  echo "run.sh: warning: the CPUs are only ${idle_at_start}% idle before the run: other work will skew the numbers" >&2
fi
