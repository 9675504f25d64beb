"""The job summary of the CI workflow, from real pytest and flake8 JUnit reports."""
import subprocess
import sys

from ml_service.util.junit_summary import main, read_report, summary

FAILING_TESTS = '''
def test_passes():
    assert True


def test_fails():
    assert 1 == 2, "one is not two"
'''


def test_a_real_pytest_report_is_counted_and_its_failure_named(tmp_path):
    (tmp_path / "test_sample.py").write_text(FAILING_TESTS, encoding="utf-8")
    report_path = tmp_path / "unit-testresults.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    f"--junitxml={report_path}", str(tmp_path / "test_sample.py")],
                   cwd=tmp_path, capture_output=True, check=False)

    report = read_report(report_path)

    assert report.counts == {"tests": 2, "failures": 1, "errors": 0, "skipped": 0}
    [(name, message)] = report.failed
    assert name.endswith("::test_fails") and "one is not two" in message


def test_a_flake8_report_lists_each_finding(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text("import os\n", encoding="utf-8")
    report_path = tmp_path / "lint-testresults.xml"
    subprocess.run([sys.executable, "-m", "flake8", "--format", "junit-xml",
                    "--output-file", str(report_path), "bad.py"],
                   cwd=tmp_path, capture_output=True, check=False)

    text = summary([report_path])

    assert "| lint-testresults.xml |" in text
    assert "F401" in text


def test_a_missing_report_is_listed_and_does_not_fail(tmp_path, capsys):
    assert main([str(tmp_path / "unit-testresults.xml")]) == 0

    assert "| unit-testresults.xml | not produced |" in capsys.readouterr().out
