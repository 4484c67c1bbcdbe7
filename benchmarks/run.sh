#!/usr/bin/env bash
# Runs ebpf4j's JMH benchmarks and the C baselines in the same run and prints ratios (ebpf4j / C).
# Usage: benchmarks/run.sh [JMH benchmark regex, default: all]   (root; Linux with BPF)
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-.}"
out=benchmarks/target/results
mkdir -p "$out"

./mvnw -q -B -pl benchmarks -am package -DskipTests
gcc -O2 -Wall -o benchmarks/target/maps-baseline benchmarks/baseline/maps.c
gcc -O2 -Wall -o benchmarks/target/spec-baseline benchmarks/baseline/spec.c -lbpf
gcc -O2 -Wall -o benchmarks/target/ringbuf-baseline benchmarks/baseline/ringbuf.c

echo "== C baselines"
{
  benchmarks/target/maps-baseline
  benchmarks/target/spec-baseline benchmarks/src/main/resources/bpf/five_programs.bpf.o
  # The first load in each of 10 fresh processes, averaged, as JMH's 10 single-shot forks of collectionLoadCold.
  for i in $(seq 10); do
    benchmarks/target/spec-baseline benchmarks/src/main/resources/bpf/five_programs.bpf.o cold
  done | awk '{ sum += $1 } END { printf "collectionLoadCold %.1f\n", sum / NR }'
  benchmarks/target/ringbuf-baseline
} | tee "$out/baseline.txt"

echo "== JMH"
java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar "$filter" \
  -prof gc -rf json -rff "$out/jmh.json"

python3 benchmarks/compare.py "$out/baseline.txt" "$out/jmh.json"
