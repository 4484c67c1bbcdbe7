#!/usr/bin/env python3
"""Prints how many tests ran and were skipped (from the surefire/failsafe XML reports) and fails when a test
that needs the kernel was skipped although the run is root: a green run that silently skipped the kernel is a
failed run. The one accepted kernel skip is a probed missing feature ("kernel lacks <feature>: <probe's answer>"):
those are listed per feature, with the tests they skipped.

  --require PREFIX   also fail when a skip reason starts with PREFIX, whoever runs (repeatable). .ci/run passes
                     "container:" because it sets up the container engine itself, so the container tests must run.

As root it also fails on a report with no test case at all: that is how surefire/failsafe report a class whose
@BeforeAll was aborted by an assumption, a skip that names no reason."""
import argparse
import collections
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

parser = argparse.ArgumentParser()
parser.add_argument("--require", action="append", default=[], metavar="PREFIX",
                    help="fail when a skip reason starts with PREFIX")
args = parser.parse_args()

reports = glob.glob("**/target/surefire-reports/TEST-*.xml", recursive=True) + \
          glob.glob("**/target/failsafe-reports/TEST-*.xml", recursive=True)
ran = skipped = failed = 0
kernel_skips = []
missing_features = collections.defaultdict(list)
required_skips = []
empty_reports = []
for report in reports:
    suite = ET.parse(report).getroot()
    cases = list(suite.iter("testcase"))
    if not cases:
        empty_reports.append(report)
    for case in cases:
        ran += 1
        skip = case.find("skipped")
        if skip is not None:
            skipped += 1
            # Disabled tests carry the reason as an attribute, aborted ones (assumptions) in the text.
            message = skip.get("message") or (skip.text or "").split("\n")[0]
            message = message.split("Assumption failed: ")[-1].split("TestAbortedException: ")[-1]
            test = f"{case.get('classname')}.{case.get('name')}"
            line = f"{test}: {message}"
            if message.startswith("kernel lacks "):
                for feature in re.findall(r"(?:^|; )kernel lacks ([^:]+):", message):
                    missing_features[feature].append(test)
            elif message.startswith("kernel:"):
                kernel_skips.append(line)
            if any(message.startswith(prefix) for prefix in args.require):
                required_skips.append(line)
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1

print(f"[ci] tests: {ran} ran, {skipped} skipped, {failed} failed ({len(reports)} report files)")
missing = ", ".join(sorted(missing_features)) or "nothing"
print(f"kernel {os.uname().release}: {ran} tests, {failed} failed, {skipped} skipped (missing: {missing})")
print(f"tests: {ran - skipped - failed} passed, {failed} failed, {skipped} skipped")
status = 0
if ran == 0:
    print("[ci] FAIL: no test reports found")
    sys.exit(1)
if missing_features:
    print(f"[ci] this kernel ({os.uname().release}) lacks {len(missing_features)} feature(s) some tests need "
          "(probed; those tests were skipped):")
    for feature, tests in sorted(missing_features.items()):
        print(f"[ci]   {feature}: {len(tests)} test(s): {', '.join(sorted(tests))}")
if kernel_skips:
    print(f"[ci] {len(kernel_skips)} kernel test(s) skipped for a reason other than a probed missing feature:")
    for line in kernel_skips:
        print(f"[ci]   {line}")
    if os.geteuid() == 0:
        print("[ci] FAIL: kernel tests were skipped although this run is root")
        status = 1
if required_skips:
    print(f"[ci] {len(required_skips)} test(s) skipped for a reason this run requires to be absent "
          f"({', '.join(args.require)}):")
    for line in required_skips:
        print(f"[ci]   {line}")
    print("[ci] FAIL: required tests were skipped")
    status = 1
if empty_reports:
    print(f"[ci] {len(empty_reports)} report(s) with no test case (a class aborted before its tests?):")
    for report in sorted(empty_reports):
        print(f"[ci]   {report}")
    if os.geteuid() == 0:
        print("[ci] FAIL: test classes ran no test although this run is root")
        status = 1
sys.exit(status)
