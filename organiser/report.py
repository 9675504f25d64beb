"""``report.json`` (everything, for scripts) and ``report.md`` (the table an organiser hands
out)."""
import json

from organiser.roster import azure_name_keys

# The answers a team needs on the day, before its derived Azure names.
HANDOUT_ANSWERS = ("team_number", "repo_name", "base_name", "location", "resource_group",
                   "workspace_name")


def team_entry(team, template, github_repository):
    return {
        "line": team.line,
        "team_number": team.number,
        "repo_name": team.repo_name,
        "status": team.status,
        "detail": team.detail,
        "path": team.repo_name,
        "answers": {key: team.answers[key] for key in template.public_keys()},
        "azure_names": {key.lstrip("_"): team.answers[key] for key in azure_name_keys(template)},
        "github_repository": github_repository,
    }


def github_repositories(output_dir, teams, owner):
    """Each team's GitHub repository, ``OWNER/<repo_name>``, which the status board reads: where
    this run pushed it or found it, else where an earlier report says it is (None if nowhere)."""
    try:
        earlier = json.loads((output_dir / "report.json").read_text(encoding="utf-8"))["teams"]
        known = {entry["repo_name"]: entry.get("github_repository") for entry in earlier}
    except (OSError, ValueError, KeyError, TypeError):
        known = {}
    return [f"{owner}/{team.repo_name}" if owner and team.status in ("pushed", "skipped")
            else known.get(team.repo_name) for team in teams]


def write_reports(output_dir, roster, template, teams, owner=None):
    entries = [team_entry(team, template, repository) for team, repository
               in zip(teams, github_repositories(output_dir, teams, owner))]
    report = {"roster": str(roster), "template": template.address, "commit": template.commit,
              "teams": entries}
    (output_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n",
                                            encoding="utf-8")
    (output_dir / "report.md").write_text(markdown(report), encoding="utf-8")


def markdown(report):
    columns = list(HANDOUT_ANSWERS) + list(report["teams"][0]["azure_names"] if report["teams"]
                                           else [])
    lines = [
        "# Team repositories",
        "",
        f"From `{report['roster']}`, template `{report['template']}`"
        + (f" at `{report['commit'][:12]}`" if report["commit"] else "") + ".",
        "",
        "| " + " | ".join(columns + ["status"]) + " |",
        "|" + "---|" * (len(columns) + 1),
    ]
    for entry in report["teams"]:
        values = {**entry["answers"], **entry["azure_names"]}
        cells = [f"`{values[column]}`" for column in columns] + [entry["status"]]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"- team {entry['team_number']} ({entry['status']}): {entry['detail']}"
             for entry in report["teams"] if entry["detail"]]
    if notes:
        lines += ["", "## Notes", ""] + notes
    return "\n".join(lines) + "\n"
