"""Every ``az`` command the generated repositories run, parsed by the real Azure CLI, offline.

The stand-in ``az`` answers whatever a test tells it to; this rehearsal asks the real one whether
it would accept each command. It has two halves:

1. Recording. Every pipeline step (templates expanded, variables and ``$(macros)`` filled in as
   ``test_rehearsal`` does) and every workflow ``run:`` step (its ``env:`` as GitHub gives it)
   whose script, or a repository script it runs, calls ``az`` runs under bash with ``az`` a
   shell function that calls the stand-in ``az`` and tells it the file and line of the call; the
   stand-in records the call and answers plausibly, once as a subscription where nothing exists
   yet and once where everything does (``profile``), so both sides of each ``if`` run.
   ``python -m``, ``terraform`` and ``curl`` are stand-ins. Every ``az`` command written in
   those scripts must be recorded at least once, or the test names it. The set-up scripts run as
   a person runs them (their dry run; the Azure DevOps one also for real, in a project set up
   before whose variable group drifted), and ``AzureCliCredential`` of the pinned azure-identity
   asks its ``az`` for a token.
2. Replay. Each distinct command runs with the real ``azure-cli`` of ``AZURE_CLI_VERSION``, in a
   venv of its own cached under ``.cache/`` (not in the dev requirements), with no network
   (``unshare -n``), nobody signed in and a throwaway ``AZURE_CONFIG_DIR``. It must get past
   argument parsing and stop at sign-in or at the network; a usage error fails the test and
   names the generated file and line. Commands of extensions that cannot be installed here are
   listed as unproven, with where their flags were checked, not run.
"""
import functools
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.azure_pipelines import is_pipeline, jobs, pipeline_files, step_script
from tests.support.bakes import (TEMPLATE_DIR, bake_once, matrix_id, structural_combinations,
                                 writable_copy)
from tests.support.commands import VENV_CACHE, no_network_prefix, requirements_venv, run
from tests.support.rehearsal import env_name, job_variables, substitute
from tests.support.repository import load
from tests.support.stand_in_az import SUBSCRIPTION_ID, StandInAz, rule
from tests.support.workflows import GITHUB_CONTEXT, fill, run_steps, workflow_files

pytestmark = pytest.mark.slow

# The Azure CLI of Microsoft's hosted agents and runners today (2.8x to 2.9x; 2.91.0, released
# 2026-10-05, on PyPI): the README's maintainer list gives the sources. The one place it is named.
AZURE_CLI_VERSION = "2.91.0"
AZURE_CLI_VENV = VENV_CACHE / f"azure-cli-{AZURE_CLI_VERSION}"
# Argument parsing takes about a second; a call still running after this waits on the network
# (`az storage container create --auth-mode key` looks the account key up, and retries).
CALL_TIMEOUT_SECONDS = 20
PARALLEL_CALLS = 2
# What the CLI says when it refuses a command line: exit 2 and one of these.
USAGE_ERRORS = ("unrecognized arguments", "the following arguments are required",
                "is misspelled or not recognized", "invalid choice", "expected one argument",
                "is not a valid value")
# Where a well-formed command stops offline: nobody signed in, or no network.
STOPPED_AT_AZURE = ("Please run 'az login'", "Failed to establish a new connection",
                    "Temporary failure in name resolution", "Name or service not known",
                    "Network is unreachable", "Max retries exceeded", "ConnectionError")
# Local checks that come after parsing: an extension a person's set-up checks for, and the
# subscription `az account set` looks for among those of a sign-in there is not.
STOPPED_AFTER_PARSING = ("is not installed", "doesn't exist in cloud")
# Commands of CLI extensions, which install from Microsoft's extension index (not reachable
# here): never run, listed with where their flags were checked (2026-12-06).
EXTENSION_SOURCES = {
    "devops": "Azure/azure-devops-cli-extension: azext_devops/dev/team/service_endpoint.py "
              "(create_azurerm_service_endpoint, update_service_endpoint), dev/common/config.py",
    "pipelines": "Azure/azure-devops-cli-extension: azext_devops/dev/pipelines/arguments.py "
                 "(--group-id/--id, --yaml-path, --skip-first-run), variable_group.py, "
                 "pipeline_create.py, pipeline.py",
    "repos": "Azure/azure-devops-cli-extension: azext_devops/dev/repos",
}
# Extensions no step may use (the `ml` extension no longer loads on today's az): their calls
# fail the rehearsal.
FORBIDDEN_EXTENSIONS = ("ml",)
# An `az` call where a command starts: a line's start, after `$(`, a pipe, `;`, `&&`, `||`,
# `!` or a shell keyword (not `az` inside an echoed sentence).
AZ_COMMAND = re.compile(
    r"(?:^|\$\(|[;&|(!{]|\b(?:if|then|elif|else|while|until|do)\b)\s*az\s+[a-z]")
SCRIPT_FILE = re.compile(r"\b(?:bash|source|\.)\s+\"?([\w./${}()\[\]\"-]+\.sh)\b")


@dataclass(frozen=True)
class Call:
    """One recorded ``az`` call: its arguments, where it is written, and the folder it ran in
    when an argument names a file there (a template the CLI reads), else None."""
    argv: tuple
    where: str
    cwd: str = None


def reads_files_in(argv, cwd):
    """``cwd`` when an argument of ``argv`` is a relative path to a file there, else None."""
    names = [argument.split("=", 1)[-1].lstrip("@") for argument in argv[1:]]
    return str(cwd) if any(name and not name.startswith("/") and (Path(cwd) / name).is_file()
                           for name in names) else None


# -------------------------------------------------------------------------------------------
# The real CLI.
# -------------------------------------------------------------------------------------------

def azure_cli():
    """The command that runs ``az`` from a venv with exactly azure-cli==AZURE_CLI_VERSION,
    built once and cached (about 400 MB); the build's time is printed. It is the venv's python
    with ``-m azure.cli``, as the venv's ``az`` script runs it: that script's first line names
    the folder the venv was built in, and the cache outlives a checkout's move."""
    complete = AZURE_CLI_VENV / "complete"
    if not complete.exists():
        started = time.monotonic()
        shutil.rmtree(AZURE_CLI_VENV, ignore_errors=True)
        base_python = getattr(sys, "_base_executable", sys.executable)
        run([base_python, "-m", "venv", AZURE_CLI_VENV], TEMPLATE_DIR, timeout=300)
        run([sys.executable, "-m", "uv", "pip", "install", "--python",
             AZURE_CLI_VENV / "bin" / "python", f"azure-cli=={AZURE_CLI_VERSION}"],
            TEMPLATE_DIR, timeout=1800)
        complete.write_text(AZURE_CLI_VERSION, encoding="utf-8")
        print(f"built the azure-cli {AZURE_CLI_VERSION} venv in "
              f"{time.monotonic() - started:.0f} s")
    return [AZURE_CLI_VENV / "bin" / "python", "-m", "azure.cli"]


class RealCli:
    """Runs commands with the real CLI, offline and signed out; one result per distinct argv for
    the whole session."""

    def __init__(self, folder):
        self.az = azure_cli()
        self.no_network = no_network_prefix()
        self.env = {"PATH": f"{self.az[0].parent}:/usr/bin:/bin", "HOME": str(folder),
                    "LANG": "C.UTF-8", "AZURE_CONFIG_DIR": str(folder / "azure-config"),
                    "AZURE_EXTENSION_DIR": str(folder / "azure-extensions"),
                    "AZURE_CORE_COLLECT_TELEMETRY": "false", "AZURE_CORE_NO_COLOR": "true",
                    "AZ_INSTALLER": "PIP"}  # what the venv's az script sets
        self.results = {}
        # The first call builds the CLI's command index in the config folder; later ones share it.
        self.run(("az", "version"))

    def run(self, argv, cwd=None):
        """(exit code or None when it timed out, output) of ``argv`` run in ``cwd``."""
        key = (argv, cwd)
        if key not in self.results:
            try:
                completed = subprocess.run([*self.no_network, *map(str, self.az), *argv[1:]],
                                           cwd=cwd, env=self.env, capture_output=True, text=True,
                                           timeout=CALL_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
                self.results[key] = (completed.returncode, completed.stdout + completed.stderr)
            except subprocess.TimeoutExpired as expired:
                self.results[key] = (None, str(expired.stderr or ""))
        return self.results[key]

    def run_all(self, keys):
        """``{(argv, cwd): result}``, running those not run yet, two at a time."""
        new = sorted(set(keys) - set(self.results), key=str)
        with ThreadPoolExecutor(PARALLEL_CALLS) as pool:
            list(pool.map(lambda key: self.run(*key), new))
        return {key: self.results[key] for key in keys}


def verdict(code, output):
    """None when the command got past parsing to sign-in or the network, else why not."""
    usage = any(marker in output for marker in USAGE_ERRORS)
    if code is None and not usage:
        return None  # still waiting on the network after parsing
    if not usage and any(marker in output for marker in STOPPED_AT_AZURE + STOPPED_AFTER_PARSING):
        return None
    if usage or code == 2:
        lines = [line for line in output.splitlines() if line.startswith("ERROR")] or [output]
        return f"usage error (exit {code}): {lines[0].strip()[:200]}"
    return f"exit {code} without reaching Azure: {output.strip()[-300:]}"


def extension(argv):
    """The CLI extension a command belongs to, or None for the core CLI."""
    group = argv[1] if len(argv) > 1 else ""
    return group if group in (*EXTENSION_SOURCES, *FORBIDDEN_EXTENSIONS) else None


def replay(cli, calls):
    """(problems, unproven) of ``calls``: each usage error or wrong stop with where it is
    written; each extension command not run, with where its flags were checked."""
    problems, unproven = [], {}
    by_key = {}
    for call in calls:
        if extension(call.argv) in EXTENSION_SOURCES:
            verb = " ".join(itertools.takewhile(lambda word: not word.startswith("-"), call.argv))
            unproven.setdefault(verb, set()).add(call.where)
        else:
            by_key.setdefault((call.argv, call.cwd), set()).add(call.where)
    results = cli.run_all(list(by_key))
    for (argv, cwd), wheres in sorted(by_key.items(), key=str):
        places = "; ".join(sorted(wheres))
        problem = verdict(*results[(argv, cwd)])
        if problem:
            problems.append(f"{places}: {' '.join(argv)}\n    {problem}")
    return problems, [f"{verb} ({'; '.join(sorted(wheres))}): flags checked in "
                      f"{EXTENSION_SOURCES[verb.split()[1]]}"
                      for verb, wheres in sorted(unproven.items())]


# -------------------------------------------------------------------------------------------
# Recording the calls of pipeline and workflow steps.
# -------------------------------------------------------------------------------------------

def profile(existing):
    """What the stand-in az answers in a subscription where nothing exists yet, or where
    everything does: enough for each script to take both sides of each ``if``."""
    return [
        rule("group exists", "true" if existing else "false"),
        rule(r"(\S+ )*model", "1"),  # what the training registered, in both subscriptions
        rule(query="status", stdout="Completed"),
        rule(query="id", stdout=SUBSCRIPTION_ID),
        rule(r"(\S+ )*list", '[{"name": "stand-in"}]' if existing else ""),
        rule(query=".+", stdout="stand-in-value" if existing else ""),
        *([] if existing else [rule(r"(\S+ )*show(-deleted)?", code=3)]),
        rule(),  # the rest succeeds and prints nothing
    ]


# Shell bodies of the other programs the recorded scripts run.
SCRIPT_STAND_INS = {
    # `python -m ...` is another rehearsal's; any other use of Python is real.
    "python": '[ "$1" = -m ] && exit 0\nexec /usr/bin/python3 "$@"\n',
    "terraform": "exit 0\n",
    "curl": """echo '{"value": "stand-in-oidc-token"}'\n""",
}
# `az` as a function that tells the stand-in where it is called (bash knows the file and line).
WRAPPER = """az() { AZ_CALLED_FROM="${BASH_SOURCE[1]:-}:${BASH_LINENO[0]:-0}" command az "$@"; }
export -f az
source "$1"
"""


class Recorder:
    """Runs scripts with the stand-in ``az`` of each profile, called through the ``az``
    function, and the other stand-ins; the calls made."""

    def __init__(self, folder):
        self.folder = folder
        self.bin = folder / "bin"
        self.bin.mkdir(parents=True)
        self.profiles = {name: StandInAz(folder / name, profile(name == "existing"))
                         for name in ("fresh", "existing")}
        (folder / "wrapper.sh").write_text(WRAPPER, encoding="utf-8")
        for name, body in SCRIPT_STAND_INS.items():
            for alias in (name, "python3") if name == "python" else (name,):
                (self.bin / alias).write_text(f"#!/bin/sh\n{body}", encoding="utf-8")
                (self.bin / alias).chmod(0o755)
        self.count = 0

    def run(self, script, cwd, variables, profile):
        """The ``{"source", "line", "argv"}`` records of ``script`` run once in ``profile``."""
        self.count += 1
        path = self.folder / f"step-{self.count}.sh"
        path.write_text(script, encoding="utf-8")
        az = self.profiles[profile]
        az.forget_calls()
        env = {"PATH": f"{az.bin}:{self.bin}:/usr/bin:/bin", "HOME": str(self.folder),
               "LANG": "C.UTF-8", **variables,
               # The wait loops poll at once and sign in again at once (both branches run).
               "POLL_SECONDS": "0", "SIGN_IN_SECONDS": "0" if profile == "existing" else "86400"}
        subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail",
                        str(self.folder / "wrapper.sh"), str(path)], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=120)
        records = []
        for record in az.records():
            source, _, line = (record["where"] or ":0").rpartition(":")
            records.append({"source": source, "line": int(line or 0),
                            "argv": ["az", *record["args"]]})
        return path, records


def az_lines(text):
    """``{line number: number of lines the command spans}`` of each ``az`` command written in
    ``text`` (comments aside); a command continued with backslashes spans several."""
    lines = text.splitlines()
    found = {}
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("#") or not AZ_COMMAND.search(line):
            continue
        end = number
        while end <= len(lines) and lines[end - 1].rstrip().endswith("\\"):
            end += 1
        found[number] = end - number + 1
    return found


def locate(text, files):
    """``file:line`` of the first line of ``files`` that ``text`` begins (or None)."""
    text = text.strip()
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and text.startswith(line.strip()) and "az " in line:
                return f"{path.name}:{number}"
    return None


class Steps:
    """What one project's steps call: the calls, and the written ``az`` commands none reached."""

    def __init__(self, project, recorder):
        self.project, self.recorder = project, recorder
        self.calls, self.written, self.reached = [], {}, set()
        self.yaml_files = [*pipeline_files(project), *workflow_files(project)]

    def written_in(self, key, text, where):
        for line, span in az_lines(text).items():
            self.written[(key, line)] = (span, where(line))

    def rehearse(self, script, variables, raw_script, label):
        """Run ``script`` (``raw_script`` as written) in both profiles; keep what it called."""
        def inline_where(line):
            return locate(raw_script.splitlines()[line - 1], self.yaml_files) or \
                f"{label}, line {line} of its script"
        self.written_in("step:" + raw_script, raw_script, inline_where)
        for match in SCRIPT_FILE.findall(raw_script):
            file = self.project / match
            if file.is_file():
                relative = file.relative_to(self.project).as_posix()
                self.written_in(relative, file.read_text(encoding="utf-8"),
                                lambda line, relative=relative: f"{relative}:{line}")
        for profile in ("fresh", "existing"):
            path, records = self.recorder.run(script, self.project, variables, profile)
            for item in records:
                source = self.project / item["source"] if item["source"] else path
                if source == path:
                    key, where = "step:" + raw_script, inline_where
                else:
                    relative = source.resolve().relative_to(self.project.resolve()).as_posix()
                    self.written_in(relative, source.read_text(encoding="utf-8"),
                                    lambda line, relative=relative: f"{relative}:{line}")
                    key, where = relative, None
                line = self.written_line(key, item["line"])
                self.reached.add((key, line))
                entry = self.written.get((key, line))
                place = entry[1] if entry else (where(item["line"]) if where else
                                                f"{key}:{item['line']}")
                argv = tuple(item["argv"])
                self.calls.append(Call(argv, place, reads_files_in(argv, self.project)))

    def written_line(self, key, line):
        """The first line of the written command that spans ``line`` (bash reports a line of
        a continued command inside ``$( )``, not always the first)."""
        for (written_key, first), (span, _) in self.written.items():
            if written_key == key and first <= line < first + span:
                return first
        return line

    def not_reached(self):
        return sorted(where for key, (span, where) in self.written.items()
                      if key not in self.reached)


def script_mentions_az(script, project):
    texts = [script] + [(project / path).read_text(encoding="utf-8")
                        for path in SCRIPT_FILE.findall(script) if (project / path).is_file()]
    # Scripts that scripts run (common.sh, oidc_sign_in.sh) count too.
    for path in [match for text in texts for match in SCRIPT_FILE.findall(text)]:
        for candidate in project.rglob(Path(path).name):
            texts.append(candidate.read_text(encoding="utf-8"))
    return any(az_lines(text) for text in texts)


def pipeline_steps(project, steps):
    """Rehearse every Azure Pipelines step that calls ``az``."""
    agent = steps.recorder.folder / "agent"
    for path in pipeline_files(project):
        if not is_pipeline(load(path)):
            continue
        for job in jobs(path):
            variables = job_variables(job, project, {}, agent)
            for step in job.steps:
                raw = step_script(step)
                if raw is None or not script_mentions_az(raw, project):
                    continue
                script = substitute(raw, variables)
                env = {env_name(name): value for name, value in variables.items()}
                env.update({name: substitute(str(value), variables)
                            for name, value in (step.get("env") or {}).items()})
                if (step.get("inputs") or {}).get("addSpnToEnvironment"):
                    env.update(servicePrincipalId="stand-in-app", tenantId="stand-in-tenant",
                               idToken="stand-in-token")
                label = f"{path.name} / {job.name} / {step.get('displayName')}"
                steps.rehearse(script, env, raw, label)


def workflow_steps(project, steps):
    """Rehearse every GitHub Actions ``run:`` step that calls ``az``, on a push to main."""
    setup = json.loads((project / "environment_setup/github.json").read_text("utf-8"))
    variables = {"AZURE_CLIENT_ID": "stand-in-app", "AZURE_TENANT_ID": "stand-in-tenant",
                 "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION_ID, **setup["variables"]}
    context = {"github": GITHUB_CONTEXT, "vars": variables, "inputs": {"train-run-id": "1234"}}
    for path, _, _, step, env in run_steps(project, context):
        if not script_mentions_az(step["run"], project):
            continue
        env.update({"GITHUB_STEP_SUMMARY": os.devnull, "GITHUB_OUTPUT": os.devnull,
                    "GITHUB_ENV": os.devnull, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "stand-in",
                    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://stand-in.invalid/token?x=1"})
        steps.rehearse(fill(step["run"], {**context, "env": env}), env, step["run"],
                       f"{path.name} / {step.get('name')}")


def command_combinations():
    """One structural combination per set of answers that changes which commands run
    (run_evaluation changes none), for each orchestrator."""
    chosen = {}
    for overrides in structural_combinations():
        key = tuple(sorted((name, value) for name, value in overrides.items()
                           if name not in ("run_evaluation", "location")))
        chosen.setdefault(key, overrides)
    return list(chosen.values())


@pytest.fixture(scope="session")
def real_cli(tmp_path_factory):
    return RealCli(tmp_path_factory.mktemp("azure-cli"))


@pytest.mark.parametrize("overrides", command_combinations(), ids=matrix_id)
def test_every_az_command_of_every_step_gets_past_the_real_clis_parser(
        overrides, real_cli, tmp_path, capsys):
    project = writable_copy(bake_once(**overrides), tmp_path)
    steps = Steps(project, Recorder(tmp_path / "recorder"))
    if overrides["orchestrator"] == "azure_devops":
        pipeline_steps(project, steps)
    else:
        workflow_steps(project, steps)
    assert steps.calls, "no step called az"
    assert not steps.not_reached(), (
        "az commands no recorded step reached (give the recorder an answer that takes that "
        "branch):\n" + "\n".join(steps.not_reached()))

    problems, unproven = replay(real_cli, steps.calls)
    with capsys.disabled():
        print(f"\n{matrix_id(overrides)}: {len({call.argv for call in steps.calls})} distinct "
              f"az commands replayed with azure-cli {AZURE_CLI_VERSION}")
    assert not unproven, "pipeline steps must not need a CLI extension:\n" + "\n".join(unproven)
    assert not problems, "\n".join(problems)


# -------------------------------------------------------------------------------------------
# The set-up scripts and the sign-in, as people and the Python code run them.
# -------------------------------------------------------------------------------------------

def dry_run_calls(project, script, *options):
    """The ``az`` commands a set-up script's dry run prints (what its first run does; what a
    command reads on standard input is printed after ``<<<``)."""
    completed = run([sys.executable, script, "--dry-run", *options], project,
                    env={"PATH": "/usr/bin:/bin"})
    printed = [shlex.split(line.split(" <<< ")[0]) for line in completed.stdout.splitlines()
               if line.startswith("az ")]
    return [Call(tuple(argv), f"{script} --dry-run") for argv in printed]


def existing_devops_project(project):
    """The stand-in az's answers for an Azure DevOps project set up before, but for the Resource
    Manager connection: the variable group with one variable missing and one changed, the
    workspace connection, the pipelines; az's default organization."""
    config = json.loads((project / "environment_setup/azure-devops.json").read_text("utf-8"))
    variables = {name: {"value": value}
                 for name, value in config["variable_group"]["variables"].items()}
    missing, changed = list(variables)[:2]
    del variables[missing]
    variables[changed]["value"] = "drifted"
    workspace = config["service_connections"]["workspace"]["name"]
    return [
        rule("extension show", {"name": "azure-devops", "version": "1.0.1"}),
        rule("account show", {"id": SUBSCRIPTION_ID, "name": "s", "tenantId": "t"}),
        rule("provider show", "Registered"),
        rule("devops configure", "[defaults]\norganization = https://dev.azure.com/o"),
        rule("pipelines variable-group list", [{"id": 1, "name": config["variable_group"]["name"],
                                                "variables": variables}]),
        rule("devops service-endpoint list", [
            {"id": "github-1", "name": "github", "type": "GitHub"},
            {"id": "aml-1", "name": workspace, "type": "azurerm"}]),
        rule("devops service-endpoint azurerm create", {"id": "arm-1"}),
        rule("pipelines list", [{"id": number, "name": pipeline["name"]}
                                for number, pipeline in enumerate(config["pipelines"], 1)]),
        rule(stdout={}),  # each update succeeds
    ]


def azure_devops_setup_calls(project, folder):
    """The Azure DevOps set-up script's calls: its dry run (a project with nothing set up),
    then a real run in a project set up before, whose variable group has drifted."""
    calls = dry_run_calls(project, "environment_setup/azure_devops_setup.py")
    az = StandInAz(folder / "setup-az", existing_devops_project(project))
    run([sys.executable, "environment_setup/azure_devops_setup.py", "--repository",
         "https://github.com/contoso/repo", "--service-principal-id", "stand-in-app"], project,
        env={"PATH": f"{az.bin}:/usr/bin:/bin",
             "AZURE_DEVOPS_EXT_AZURE_RM_SERVICE_PRINCIPAL_KEY": "stand-in"})
    verbs = set(az.commands())
    assert {"pipelines variable-group variable create", "pipelines variable-group variable "
            "update", "devops service-endpoint azurerm create", "devops service-endpoint update",
            "pipelines update"} <= verbs, verbs
    return calls + [Call(("az", *args), "environment_setup/azure_devops_setup.py")
                    for args in az.calls()]


def credential_calls(project, folder):
    """What ``AzureCliCredential`` of the generated requirements' azure-identity runs when the
    Python code asks for a token (the one `az` call inside ml_service)."""
    python = requirements_venv(project / "requirements.txt") / "bin" / "python"
    az = StandInAz(folder / f"credential-{project.name}-{python.parent.parent.name}",
                   signed_in=False)
    code = ("from azure.identity import AzureCliCredential\n"
            "try:\n    AzureCliCredential().get_token('https://management.azure.com/.default')\n"
            "except Exception as error:\n    print(type(error).__name__)\n")
    completed = run([python, "-c", code], project,
                    env={"PATH": f"{az.bin}:/usr/bin:/bin", "PYTHONPATH": ""})
    assert "CredentialUnavailableError" in completed.stdout, completed.stdout
    return [Call(("az", *args), "azure.identity.AzureCliCredential "
                 f"({project.name}'s requirements.txt)") for args in az.calls()]


@functools.lru_cache(maxsize=None)
def setup_bakes():
    """The repositories whose set-up scripts call the most: AKS and the Web App (v1, Azure
    DevOps), Terraform (GitHub Actions)."""
    return (bake_once(azureml_sdk="v1", deploy_aks=True, deploy_webapp=True),
            bake_once(azureml_sdk="v2", orchestrator="github_actions", iac_tool="terraform"))


def test_the_set_up_scripts_and_the_sign_in_get_past_the_real_clis_parser(
        real_cli, tmp_path, capsys):
    azure_devops, github = (writable_copy(project, tmp_path / name)
                            for project, name in zip(setup_bakes(), ("devops", "github")))
    calls = [*azure_devops_setup_calls(azure_devops, tmp_path),
             *dry_run_calls(github, "environment_setup/github_setup.py"),
             *credential_calls(azure_devops, tmp_path), *credential_calls(github, tmp_path)]
    verbs = {" ".join(call.argv[1:3]) for call in calls}
    assert {"provider register", "account get-access-token", "pipelines create",
            "ad app"} <= verbs, verbs

    problems, unproven = replay(real_cli, calls)

    with capsys.disabled():
        print(f"\nUnproven here (CLI extensions, run by a person): {len(unproven)} commands\n  "
              + "\n  ".join(unproven))
    assert not problems, "\n".join(problems)
    assert all(" devops " in line or " pipelines " in line for line in unproven), unproven


def test_a_seeded_usage_error_fails_the_rehearsal(real_cli, tmp_path):
    """The rehearsal itself: a pipeline step given a flag the CLI does not have, a missing
    required argument and a misspelt command are each reported with their file and line; the
    same step as generated is not."""
    project = writable_copy(bake_once(), tmp_path)
    steps = Steps(project, Recorder(tmp_path / "recorder"))
    pipeline_steps(project, steps)
    assert not replay(real_cli, steps.calls)[0]

    remove = project / "environment_setup/iac-remove-environment-pipeline.yml"
    text = remove.read_text(encoding="utf-8")
    seeded = text.replace('az group delete --name "$(RESOURCE_GROUP)" --yes',
                          "az group delete --yes").replace(
        'az keyvault purge --name "$(KEY_VAULT)"',
        'az keyvault purge --name "$(KEY_VAULT)" --no-such-flag').replace(
        "az keyvault show-deleted", "az keyvalt show-deleted")
    seeds = ("az group delete --yes", "--no-such-flag", "az keyvalt")
    assert all(seeded.count(seed) == 1 for seed in seeds)
    remove.write_text(seeded, encoding="utf-8")
    steps = Steps(project, Recorder(tmp_path / "recorder-seeded"))
    pipeline_steps(project, steps)
    problems = replay(real_cli, steps.calls)[0]

    lines = {number for number, line in enumerate(seeded.splitlines(), 1)
             if any(seed in line for seed in seeds)}
    assert sorted(re.findall(r"iac-remove-environment-pipeline\.yml:(\d+)", "\n".join(problems))
                  ) == sorted(map(str, lines)), problems
    assert any("unrecognized arguments: --no-such-flag" in problem for problem in problems)
    assert any("the following arguments are required" in problem for problem in problems)
    assert any("misspelled or not recognized" in problem for problem in problems)
