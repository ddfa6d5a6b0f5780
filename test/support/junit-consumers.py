"""Reads a JUnit XML report the way Python CI tooling does, and prints what it saw as JSON.

Used by test/e2e/junit-consumers.test.ts: the same report read by independent parsers from the registries
(junitparser and xunitparser from PyPI here; junit2json from npm in the test itself) must give the same
counts, names, skip reasons and file paths. With --xsd, also validates the report against an XML schema
(Jenkins' junit-10.xsd) with lxml and prints the validation errors.

usage: python junit-consumers.py <report.xml> [--xsd <schema.xsd>]
"""
import json
import sys


def read_junitparser(path):
    import junitparser

    xml = junitparser.JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
    cases = []
    for suite in suites:
        for case in suite:
            results = case.result
            skipped = [r for r in results if isinstance(r, junitparser.Skipped)]
            cases.append(
                {
                    "suite": suite.name,
                    "classname": case.classname,
                    "name": case.name,
                    "file": case._elem.get("file"),
                    "line": case._elem.get("line"),
                    "outcome": outcome_of(results, junitparser),
                    "skipText": skipped[0].text if skipped else None,
                    "skipMessage": skipped[0].message if skipped else None,
                }
            )
    return {
        "tests": sum(s.tests for s in suites),
        "failures": sum(s.failures for s in suites),
        "errors": sum(s.errors for s in suites),
        "skipped": sum(s.skipped for s in suites),
        "testcases": cases,
    }


def outcome_of(results, junitparser):
    for result in results:
        if isinstance(result, junitparser.Failure):
            return "failure"
        if isinstance(result, junitparser.Error):
            return "error"
        if isinstance(result, junitparser.Skipped):
            return "skipped"
    return "passed"


def read_xunitparser(path):
    import xunitparser

    with open(path, "rb") as source:
        suite, result = xunitparser.parse(source)
    return {
        "tests": result.testsRun,
        "failures": len(result.failures),
        "errors": len(result.errors),
        "skipped": len(result.skipped),
        "names": [f"{case.classname}\u0000{case.methodname}" for case in suite],
        "properties": len(suite.properties),
    }


def validate(path, xsd):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(xsd))
    valid = schema.validate(etree.parse(path))
    return {"valid": bool(valid), "errors": [str(e) for e in schema.error_log][:20]}


def main(argv):
    path = argv[1]
    out = {"junitparser": read_junitparser(path), "xunitparser": read_xunitparser(path)}
    if len(argv) > 3 and argv[2] == "--xsd":
        out["xsd"] = validate(path, argv[3])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
