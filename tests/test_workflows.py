"""The generated GitHub Actions workflows, for every combination of answers that has them.

actionlint (the maintained fork's PyPI wheel) runs with shellcheck on PATH, so every ``run:``
script is checked too, and reports nothing; zizmor (offline) reports nothing of high severity;
check-jsonschema's vendored schemas accept every workflow and the Dependabot configuration. Seeded
mistakes prove each still finds what it should. Then what no linter knows, with the job conditions
evaluated as GitHub does (tests/support/github_expressions.py): every path, module, job output,
``needs:``, environment and repository variable a workflow names exists; each identity of the
set-up script trusts exactly the subjects of the jobs that sign in as it; without the repository
variables every job that signs in is skipped and a notice says what to run; permissions, action
pins and concurrency follow one rule each.
"""
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.bakes import (GITHUB_ACTIONS, bake_once, matrix_id, rendered_answers,
                                 structural_bakes, structural_combinations)
from tests.support.commands import check_jsonschema
from tests.support.github_expressions import evaluate
from tests.support.rehearsal import run_without_a_new_model
from tests.support.repository import load, walk
from tests.support.workflows import (SIGN_IN_ACTIONS, jobs_that_run, load_setup_script,
                                     setup_config, setup_variable_names, signed_in_subjects,
                                     signs_in, triggers, workflow_files)

BIN = Path(sys.executable).parent
# The one place the actions' pins live: the commit of each release (its tag in the action's own
# repository, checked 2026-12-06; the release dates are the tagged commits'), all on GitHub's
# Node 24 runtime. Dependabot proposes updates.
PINNED_ACTIONS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),  # 2026-07-17
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),  # 2026-07-19
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),  # 2026-02
    "azure/login": ("f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca", "v3.0.1"),  # 2026-08-04
    "hashicorp/setup-terraform": ("dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"),  # 05-12
}
# What the set-up script's repository variables hold, for the expressions that read them.
SET_UP = "set-up"
NOT_SET_UP = "not set up"
SEEDED = {
    "unquoted-variable.yml": (
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: rm -rf $TARGET/build\n"),
    "retired-runtime.yml": (
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v3\n"),
    "unknown-output.yml": (
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        "    outputs:\n      x: ${{ steps.s.outputs.x }}\n    steps:\n      - id: s\n"
        "        run: echo x=1 >> \"$GITHUB_OUTPUT\"\n  b:\n    needs: a\n"
        "    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ needs.a.outputs.y }}\n"),
}


def actionlint(files):
    """actionlint's findings on ``files``, as dicts; shellcheck from this environment."""
    completed = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", "-format", "{{json .}}",
         "-shellcheck", str(BIN / "shellcheck"), "-pyflakes", "", *map(str, files)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stderr
    findings = json.loads(completed.stdout or "[]")
    for finding in findings:  # actionlint names files relative to the working directory
        finding["filepath"] = str(Path(finding["filepath"]).resolve())
    return findings


@pytest.fixture(scope="module")
def bakes():
    return structural_bakes(**GITHUB_ACTIONS)


def distinct_workflows(bakes):
    """One file per distinct text: files with the same text lint the same."""
    distinct = {}
    for _, project in bakes:
        for path in workflow_files(project):
            distinct.setdefault(path.read_bytes(), path)
    return list(distinct.values())


def test_actionlint_with_shellcheck_reports_nothing_on_any_workflow(bakes, tmp_path):
    seeded = []
    for name, text in SEEDED.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        seeded.append(tmp_path / name)
    files = distinct_workflows(bakes)
    assert len(files) >= 4

    findings = actionlint(files + seeded)

    ours = [finding for finding in findings if Path(finding["filepath"]).parent != tmp_path]
    assert ours == [], json.dumps(ours, indent=1)[:4000]
    kinds = {Path(finding["filepath"]).name: finding["kind"] for finding in findings}
    assert kinds == {"unquoted-variable.yml": "shellcheck", "retired-runtime.yml": "action",
                     "unknown-output.yml": "expression"}


def test_every_workflow_passes_the_vendored_schema(bakes, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n",
                      encoding="utf-8")

    report = check_jsonschema(["--builtin-schema", "vendor.github-workflows"],
                              distinct_workflows(bakes) + [broken])

    assert {error["filename"] for error in report["errors"]} == {str(broken)}, report["errors"]


def repository_paths(text, project_name):
    """Every path into the repository a workflow names, globs cut at their first wildcard."""
    roots = "|".join(re.escape(root) for root in (
        "ml_service", "environment_setup", project_name, ".github", "requirements.txt"))
    return {match.split("*")[0].rstrip("/") for match in
            re.findall(rf"(?<![\w/.-])(?:{roots})(?:/[\w.*/-]*)?", text)}


def local_module(project, module):
    return (project / (module.replace(".", "/") + ".py")).is_file()


@pytest.mark.parametrize("overrides", structural_combinations(**GITHUB_ACTIONS), ids=matrix_id)
def test_cross_references_resolve(overrides):
    project, answers = bake_once(**overrides), rendered_answers(**overrides)
    setup = load_setup_script(project)
    config = setup.load_config(project / "environment_setup" / "github.json")
    variables = set(setup.repository_variable_names(config))
    problems = []
    for path in workflow_files(project):
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(project)
        problems += [f"{relative}: {target} does not exist"
                     for target in sorted(repository_paths(text, answers["project_name"]))
                     if not (project / target).exists()]
        for module in re.findall(r"python -m ([\w.]+)", text):
            top = module.split(".")[0]
            if not (local_module(project, module) if (project / top).is_dir()
                    else importlib.util.find_spec(top)):
                problems.append(f"{relative}: python -m {module}: no such module")
        problems += [f"{relative}: vars.{name} is set by nobody"
                     for name in re.findall(r"vars\.(\w+)", text) if name not in variables]
        workflow = load(path)
        jobs = workflow["jobs"]
        for job_id, job in jobs.items():
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            problems += [f"{relative}: {job_id} needs unknown job {name}"
                         for name in needs if name not in jobs]
            environment = job.get("environment")
            if isinstance(environment, dict):
                environment = environment["name"]
            if environment and environment not in config["environments"]:
                problems.append(f"{relative}: {job_id} uses environment {environment}, "
                                "which the set-up script does not create")
            steps = {step["id"]: step for step in job.get("steps", []) if "id" in step}
            for name, value in job.get("outputs", {}).items():
                step_id, output = re.fullmatch(
                    r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*}}", value).groups()
                if step_id not in steps or f"{output}=" not in steps[step_id].get("run", ""):
                    problems.append(f"{relative}: output {job_id}.{name} is written by no step")
    assert not problems, "\n".join(problems)


def test_each_identity_trusts_exactly_the_subjects_of_the_jobs_that_sign_in_as_it(bakes):
    for _, project in bakes:
        _, config = setup_config(project)
        assert {identity["client_id_variable"]: set(identity["subjects"])
                for identity in config["identities"]} == \
            signed_in_subjects(project, config), project


def test_the_pull_request_subject_is_trusted_only_by_the_read_only_identity(bakes):
    """Contributor (the one write role the script assigns) goes to the identity of main and the
    environments; pull requests, the only subject a branch's author controls, get the other."""
    for _, project in bakes:
        _, config = setup_config(project)
        by_subject = {subject: identity for identity in config["identities"]
                      for subject in identity["subjects"]}
        assert [role["role"] for role in by_subject["pull_request"]["roles"]] != []
        assert "Contributor" not in [role["role"] for role in by_subject["pull_request"]["roles"]]
        assert "Contributor" in [role["role"]
                                 for role in by_subject["ref:refs/heads/main"]["roles"]]


def notice_of(job, project, tmp_path):
    """What the job's only step prints, run by bash as the runner would."""
    [step] = job["steps"]
    completed = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                                step["run"]], cwd=project, capture_output=True, text=True,
                               timeout=30, env={"PATH": "/usr/bin:/bin"})
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.splitlines()


def test_without_the_repository_variables_every_azure_job_skips_with_one_notice(bakes, tmp_path):
    """The first push comes before the set-up script (which needs the repository on GitHub):
    every job that signs in is skipped, and one job says in one line what to run; once the
    variables exist, that job is skipped and the others run."""
    for _, project in bakes:
        _, config = setup_config(project)
        variables = {name: SET_UP for name in setup_variable_names(project, config)}
        for path in workflow_files(project):
            workflow = load(path)
            azure_jobs = {job_id for job_id, job in workflow["jobs"].items() if signs_in(job)}
            for event in triggers(workflow):
                ran = jobs_that_run(workflow, event, {})
                if not azure_jobs:
                    assert ran == list(workflow["jobs"]), (path.name, event)
                    continue
                assert ran == ["not-set-up"], (path.name, event, ran)
                [line] = notice_of(workflow["jobs"]["not-set-up"], project, tmp_path)
                assert line.startswith("::notice title=Azure is not set up::Run python "
                                       "environment_setup/github_setup.py "), line
                set_up = jobs_that_run(workflow, event, variables)
                assert "not-set-up" not in set_up and set(set_up) & azure_jobs, (path.name, event)


def test_expressions_are_evaluated_as_github_documents():
    context = {"vars": {"A": "x"}, "github": {"event_name": "push"}}
    assert evaluate("vars.MISSING != ''", context) is False  # null and '' are both 0
    assert evaluate("vars.A != ''", context) is True
    assert evaluate("github.event_name == 'PUSH'", context) is True  # case is ignored
    assert evaluate("github.event_name == 'pull_request' && 'a' || 'b'", context) == "b"
    assert evaluate("!(vars.A == 'x') || vars.A", context) == "x"
    with pytest.raises(ValueError):
        evaluate("success()", context)


def test_permissions_actions_and_concurrency(bakes):
    problems = []
    for path in distinct_workflows(bakes):
        workflow = load(path)
        name = path.name
        if workflow.get("permissions") != {"contents": "read"}:
            problems.append(f"{name}: workflow permissions {workflow.get('permissions')}")
        if "group" not in workflow.get("concurrency", {}):
            problems.append(f"{name}: no concurrency group")
        # Only an explicit `shell: bash` runs with pipefail; the default is `bash -e {0}`.
        if workflow.get("defaults", {}).get("run", {}).get("shell") != "bash":
            problems.append(f"{name}: run steps without pipefail")
        if "secrets." in path.read_text(encoding="utf-8"):
            problems.append(f"{name}: reads a stored secret")
        for job_id, job in workflow["jobs"].items():
            uses = [step["uses"] for step in job.get("steps", []) if "uses" in step]
            signs_in = any(use.split("@")[0] in SIGN_IN_ACTIONS for use in uses)
            if (job.get("permissions", {}).get("id-token") == "write") != signs_in:
                problems.append(f"{name}: {job_id} has id-token: write "
                                f"{'without' if not signs_in else 'missing, yet'} signing in")
            for use in uses:
                action, _, commit = use.partition("@")
                if PINNED_ACTIONS.get(action, ("",))[0] != commit:
                    problems.append(f"{name}: {use} (expected {action}@"
                                    f"{PINNED_ACTIONS.get(action, ('?',))[0]})")
            for node in walk(job):
                if "creds" in node.get("with", {}):
                    problems.append(f"{name}: {job_id} signs in with a stored credential")
    assert not problems, "\n".join(problems)


def test_every_action_is_pinned_to_its_release_commit_with_the_release_named(bakes):
    """Dependabot reads the release from the comment after the commit and updates both."""
    uses = {line.strip().removeprefix("- ") for path in distinct_workflows(bakes)
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().removeprefix("- ").startswith("uses: ")}
    assert uses == {f"uses: {action}@{commit} # {release}"
                    for action, (commit, release) in PINNED_ACTIONS.items()}


def zizmor(folder):
    """zizmor's findings of high severity in ``folder`` (offline: no GitHub API), as dicts; its
    configuration is found in the folder's .github/ as in the generated repository."""
    completed = subprocess.run([str(BIN / "zizmor"), "--offline", "--format", "json",
                                "--min-severity", "high", str(folder)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 13, 14), completed.stderr  # 13, 14: high findings
    return json.loads(completed.stdout or "[]")


def distinct_repositories(bakes):
    """One bake per distinct set of .github files: bakes with the same files audit the same."""
    distinct = {}
    for _, project in bakes:
        key = tuple((path.relative_to(project).as_posix(), path.read_bytes())
                    for path in sorted((project / ".github").rglob("*")) if path.is_file())
        distinct.setdefault(key, project)
    return list(distinct.values())


def test_zizmor_finds_nothing_of_high_severity_in_any_repository(bakes, tmp_path):
    repositories = distinct_repositories(bakes)
    assert len(repositories) >= 2

    findings = {project.name: zizmor(project) for project in repositories}

    assert all(found == [] for found in findings.values()), json.dumps(findings)[:4000]
    # Seeded: an action back on a tag, and the configuration gone, are both found.
    seeded = Path(shutil.copytree(repositories[0] / ".github", tmp_path / "repo" / ".github"))
    (seeded / "zizmor.yml").unlink()
    ci = seeded / "workflows" / "ci.yml"
    ci.write_text(re.sub(r"actions/checkout@\w+ # \S+", "actions/checkout@v7",
                         ci.read_text(encoding="utf-8")), encoding="utf-8")
    found = {(finding["ident"], Path(finding["locations"][0]["symbolic"]["key"]["Local"]
                                     ["verbatim_path"]).name) for finding in zizmor(seeded.parent)}
    assert found == {("unpinned-uses", "ci.yml"), ("dangerous-triggers", "deploy.yml")}


def test_dependabot_keeps_the_actions_current(bakes, tmp_path):
    files = {project / ".github" / "dependabot.yml" for project in distinct_repositories(bakes)}
    broken = tmp_path / "dependabot.yml"
    broken.write_text("version: 2\nupdates:\n  - package-ecosystem: github-actions\n"
                      "    directory: /\n    schedule:\n      interval: hourly\n",
                      encoding="utf-8")

    report = check_jsonschema(["--builtin-schema", "vendor.dependabot"], sorted(files) + [broken])

    assert {error["filename"] for error in report["errors"]} == {str(broken)}, report["errors"]
    for path in files:
        [update] = load(path)["updates"]
        assert (update["package-ecosystem"], update["directory"]) == ("github-actions", "/")


def test_pull_requests_change_nothing_in_azure(bakes):
    """Jobs that run on pull requests may read (what-if, plan); every job that changes Azure is
    guarded by main or has no pull_request trigger."""
    changing = re.compile(r"\baz (deployment group create|group delete)|\bterraform apply\b"
                          r"|python -m ml_service\.azureml\.(training submit|online_endpoint "
                          r"(deploy|delete)|register_data)")
    for path in distinct_workflows(bakes):
        workflow = load(path)
        if "pull_request" not in triggers(workflow):
            continue
        for job_id, job in workflow["jobs"].items():
            scripts = " ".join(step.get("run", "") for step in job.get("steps", []))
            if changing.search(scripts):
                assert "github.event_name != 'pull_request'" in str(job.get("if")), \
                    f"{path.name}: {job_id} changes Azure on a pull request"


def test_infrastructure_workflow_follows_iac_tool(bakes):
    for overrides, project in bakes:
        names = [path.name for path in workflow_files(project)]
        assert f"infrastructure-{overrides['iac_tool']}.yml" in names
        assert "teardown.yml" in names
        teardown = load(project / ".github" / "workflows" / "teardown.yml")
        assert set(triggers(teardown)) == {"workflow_dispatch"}
        if overrides["iac_tool"] == "terraform":
            workflow = load(project / ".github" / "workflows" / "infrastructure-terraform.yml")
            assert workflow["env"]["TERRAFORM_VERSION"] == \
                rendered_answers(**overrides)["__terraform_version"]


def step_scripts(job):
    return [(step.get("name", step.get("uses")), step.get("run", ""), step.get("if"))
            for step in job["steps"]]


def test_training_waits_fails_unless_completed_publishes_and_cancels_with_the_run(bakes):
    _, project = bakes[0]
    job = load(project / ".github" / "workflows" / "train.yml")["jobs"]["train"]
    scripts = step_scripts(job)
    runs = [run for _, run, _ in scripts]
    order = [next(i for i, run in enumerate(runs)
                  if f"python -m ml_service.azureml.training {command}" in run)
             for command in ("submit", "wait", "check", "cancel")]
    assert order == sorted(order)
    # The job installs what its steps import before the first of them.
    assert order[0] > runs.index("python -m pip install -r requirements.txt")
    # The wait signs in again every 40 minutes; `training check` fails on any status but
    # Completed (the generated repository's tests prove both).
    assert "--sign_in_command \"bash .github/scripts/oidc_sign_in.sh\"" in runs[order[1]]
    assert "--sign_in_seconds 2400" in runs[order[1]]
    _, cancel, condition = scripts[order[-1]]
    assert "!success()" in condition and "steps.wait.outcome != 'success'" in condition
    assert "oidc_sign_in.sh" in cancel, "the session may have ended by the time it is cancelled"
    assert any(name == "Publish the registered model" for name, _, _ in scripts)
    assert job["outputs"]["model-version"] == "${{ steps.check.outputs.model-version }}"


def test_a_run_whose_evaluation_kept_the_production_model_is_green_and_deploys_nothing(
        bakes, tmp_path):
    """As in v1: Train warns "no new model", passes and publishes no model; Deploy says so,
    skips the deployment and smoke test, and never asks production's reviewers."""
    _, project = bakes[0]
    workflows = project / ".github" / "workflows"
    train = {name: (run, condition) for name, run, condition
             in step_scripts(load(workflows / "train.yml")["jobs"]["train"])}
    deploy = load(workflows / "deploy.yml")["jobs"]
    qa = {name: (run, condition) for name, run, condition in step_scripts(deploy["qa"])}
    for run, output in ((train["Fail unless Completed; warn when no new model"][0],
                         "model-version="),
                        (qa["Find the model the Train run registered"][0], "version=")):
        files = {name: tmp_path / name for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            path.write_text("", encoding="utf-8")
        completed = run_without_a_new_model(run, project, tmp_path,
                                            **{name: str(path) for name, path in files.items()})
        assert completed.returncode == 0, completed.stderr
        assert "::warning::No new model: production keeps its model" in completed.stdout
        assert files["GITHUB_OUTPUT"].read_text(encoding="utf-8") == f"{output}\n"
        assert "No new model" in files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
    assert train["Publish the registered model"][1] == "steps.check.outputs.model-version != ''"
    for name in ("Create or update the endpoint and its deployment",
                 "Smoke test with the two sample rows"):
        assert qa[name][1] == "steps.model.outputs.version != ''"
    assert deploy["qa"]["outputs"]["model-version"] == "${{ steps.model.outputs.version }}"
    assert deploy["production"]["if"] == "needs.qa.outputs.model-version != ''"


def test_deployment_goes_to_qa_then_waits_for_production_reviewers(bakes):
    for overrides, project in bakes:
        answers = rendered_answers(**overrides)
        deploy = load(project / ".github" / "workflows" / "deploy.yml")
        qa, production = deploy["jobs"]["qa"], deploy["jobs"]["production"]
        assert (qa["environment"], production["environment"]) == ("qa", "production")
        assert production["needs"] == "qa"
        assert qa["env"]["ENDPOINT_NAME"] == answers["__qa_online_endpoint_name"]
        assert production["env"]["ENDPOINT_NAME"] == answers["__online_endpoint_name"]
        for job in (qa, production):
            runs = [run for _, run, _ in step_scripts(job)]
            assert runs[-2:] == [
                'python -m ml_service.azureml.online_endpoint deploy >> "$GITHUB_STEP_SUMMARY"',
                "python -m ml_service.azureml.online_endpoint smoke_test"]
        assert deploy["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
        config = json.loads((project / "environment_setup/github.json").read_text("utf-8"))
        assert config["reviewed_environments"] == ["production"]


def test_answers_yaml_could_misread_stay_text_in_the_workflows():
    overrides = {"project_name": "null", "azureml_sdk": "v2", "orchestrator": "github_actions"}
    project, answers = bake_once(**overrides), rendered_answers(**overrides)
    workflows = project / ".github" / "workflows"
    deploy, train = load(workflows / "deploy.yml"), load(workflows / "train.yml")
    assert deploy["env"]["SOURCES_DIR_TRAIN"] == "null"
    assert deploy["env"]["MODEL_NAME"] == train["env"]["MODEL_NAME"] == answers["__model_name"]
    assert deploy["jobs"]["qa"]["env"]["ENDPOINT_NAME"] == "eyteam1-null-qa"
    assert triggers(train)["push"]["paths"][0] == "null/**"


def test_every_workflow_script_passes_shellcheck(bakes):
    _, project = bakes[0]
    scripts = sorted((project / ".github" / "scripts").glob("*.sh"))
    assert [script.name for script in scripts] == ["oidc_sign_in.sh"]
    checked = subprocess.run([str(BIN / "shellcheck"), "-S", "style", *map(str, scripts)],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout
