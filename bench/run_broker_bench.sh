#!/usr/bin/env bash
# End-to-end broker benchmark: a Release sluice-broker on a temporary data dir
# (--set num.partitions=8), driven by bench/rdkafka_perf (librdkafka) on
# loopback. Every figure is printed next to its ratio to loopback TCP
# throughput measured with iperf3 in the same run, plus the broker's RSS.
#
#   bench/run_broker_bench.sh [BUILD_DIR]   (default: build-release)
#
# Cases: 1 topic x 8 partitions; produce 1 KiB and 100 B records with acks=1
# and acks=all; consume the acks=1 topics from the start (page cache: the data
# was just written); produce 1 KiB with acks=all and enable.idempotence=true
# (the cost of the producer-state checks). RECORDS_1K and RECORDS_100B
# override the record counts. The broker runs pinned to CPU 0 and the client
# to CPU 1 (taskset); each case reports the broker's CPU time over the case
# (utime + stime from /proc/<pid>/stat) as a share of one core.
# Build first:
#   cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLUICE_TESTS=OFF
#   ninja -C build-release sluice-broker rdkafka_perf
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build-release}
broker_bin=$build/broker/sluice-broker
perf_bin=$build/bench/rdkafka_perf
records_1k=${RECORDS_1K:-1000000}
records_100b=${RECORDS_100B:-5000000}
for b in "$broker_bin" "$perf_bin"; do
  [[ -x $b ]] || { echo "missing $b (build it first, see the header)" >&2; exit 2; }
done
command -v iperf3 >/dev/null || { echo "iperf3 missing: scripts/install-deps.sh" >&2; exit 2; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

data=$(mktemp -d /tmp/sluice-bench-XXXXXX)
broker_pid="" sampler_pid="" iperf_pid=""
cleanup() {
  for p in $sampler_pid $iperf_pid $broker_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# 1. Loopback TCP, the limit every figure is compared with.
iport=$(free_port)
iperf3 -s -1 -p "$iport" >/dev/null 2>&1 &
iperf_pid=$!
sleep 0.5
loop_bps=$(iperf3 -c 127.0.0.1 -p "$iport" -t 3 -J |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])')
wait "$iperf_pid" 2>/dev/null || true
iperf_pid=""
loop_mbs=$(awk -v b="$loop_bps" 'BEGIN { printf "%.1f", b / 8 / 1e6 }')

# 1b. Memory first touch: on a VM whose host backs guest memory lazily
# (virtio-balloon free page reporting, virtio-mem), pages the guest has not
# used lately cost a host fault on first touch, and a page cache growing into
# them writes at that speed, whatever the broker does. Two 2 GiB fills in
# one process: the first may land on warm memory, the second on cold.
touch_line=$(/usr/bin/python3 -c '
import time
t0 = time.time(); a = b"\x01" * (2 << 30); t1 = time.time(); b = b"\x02" * (2 << 30); t2 = time.time()
print("%.2f %.2f" % (2.147 / (t1 - t0), 2.147 / (t2 - t1)))')

# 2. The broker, and a sampler for its resident memory.
port=$(free_port)
# BROKER_ARGS: more broker arguments, e.g. "--set num.network.threads=0".
# shellcheck disable=SC2086
taskset -c 0 "$broker_bin" --port "$port" --log-level warn --set "log.dirs=$data/data" \
  --set num.partitions=8 --set metrics.listener= ${BROKER_ARGS:-} >"$data/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
(
  peak=0
  while kill -0 "$broker_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$broker_pid/status" 2>/dev/null || echo 0)
    ((rss > peak)) && peak=$rss && echo "$peak" >"$data/rss_peak"
    sleep 0.2
  done
) &
sampler_pid=$!

results=()
run() {  # name, rdkafka_perf arguments...
  local name=$1
  shift
  local line t0 t1 cpu0 cpu1
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$broker_pid/stat")
  t0=$(date +%s.%N)
  line=$(taskset -c 1 "$perf_bin" "$@" --brokers "127.0.0.1:$port" --partitions 8)
  t1=$(date +%s.%N)
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$broker_pid/stat")
  local rss cpu
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$broker_pid/status")
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v s="$t0" -v e="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", 100 * (b - a) / hz / (e - s) }')
  results+=("$name $line rss_kib=$rss broker_cpu_pct=$cpu")
}

run "produce_1KiB_acks=1" produce --topic p1k-a1 --size 1024 --count "$records_1k" --acks 1
run "produce_1KiB_acks=all" produce --topic p1k-all --size 1024 --count "$records_1k" --acks all
run "produce_1KiB_acks=all_idem" produce --topic p1k-idem --size 1024 --count "$records_1k" \
  --acks all --idempotence true
run "produce_100B_acks=1" produce --topic p100-a1 --size 100 --count "$records_100b" --acks 1
run "produce_100B_acks=all" produce --topic p100-all --size 100 --count "$records_100b" --acks all
run "consume_1KiB" consume --topic p1k-a1 --size 1024 --count "$records_1k"
run "consume_100B" consume --topic p100-a1 --size 100 --count "$records_100b"

hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$broker_pid/status")
peak=$(cat "$data/rss_peak" 2>/dev/null || echo 0)

echo "loopback TCP (iperf3, 3 s): $loop_mbs MB/s"
read -r touch_a touch_b <<<"$touch_line"
echo "memory first touch (2 x 2 GiB fills): $touch_a and $touch_b GB/s (a low second figure: the host backs guest memory lazily, and page cache grown into it is written at that speed)"
# core-s/GB: broker CPU seconds per GB moved (its CPU share over the case
# divided by GB/s), the figure issue 16 sets targets for.
printf '%-26s %12s %10s %10s %10s %11s %10s\n' case records/s MB/s xloopback rss_MiB broker_cpu% \
  core-s/GB
for r in "${results[@]}"; do
  echo "$r" | awk -v loop="$loop_mbs" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = substr($i, length(kv[1]) + 2) }
    printf "%-26s %12.0f %10.1f %10.2f %10.1f %11s %10.2f\n", $1, f["records_per_s"], f["mb_per_s"],
           f["mb_per_s"] / loop, f["rss_kib"] / 1024, f["broker_cpu_pct"],
           f["broker_cpu_pct"] / 100 / (f["mb_per_s"] / 1000)
  }'
done
echo "broker RSS: peak sampled $((peak / 1024)) MiB, VmHWM $((hwm / 1024)) MiB"
