#!/usr/bin/env bash
# The read path's cost (docs/decisions.md D21): a 1 GiB consume through two
# broker binaries in the same run, e.g. the one before a change and the one
# after, each on a fresh data dir with the same 1 GiB just produced (page
# cache). For each: consume throughput (rdkafka_perf, from the first record),
# the broker's CPU over the consume (utime + stime from /proc/<pid>/stat, as a
# share of one core), and the bytes it read into user space per record byte
# sent, two ways:
#   - /proc/<pid>/io: (rchar - wchar) / wchar over the consume. sendfile(2)
#     counts its bytes in both rchar and wchar, socket reads (the Fetch
#     requests) and writes (answer headers) are small, so rchar - wchar is
#     the preads and wchar the bytes sent. Works for any binary.
#   - /metrics: sluice_fetch_scan_bytes_total / sluice_fetch_record_bytes_total
#     (binaries that have them).
# The broker runs pinned to CPU 0, the client to CPU 1 (taskset).
#
#   bench/run_fetch_read_bench.sh BEFORE_BINARY AFTER_BINARY [BUILD_DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
before=${1:?usage: $0 BEFORE_BINARY AFTER_BINARY [BUILD_DIR]}
after=${2:?usage: $0 BEFORE_BINARY AFTER_BINARY [BUILD_DIR]}
build=${3:-$here/../build}
perf_bin=$build/bench/rdkafka_perf
records=${RECORDS:-1048576}  # 1 KiB each: 1 GiB
[[ -x $perf_bin ]] || { echo "missing $perf_bin (ninja rdkafka_perf)" >&2; exit 2; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m { print $2 }'; }
io_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/io"; }

data=$(mktemp -d /tmp/sluice-fetch-bench-XXXXXX)
broker_pid=""
cleanup() {
  [[ -n $broker_pid ]] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

results=()
one() {  # label, binary
  local label=$1 bin=$2 port mport
  port=$(free_port)
  mport=$(free_port)
  rm -rf "$data/d"
  taskset -c 0 "$bin" --port "$port" --log-level warn --set "log.dirs=$data/d" \
    --set num.partitions=8 --set "metrics.listener=127.0.0.1:$mport" >"$data/$label.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  taskset -c 1 "$perf_bin" produce --brokers "127.0.0.1:$port" --topic c --size 1024 \
    --count "$records" --acks 1 --partitions 8 >/dev/null
  local r0 w0 c0 s0 t0 t1 r1 w1 c1 s1 line cpu rec0 rec1
  s0=$(metric "$mport" sluice_fetch_scan_bytes_total)
  rec0=$(metric "$mport" sluice_fetch_record_bytes_total)
  r0=$(io_field "$broker_pid" rchar)
  w0=$(io_field "$broker_pid" wchar)
  c0=$(awk '{ print $14 + $15 }' "/proc/$broker_pid/stat")
  t0=$(date +%s.%N)
  line=$(taskset -c 1 "$perf_bin" consume --brokers "127.0.0.1:$port" --topic c --size 1024 \
    --count "$records" --partitions 8)
  t1=$(date +%s.%N)
  c1=$(awk '{ print $14 + $15 }' "/proc/$broker_pid/stat")
  r1=$(io_field "$broker_pid" rchar)
  w1=$(io_field "$broker_pid" wchar)
  s1=$(metric "$mport" sluice_fetch_scan_bytes_total)
  rec1=$(metric "$mport" sluice_fetch_record_bytes_total)
  cpu=$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", 100 * (b - a) / hz / (e - s) }')
  local io_ratio scan_ratio
  io_ratio=$(awk -v r="$((r1 - r0))" -v w="$((w1 - w0))" 'BEGIN { printf "%.4f", (r - w) / w }')
  if [[ -n $s0 && -n $s1 ]]; then
    scan_ratio=$(awk -v s="$((s1 - s0))" -v b="$((rec1 - rec0))" 'BEGIN { printf "%.5f", s / b }')
  else
    scan_ratio=n/a
  fi
  results+=("$label $line broker_cpu_pct=$cpu io_ratio=$io_ratio scan_ratio=$scan_ratio")
  kill "$broker_pid"
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=""
}

one before "$before"
one after "$after"

printf '%-8s %10s %12s %11s %22s %22s\n' binary MB/s records/s broker_cpu% \
  'user bytes/sent (io)' 'scan/sent (/metrics)'
for r in "${results[@]}"; do
  echo "$r" | awk '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
    printf "%-8s %10.1f %12.0f %11s %22s %22s\n", $1, f["mb_per_s"], f["records_per_s"],
           f["broker_cpu_pct"], f["io_ratio"], f["scan_ratio"]
  }'
done
