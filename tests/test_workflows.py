"""The generated GitHub Actions workflows, for every combination of answers that has them.

actionlint (the maintained fork's PyPI wheel) runs with shellcheck on PATH, so every ``run:``
script is checked too, and reports nothing; check-jsonschema's vendored GitHub workflow schema
accepts every file. Seeded mistakes prove both still find what they should. Then what no linter
knows: every path, module, job output, ``needs:``, environment and repository variable a workflow
names exists; the federated credentials of the set-up script are exactly the subjects the
workflows sign in with; permissions, action versions and concurrency follow one rule each.
"""
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from azure_devops import structural_bakes, structural_combinations
from conftest import bake_once, matrix_id, rendered_answers
from test_pipelines import check_jsonschema, run_without_a_new_model, walk

GITHUB_ACTIONS = {"orchestrator": "github_actions"}
BIN = Path(sys.executable).parent
# The one place the action versions live: each is the current major, on GitHub's Node 24 runtime.
ACTION_VERSIONS = {
    "actions/checkout": "v7",  # v7.0.1 (2026-07); node24 since v5
    "actions/setup-python": "v7",  # v7.0.0 (2026-07); node24 since v6
    "actions/upload-artifact": "v7",  # v7.0.1; node24 since v6 (v5 still ran node20)
    "azure/login": "v3",  # v3.0.1, node24; v2 security fixes only, v1 end of life
    "hashicorp/setup-terraform": "v4",  # v4.0.1; v4.0.0 moved to node24
}
# Steps that sign in to Azure: azure/login, or Terraform's own OIDC (ARM_USE_OIDC).
SIGN_IN_ACTIONS = ("azure/login", "hashicorp/setup-terraform")
REPOSITORY = "contoso/team-repo"
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


def workflow_files(project):
    return sorted((project / ".github" / "workflows").glob("*.yml"))


def load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow):
    # YAML 1.1 reads the key `on` as True.
    return workflow.get("on", workflow.get(True))


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


def load_setup_script(project):
    """The generated ``environment_setup/github_setup.py`` as a module."""
    path = project / "environment_setup" / "github_setup.py"
    spec = importlib.util.spec_from_file_location(f"github_setup_{id(project)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    variables = set(setup.IDENTITY_VARIABLES) | set(config["variables"])
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


def signed_in_subjects(project, repository):
    """The OIDC subject of every job that signs in: its environment's, else its triggers'."""
    subjects = set()
    for path in workflow_files(project):
        workflow = load(path)
        events = set(triggers(workflow))
        for job in workflow["jobs"].values():
            uses = [step.get("uses", "").split("@")[0] for step in job.get("steps", [])]
            if not any(action in SIGN_IN_ACTIONS for action in uses):
                continue
            environment = job.get("environment")
            if environment:
                name = environment["name"] if isinstance(environment, dict) else environment
                subjects.add(f"repo:{repository}:environment:{name}")
                continue
            if "pull_request" in events and "github.event_name != 'pull_request'" not in str(
                    job.get("if", "")):
                subjects.add(f"repo:{repository}:pull_request")
            if events - {"pull_request"}:
                subjects.add(f"repo:{repository}:ref:refs/heads/main")
    return subjects


def test_federated_credentials_are_exactly_the_subjects_the_workflows_use(bakes):
    for _, project in bakes:
        setup = load_setup_script(project)
        config = setup.load_config(project / "environment_setup" / "github.json")
        assert set(setup.federated_subjects(config, REPOSITORY).values()) == \
            signed_in_subjects(project, REPOSITORY), project


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
                action, _, version = use.partition("@")
                if ACTION_VERSIONS.get(action) != version:
                    problems.append(f"{name}: {use} (expected {action}@"
                                    f"{ACTION_VERSIONS.get(action)})")
            for node in walk(job):
                if "creds" in node.get("with", {}):
                    problems.append(f"{name}: {job_id} signs in with a stored credential")
    assert not problems, "\n".join(problems)


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
