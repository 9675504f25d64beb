"""``report.json`` (everything, for scripts) and ``report.md``: the handout (a short table of
each team's repository and choices, then the Azure names each team will have) and each team's
status, for the organiser. Both are replaced whole, never left half-written."""
import json
import os

from organiser.resources import team_choices, team_resources
from organiser.roster import CRUFT_FILE


def generated_commit(folder):
    """The template commit a team's folder records, or None."""
    try:
        return json.loads((folder / CRUFT_FILE).read_text(encoding="utf-8")).get("commit")
    except (OSError, ValueError, AttributeError):
        return None


def team_entry(team, template, output_dir, github_repository):
    folder = output_dir / team.repo_name
    return {
        "line": team.line,
        "team_number": team.number,
        "repo_name": team.repo_name,
        "status": team.status,
        "detail": team.detail,
        "path": team.repo_name,
        # Only a folder with the roster's answers is the team's repository as listed here.
        "generated": team.status != "refused" and folder.is_dir(),
        "commit": generated_commit(folder),
        "answers": {key: team.answers[key] for key in template.public_keys()},
        "resources": [{"resource": resource, "name": name}
                      for resource, name in team_resources(team.answers)],
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
    return [f"{owner}/{team.repo_name}" if owner and team.status not in ("refused", "failed")
            else known.get(team.repo_name) for team in teams]


def write_atomically(path, text):
    scratch = path.with_name(f".{path.name}.partial")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def write_reports(output_dir, roster, template, teams, owner=None):
    entries = [team_entry(team, template, output_dir, repository) for team, repository
               in zip(teams, github_repositories(output_dir, teams, owner))]
    report = {"roster": str(roster), "template": template.address, "commit": template.commit,
              "teams": entries}
    write_atomically(output_dir / "report.json", json.dumps(report, indent=2) + "\n")
    write_atomically(output_dir / "report.md", markdown(report))


def row(cells):
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


def table(headings, rows):
    return [row(headings), "|" + "---|" * len(headings), *[row(cells) for cells in rows]]


def handout(entries):
    """The table a team reads, then each team's Azure names."""
    if not entries:
        return []
    choices = list(team_choices(entries[0]["answers"]))
    lines = table(["Team", "Repository", *choices, "Azure names"],
                  [[entry["team_number"], f"`{entry['repo_name']}`",
                    *team_choices(entry["answers"]).values(),
                    f"[team {entry['team_number']}](#team-{entry['team_number']})"]
                   for entry in entries])
    for entry in entries:
        lines += ["", f"## Team {entry['team_number']}", "",
                  f"Repository `{entry['repo_name']}`, Azure region "
                  f"`{entry['answers']['location']}`:", ""]
        lines += table(["Resource", "Name"], [[item["resource"], f"`{item['name']}`"]
                                              for item in entry["resources"]])
    return lines


def markdown(report):
    lines = ["# Team repositories", "",
             f"From `{report['roster']}`, template `{report['template']}`"
             + (f" at `{report['commit'][:12]}`" if report["commit"] else "") + ".", ""]
    lines += handout([entry for entry in report["teams"] if entry["generated"]])
    lines += ["", "## Status", ""]
    lines += table(["Team", "Status", "Detail"],
                   [[entry["team_number"], entry["status"], entry["detail"]]
                    for entry in report["teams"]])
    return "\n".join(lines) + "\n"
