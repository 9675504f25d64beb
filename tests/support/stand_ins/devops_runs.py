"""The stand-in ``az``'s plug-in for the status board (``tests.support.stand_in_az``, plugin
``devops_runs``): ``az pipelines list`` and ``az pipelines runs list`` of the azure-devops
extension, as far as the board uses them.

The state is Azure DevOps: for each organization URL, for each project, its ``definitions`` (``az
pipelines list`` objects) and its ``builds`` (``az pipelines runs list`` objects, camelCase as az
prints them); an organization or project may be a line to fail with instead.
"""
import argparse
import fnmatch
import json
import sys
from datetime import datetime

# The extension's choices of --query-order for runs (azext_devops/dev/pipelines/arguments.py),
# and the field each sorts by.
QUERY_ORDERS = {"FinishTimeAsc": "finishTime", "FinishTimeDesc": "finishTime",
                "StartTimeAsc": "startTime", "StartTimeDesc": "startTime",
                "QueueTimeAsc": "queueTime", "QueueTimeDesc": "queueTime"}
# The first sentences of the extension's error without an organization or a default one
# (azext_devops/dev/common/services.py).
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


def project_data(options, devops):
    if not options.organization:
        fail(NO_ORGANIZATION)
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


def answer(args, devops):
    """What az prints for ``args`` in Azure DevOps ``devops``."""
    try:
        options = parse(args)
    except argparse.ArgumentError as error:
        print(f"stand-in az (devops_runs): {error}", file=sys.stderr)
        sys.exit(2)
    if options.command == ["list"] and options.name:
        found = listed(project_data(options, devops)["definitions"], options.name)
    elif options.command == ["runs", "list"]:
        found = runs(project_data(options, devops)["builds"], options)
    else:
        print(f"stand-in az (devops_runs): no answer for: az {' '.join(args)}", file=sys.stderr)
        sys.exit(2)
    return json.dumps(found, indent=2)
