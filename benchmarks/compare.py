#!/usr/bin/env python3
"""Joins JMH results with the C baseline of the same run: prints ns/op, the ratio and bytes allocated per op."""
import json
import sys

baseline = {}
for line in open(sys.argv[1]):
    name, value = line.split()
    baseline[name] = float(value)

print(f"{'benchmark':<22} {'ebpf4j ns/op':>14} {'C ns/op':>10} {'ratio':>7} {'alloc B/op':>11}")
for result in json.load(open(sys.argv[2])):
    name = result["benchmark"].rsplit(".", 1)[1]
    score = result["primaryMetric"]["score"]
    error = result["primaryMetric"]["scoreError"]
    alloc = result.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    c = baseline.get(name)
    ratio = f"{score / c:7.2f}" if c else "      -"
    c_text = f"{c:10.1f}" if c else "         -"
    print(f"{name:<22} {score:9.1f} ±{error:4.1f} {c_text} {ratio} {alloc:11.3f}")
