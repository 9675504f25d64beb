"""A stand-in for ``az pipelines list`` and ``az pipelines runs list`` (the azure-devops
extension), as far as the status board uses them; on PATH as ``az`` in tests.

Azure DevOps is ``$AZ_PIPELINES``, a JSON object: for each organization URL, for each project,
its ``definitions`` (``az pipelines list`` objects) and its ``builds`` (``az pipelines runs list``
objects, camelCase as az prints them); an organization or project may be a line to fail with
instead. Each call is appended to ``$AZ_LOG`` when it is set, after ``$AZ_DELAY`` seconds.
``$AZ_SIGNED_OUT`` set makes every call fail as az does before a sign-in.
"""
import argparse
import fnmatch
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

# The extension's choices of --query-order for runs (azext_devops/dev/pipelines/arguments.py),
# and the field each sorts by.
QUERY_ORDERS = {"FinishTimeAsc": "finishTime", "FinishTimeDesc": "finishTime",
                "StartTimeAsc": "startTime", "StartTimeDesc": "startTime",
                "QueueTimeAsc": "queueTime", "QueueTimeDesc": "queueTime"}
SIGNED_OUT = ("Before you can run Azure DevOps commands, you need to run the login command(az "
              "login if using AAD/MSA identity else az devops login if using PAT token) to setup "
              "credentials.")
NO_ORGANIZATION = ("--organization must be specified. The value should be the URI of your Azure "
                   "DevOps organization, for example: https://dev.azure.com/MyOrganization/.")


def parse(args):
    parser = argparse.ArgumentParser(prog="az", exit_on_error=False)
    parser.add_argument("group", choices=["pipelines"])
    parser.add_argument("command", nargs="+")
    parser.add_argument("--name")
    parser.add_argument("--pipeline-ids", nargs="*", type=int)
    parser.add_argument("--top", type=int)
    parser.add_argument("--query-order", choices=QUERY_ORDERS)
    parser.add_argument("--organization")
    parser.add_argument("--project", required=True)
    parser.add_argument("--output", choices=["json"], required=True)
    return parser.parse_args(args)


def fail(message):
    print(f"ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def project_data(options):
    if os.environ.get("AZ_SIGNED_OUT"):
        fail(SIGNED_OUT)
    if not options.organization:
        fail(NO_ORGANIZATION)
    devops = json.loads(Path(os.environ["AZ_PIPELINES"]).read_text(encoding="utf-8"))
    organization = devops.get(options.organization.rstrip("/"))
    if organization is None or isinstance(organization, str):
        fail(organization or f"{options.organization} is not an Azure DevOps organization")
    project = organization.get(options.project)
    if project is None or isinstance(project, str):
        fail(project or f"TF200016: The following project does not exist: {options.project}.")
    return project


def listed(definitions, name):
    """``--name`` lists a name and the names it starts, or those a wildcard matches."""
    pattern = name if "*" in name else f"{name}*"
    return [item for item in definitions if fnmatch.fnmatchcase(item["name"], pattern)]


def runs(builds, options):
    chosen = [build for build in builds
              if not options.pipeline_ids or build["definition"]["id"] in options.pipeline_ids]
    if options.query_order:
        key = QUERY_ORDERS[options.query_order]
        chosen.sort(key=lambda build: datetime.fromisoformat(build[key] or "0001-01-01T00:00Z"),
                    reverse=options.query_order.endswith("Desc"))
    return chosen[:options.top] if options.top else chosen


def main(args):
    time.sleep(float(os.environ.get("AZ_DELAY", "0")))
    if os.environ.get("AZ_LOG"):
        with open(os.environ["AZ_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps(args) + "\n")
    try:
        options = parse(args)
    except argparse.ArgumentError as error:
        print(f"stand-in az: {error}", file=sys.stderr)
        sys.exit(2)
    if options.command == ["list"] and options.name:
        found = listed(project_data(options)["definitions"], options.name)
    elif options.command == ["runs", "list"]:
        found = runs(project_data(options)["builds"], options)
    else:
        print(f"stand-in az: unexpected arguments {args}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
