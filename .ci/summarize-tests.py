#!/usr/bin/env python3
"""Prints how many tests ran and were skipped (from the surefire/failsafe XML reports) and fails when a test
that needs the kernel was skipped although the run is root: a green run that silently skipped the kernel is a
failed run."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

reports = glob.glob("**/target/surefire-reports/TEST-*.xml", recursive=True) + \
          glob.glob("**/target/failsafe-reports/TEST-*.xml", recursive=True)
ran = skipped = failed = 0
kernel_skips = []
for report in reports:
    suite = ET.parse(report).getroot()
    for case in suite.iter("testcase"):
        ran += 1
        skip = case.find("skipped")
        if skip is not None:
            skipped += 1
            # Disabled tests carry the reason as an attribute, aborted ones (assumptions) in the text.
            message = skip.get("message") or (skip.text or "").split("\n")[0]
            message = message.split("Assumption failed: ")[-1].split("TestAbortedException: ")[-1]
            if message.startswith("kernel:"):
                kernel_skips.append(f"{case.get('classname')}.{case.get('name')}: {message}")
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1

print(f"[ci] tests: {ran} ran, {skipped} skipped, {failed} failed ({len(reports)} report files)")
if ran == 0:
    print("[ci] FAIL: no test reports found")
    sys.exit(1)
if kernel_skips:
    print(f"[ci] {len(kernel_skips)} kernel test(s) skipped:")
    for line in kernel_skips:
        print(f"[ci]   {line}")
    if os.geteuid() == 0:
        print("[ci] FAIL: kernel tests were skipped although this run is root")
        sys.exit(1)
