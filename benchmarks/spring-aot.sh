#!/usr/bin/env bash
# Start-up of a Spring Boot application with the starter (samples/syscall-metrics: one collection, two tracepoint
# programs, metrics, endpoint, health) with and without Spring Boot's AOT processing, alternating; prints Boot's own
# "Started ... in" line of each run. AOT runs SpringApplicationAotProcessor on the sample (as the Boot Maven
# plugin's process-aot goal does), compiles what it generates and starts with -Dspring.aot.enabled=true.
# Usage: benchmarks/spring-aot.sh [rounds, default 7]   (root; after ./mvnw -pl samples/syscall-metrics -am install
# -DskipTests; JAVA=/path/to/bin/java for another JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-7}"
sample=samples/syscall-metrics
main=io.ebpf4j.samples.syscalls.SyscallMetricsApplication
work=benchmarks/target/spring-aot
java="${JAVA:-java}"
mkdir -p "$work"
./mvnw -q -B -pl "$sample" dependency:build-classpath -Dmdep.outputFile="$PWD/$work/classpath.txt" > /dev/null
cp="$sample/target/classes:$(cat "$work/classpath.txt")"

rm -rf "$work/sources" "$work/resources" "$work/classes"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.springframework.boot.SpringApplicationAotProcessor "$main" \
  "$work/sources" "$work/resources" "$work/classes" io.ebpf4j ebpf4j-sample-syscall-metrics > "$work/process.log" 2>&1
"$(dirname "$(readlink -f "$(command -v "$java")")")/javac" -d "$work/classes" -cp "$work/classes:$cp" $(find "$work/sources" -name '*.java')

start() { # JVM options...; prints Boot's start-up line
  local log="$work/run.log"
  "$java" --enable-native-access=ALL-UNNAMED "$@" -cp "$work/classes:$work/resources:$cp" "$main" --server.port=0 \
    > "$log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    grep -q -e "Started SyscallMetricsApplication" -e "APPLICATION FAILED" "$log" && break
    sleep 0.1
  done
  kill "$pid"; wait "$pid" 2> /dev/null || true
  grep -o "Started SyscallMetricsApplication in .*" "$log" || { tail -30 "$log"; return 1; }
}
for _ in $(seq "$rounds"); do
  echo "without AOT: $(start)"
  echo "with AOT:    $(start -Dspring.aot.enabled=true)"
done
