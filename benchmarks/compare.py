#!/usr/bin/env python3
"""Joins JMH results with the baselines of the same run and prints ns/op (or the benchmark's unit), the ratio and
bytes allocated per op. Baselines: the C programs' figures (first file) for benchmarks of the same name, and, for
benchmarks of a class that has one, its own `rawBatchDump` benchmark with the same parameters (the cost of dumping
the map the metrics read)."""
import json
import sys

c_baseline = {}
for line in open(sys.argv[1]):
    name, value = line.split()
    c_baseline[name] = float(value)

results = json.load(open(sys.argv[2]))


def key(result):
    cls, name = result["benchmark"].rsplit(".", 1)
    params = ",".join(f"{k}={v}" for k, v in sorted(result.get("params", {}).items()))
    return cls, name, params


java_baseline = {(cls, params): r["primaryMetric"]["score"]
                 for r in results for cls, name, params in [key(r)] if name == "rawBatchDump"}

print(f"{'benchmark':<44} {'ebpf4j':>20} {'baseline':>12} {'ratio':>7} {'alloc B/op':>13}")
for result in results:
    cls, name, params = key(result)
    metric = result["primaryMetric"]
    unit = metric["scoreUnit"].replace("/op", "")
    label = name + (f" [{params}]" if params else "")
    base = c_baseline.get(name)
    if base is None and name != "rawBatchDump":
        base = java_baseline.get((cls, params))
    alloc = result.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    ratio = f"{metric['score'] / base:7.2f}" if base else "      -"
    base_text = f"{base:12.1f}" if base else "           -"
    print(f"{label:<44} {metric['score']:11.1f} ±{metric['scoreError']:6.1f} {unit:<2} {base_text} {ratio}"
          f" {alloc:13.1f}")
