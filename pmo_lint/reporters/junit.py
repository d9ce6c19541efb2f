"""JUnit XML, valid against the Jenkins xUnit ``junit-10.xsd`` (what Jenkins, GitLab and most CI read).

One ``<testsuite>`` per file with findings (named by its path; ``<portfolio>`` for portfolio-wide
ones), one ``<testcase>`` per finding. A finding at or above the fail-on level is a ``<failure>``;
one below it passes with the finding in ``<system-out>``; a suppressed one is ``<skipped>`` with its
justification. A clean run holds one passing test case, so CI never sees an empty report.
Test-case names are unique within a suite, since GitLab keeps only the first of equal names.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from pmo_lint.diagnostics import Diagnostic, Result
from pmo_lint.reporters.common import TOOL_NAME, ci_path, clean_controls, fail_threshold, path_prefix, plural
from pmo_lint.reporters.context import ReportContext
from pmo_lint.reporters.text import format_line

PORTFOLIO = "<portfolio>"


def xml_text(value: str) -> str:
    """Text XML 1.0 can carry: controls (but tab and LF) and non-characters become visible escapes."""
    return clean_controls(value.replace("\r\n", "\n"), keep_newlines=True).replace("\r", "\\r")


def _attr(value: str) -> str:
    return clean_controls(value)  # attributes are one line: LF becomes a visible \n too


def _details(result: Result, d: Diagnostic) -> str:
    # each piece of data stays on its own labelled line (a newline in a key shows as \n), so no line of a body
    # shown in a CI log can start a workflow command
    lines = [format_line(d, prefix=path_prefix(result))]
    if d.entity:
        lines.append(f"entity: {_attr(d.entity)}")
    if d.data_path:
        lines.append(f"field: {_attr(d.data_path_text)}")
    lines.append(f"fingerprint: {_attr(d.fingerprint)}")
    return xml_text("\n".join(lines) + "\n")


def _case_name(d: Diagnostic) -> str:
    where = f" at {d.line}:{max(d.col, 1)}" if d.line > 0 else ""
    return f"{d.code} {d.rule}{where}"


def _suite(result: Result, path: str, items: list[Diagnostic]) -> ET.Element:
    threshold = fail_threshold(result)
    suite = ET.Element("testsuite")
    failures = skipped = 0
    used: dict[str, int] = {}
    classname = _attr(ci_path(result, items[0])) if path else PORTFOLIO  # GitLab shows classname as the suite
    for d in items:
        name = _case_name(d)
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name} #{used[name]}"
        case = ET.SubElement(suite, "testcase", {"name": _attr(name), "classname": classname})
        if d.suppression is not None:
            skipped += 1
            why = "waived" if d.suppression.kind == "waiver" else "suppressed inline"
            reason = f"{why}: {d.suppression.justification}"
            ET.SubElement(case, "skipped", {"message": _attr(reason)}).text = _details(result, d)
        elif d.severity >= threshold:
            failures += 1
            failure = ET.SubElement(case, "failure", {"type": _attr(d.code), "message": _attr(d.message)})
            failure.text = _details(result, d)
        else:
            ET.SubElement(case, "system-out").text = _details(result, d)
    suite.attrib.update(
        {
            "name": classname,
            "tests": str(len(items)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
        }
    )
    return suite


def render(result: Result) -> str:
    findings = sorted((*result.diagnostics, *result.suppressed), key=Diagnostic.sort_key)
    root = ET.Element("testsuites", {"name": TOOL_NAME})
    for path, group in groupby(findings, key=lambda d: d.path):
        root.append(_suite(result, path, list(group)))
    if not findings:
        suite = ET.SubElement(root, "testsuite", {"name": TOOL_NAME, "tests": "1", "failures": "0", "errors": "0"})
        case = ET.SubElement(suite, "testcase", {"name": "portfolio", "classname": TOOL_NAME})
        passed = f"All checks passed: {plural(result.files_checked, 'file')}, as of {result.as_of.isoformat()}.\n"
        ET.SubElement(case, "system-out").text = passed
    suites = list(root)
    root.attrib.update(
        {
            "tests": str(sum(int(s.get("tests", "0")) for s in suites)),
            "failures": str(sum(int(s.get("failures", "0")) for s in suites)),
            "errors": "0",
        }
    )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def report(result: Result, context: ReportContext) -> str:
    """The JUnit XML report; it depends on nothing but the result."""
    return render(result)
