"""Markdown summary of JUnit XML reports, for the job summary of a GitHub Actions run.

    python -m ml_service.util.junit_summary lint-testresults.xml unit-testresults.xml \\
        >> "$GITHUB_STEP_SUMMARY"

One table row per report (tests, failures, errors, skipped), then each failure by name with the
first line of its message. A missing report is listed as not produced (an earlier step failed
before writing it). The summary only reports: `make ci` is what passes or fails the job.
"""
import argparse
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

COUNTS = ("tests", "failures", "errors", "skipped")


@dataclass
class Report:
    """The totals and failed test cases of one JUnit XML file."""

    name: str
    counts: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)


def read_report(path):
    """The ``Report`` of ``path``, or None when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return None
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    report = Report(path.name, {key: sum(int(suite.get(key, 0)) for suite in suites)
                                for key in COUNTS})
    for case in root.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            message = (problem.get("message") or problem.text or "").strip()
            name = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
            report.failed.append((name, message.splitlines()[0] if message else ""))
    return report


def summary(paths):
    """The Markdown text for the reports at ``paths``."""
    lines = ["### Test results", "", "| Report | Tests | Failures | Errors | Skipped |",
             "|---|---|---|---|---|"]
    reports = []
    for path in paths:
        report = read_report(path)
        if report is None:
            lines.append(f"| {Path(path).name} | not produced | | | |")
        else:
            reports.append(report)
            lines.append(f"| {report.name} | " + " | ".join(
                str(report.counts[key]) for key in COUNTS) + " |")
    failed = [item for report in reports for item in report.failed]
    if failed:
        lines += ["", "#### Failed", ""]
        lines += [f"- `{name}`: {message}" if message else f"- `{name}`"
                  for name, message in failed]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", help="JUnit XML files")
    options = parser.parse_args(argv)
    sys.stdout.write(summary(options.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
