#!/usr/bin/env python3
"""Prints the one-line summary of a kernel's test run from the JUnit XML reports in DIR:

  kernel <release>: <n> tests, <f> failed, <s> skipped (missing: <features>)

<features> are the features of the tests skipped because a probe found the kernel lacking them (reasons
"kernel lacks <feature>: ...", as on the host), or "none". Lists the failed and skipped tests above it. Fails when a test failed or none ran."""
import glob
import re
import sys
import xml.etree.ElementTree as ET

directory, release = sys.argv[1], sys.argv[2]
tests = failed = skipped = 0
missing = []
for report in sorted(glob.glob(f"{directory}/**/*.xml", recursive=True)):
    for case in ET.parse(report).getroot().iter("testcase"):
        tests += 1
        name = f"{case.get('classname')}.{case.get('name')}"
        skip = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            problem = case.find("failure") if case.find("failure") is not None else case.find("error")
            print(f"[vm]   FAILED {name}: {(problem.get('message') or '').splitlines()[0:1]}")
        elif skip is not None:
            skipped += 1
            reason = (skip.get("message") or skip.text or "").strip().split("\n")[0]
            reason = reason.split("Assumption failed: ")[-1].split("TestAbortedException: ")[-1]
            print(f"[vm]   skipped {name}: {reason}")
            for feature in re.findall(r"(?:^|; )kernel lacks ([^:]+):", reason):
                if feature not in missing:
                    missing.append(feature)
print(f"kernel {release}: {tests} tests, {failed} failed, {skipped} skipped (missing: {', '.join(sorted(missing)) or 'nothing'})")
sys.exit(1 if failed or tests == 0 else 0)
