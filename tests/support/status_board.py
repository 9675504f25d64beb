"""Runs as ``gh run list`` and ``az pipelines runs list`` print them, and the stand-ins that
print them from such data: what the status board's tests and its benchmark share."""
import json
import os
from datetime import timezone

from tests.support.organiser import GIT_IDENTITY, StandInGitHub, install_gh
from tests.support.stand_in_az import StandInAz

# Every run is on GitHub's and Azure DevOps's side of the board: its times are UTC.
UTC = timezone.utc
ORGANIZATION = "https://dev.azure.com/contoso-workshop"
# The pipelines of a default team's azure-devops.json, in its order: IaC, CI, CD.
PIPELINES = ("IaC-Create-Environment", "Model-Train-Register-CI", "Model-Deploy-CD")
PROJECT_ID = "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c"


def go_time(moment):
    """A time as gh prints it (Go's RFC 3339, UTC, whole seconds from GitHub's API)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else (
        "0001-01-01T00:00:00Z")


def github_run(repository, workflow, run_id, status, conclusion="", started=None, ended=None):
    """One run of ``workflow`` (its name, as in its file) with every field gh run list offers;
    gh leaves the conclusion empty until the run completes."""
    return {"name": workflow, "displayTitle": "Generate the team's repository",
            "headBranch": "main", "headSha": f"{run_id:040x}", "createdAt": go_time(started),
            "updatedAt": go_time(ended or started), "startedAt": go_time(started), "attempt": 1,
            "status": status, "conclusion": conclusion, "event": "push", "number": run_id,
            "databaseId": 9_000_000 + run_id, "workflowDatabaseId": 100 + run_id % 7,
            "workflowName": workflow,
            "url": f"https://github.com/{repository}/actions/runs/{9_000_000 + run_id}"}


def project_reference(organization, project):
    return {"id": PROJECT_ID, "name": project, "state": "wellFormed", "revision": 11,
            "visibility": "private", "lastUpdateTime": "2026-12-01T08:00:00.000000+00:00",
            "url": f"{organization}/_apis/projects/{PROJECT_ID}"}


def pipeline_definition(organization, project, definition_id, name):
    """A pipeline as az pipelines list prints it."""
    return {"id": definition_id, "name": name, "path": "\\", "queueStatus": "enabled",
            "revision": 1, "type": "build",
            "uri": f"vstfs:///Build/Definition/{definition_id}",
            "url": f"{organization}/{PROJECT_ID}/_apis/build/Definitions/{definition_id}"
                   "?revision=1",
            "project": project_reference(organization, project)}


def azure_build(organization, project, definition, build_id, status, result=None, queued=None,
                started=None, finished=None):
    """A run as az pipelines runs list prints it: the REST Build resource, camelCase, times in
    Python's isoformat, without ``_links`` (az drops attributes that start with '_')."""
    def moment(value):
        return value.astimezone(UTC).isoformat(timespec="microseconds") if value else None

    return {"buildNumber": f"20261206.{build_id}", "buildNumberRevision": build_id,
            "definition": {key: definition[key] for key in
                           ("id", "name", "path", "project", "queueStatus", "revision", "type",
                            "uri", "url")},
            "deleted": None, "finishTime": moment(finished), "id": build_id,
            "keepForever": False, "priority": "normal",
            "project": project_reference(organization, project),
            "queue": {"id": 9, "name": "Azure Pipelines", "pool": {"id": 9, "isHosted": True}},
            "queueTime": moment(queued or started), "reason": "individualCI",
            "requestedFor": {"displayName": "Team member", "uniqueName": "member@example.com"},
            "result": result, "sourceBranch": "refs/heads/main",
            "sourceVersion": f"{build_id:040x}", "startTime": moment(started), "status": status,
            "tags": [], "uri": f"vstfs:///Build/Build/{build_id}",
            "url": f"{organization}/{PROJECT_ID}/_apis/build/Builds/{build_id}"}


def install_stand_ins(folder):
    """``gh`` and ``az`` on PATH as the stand-ins, with their data in ``folder``: the
    environment to run with, the stand-in GitHub (``set_runs`` gives it runs) and the stand-in
    ``az`` (plug-in ``devops_runs``: set its state to the Azure DevOps it answers from)."""
    install_gh(folder / "bin")
    github = StandInGitHub(folder)
    az = StandInAz(folder / "az", plugin="devops_runs")
    env = {"PATH": f"{folder / 'bin'}{os.pathsep}{az.bin}{os.pathsep}{os.environ['PATH']}",
           **GIT_IDENTITY, **github.environment()}
    return env, github, az


def write_json(path, data):
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
