#!/usr/bin/env python3
"""Reads DAISY Ace's report.json and fails unless Ace found no violations."""

import json
import sys


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        report = json.load(f)
    violations = []
    for document in report.get("assertions", []):
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "pass":
                test = assertion.get("earl:test", {})
                violations.append(
                    f"  {document.get('earl:testSubject', {}).get('url')}: {test.get('dct:title')} "
                    f"({test.get('earl:impact')}): {result.get('dct:description')}"
                )
    outcome = report.get("earl:result", {}).get("earl:outcome")
    print(f"DAISY Ace: {outcome}, {len(violations)} violations")
    for line in violations:
        print(line)
    missing = report.get("a11y-metadata", {}).get("missing", [])
    print(f"  accessibility metadata missing (informative): {', '.join(missing) or 'none'}")
    return 0 if outcome == "pass" and not violations else 1


if __name__ == "__main__":
    sys.exit(main())
