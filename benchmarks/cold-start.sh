#!/usr/bin/env bash
# The first collection load in a fresh JVM (ColdLoad), on Java 17 and 25, with the JDK's default class data sharing,
# with an application CDS archive, and (Java 25) with an AOT cache; also libbpf's first load in a fresh process.
# Prints medians of N interleaved runs: spec read, collection load, and the process's whole wall time, in ms.
# Usage: benchmarks/cold-start.sh [N, default 15]   (root; after ./mvnw -pl benchmarks -am package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-15}"
jar=benchmarks/target/benchmarks.jar
obj=benchmarks/src/main/resources/bpf/five_programs.bpf.o
work=benchmarks/target/cold
mkdir -p "$work"
j17="${JAVA17:-java}"
j25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
run=(-cp "$jar" --enable-native-access=ALL-UNNAMED io.ebpf4j.benchmarks.ColdLoad)
gcc -O2 -Wall -o benchmarks/target/spec-baseline benchmarks/baseline/spec.c -lbpf

# Training runs: the archives record the classes (and, for the AOT cache, linked call sites) of one load.
rm -f "$work"/*.jsa "$work"/*.aot
"$j17" -XX:ArchiveClassesAtExit="$work/app17.jsa" "${run[@]}" > /dev/null
"$j25" -XX:ArchiveClassesAtExit="$work/app25.jsa" "${run[@]}" > /dev/null
"$j25" -XX:AOTCacheOutput="$work/app25.aot" "${run[@]}" > /dev/null 2>&1

declare -A variants=(
  [java17]="$j17"
  [java17-appcds]="$j17 -XX:SharedArchiveFile=$work/app17.jsa"
  [java25]="$j25"
  [java25-appcds]="$j25 -XX:SharedArchiveFile=$work/app25.jsa"
  [java25-aotcache]="$j25 -XX:AOTCache=$work/app25.aot"
)
names=(java17 java17-appcds java25 java25-appcds java25-aotcache)
: > "$work/samples.txt"
for i in $(seq "$n"); do
  for v in "${names[@]}"; do
    t0=$(date +%s%N)
    # The last line: with a dynamic archive, Java 25 reports on stdout that --enable-native-access differs from the
    # JDK's base archive (it then only skips its optimized module handling).
    read -r spec load < <(${variants[$v]} "${run[@]}" 2> /dev/null | tail -n 1)
    t1=$(date +%s%N)
    echo "$v $spec $load $(( (t1 - t0) / 1000 ))" >> "$work/samples.txt"
  done
  t0=$(date +%s%N)
  c=$(benchmarks/target/spec-baseline "$obj" cold)
  t1=$(date +%s%N)
  echo "libbpf 0 ${c%.*} $(( (t1 - t0) / 1000 ))" | awk '{ print $1, $2, int($3 / 1000), $4 }' >> "$work/samples.txt"
done
python3 - "$work/samples.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    v, spec, load, wall = line.split()
    rows.setdefault(v, []).append((int(spec), int(load), int(wall)))
print(f"{'variant':<18} {'spec ms':>8} {'load ms':>8} {'first load ms':>14} {'process ms':>11}   (medians of {len(next(iter(rows.values())))})")
for v, r in rows.items():
    med = lambda i: statistics.median(x[i] for x in r) / 1000
    first = statistics.median(x[0] + x[1] for x in r) / 1000
    print(f"{v:<18} {med(0):8.1f} {med(1):8.1f} {first:14.1f} {med(2):11.1f}")
PY
