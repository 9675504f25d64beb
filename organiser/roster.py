"""Read a roster and check all of it, every row and across rows, before anything is written.

Every problem is one line that names the roster's line, the team and the answer, in the
pre-generation hook's ``<key>='<value>': <what is wrong>; allowed: <form>`` shape.
"""
import csv
import json
import shlex
from dataclasses import dataclass, field

from hooks.manifest import created_resources

REQUIRED_COLUMN = "team_number"
# The answers that name a team: two teams may not share one.
UNIQUE_ANSWERS = ("team_number", "repo_name", "base_name")
# The prefix of a team's Azure names ("unique per team"): every resource of the manifest whose
# derived name is built from it is one team's, and several are unique across all of Azure.
AZURE_PREFIX = "base_name"
CRUFT_FILE = ".cruft.json"


@dataclass(eq=False)  # a team is itself, whatever its answers
class Team:
    """One roster row: its line, the cells it fills, and the answers they render to."""

    line: int
    cells: dict
    answers: dict = field(default_factory=dict)
    status: str = ""
    detail: str = ""

    @property
    def number(self):
        return self.cells.get(REQUIRED_COLUMN, "")

    @property
    def repo_name(self):
        return self.answers["repo_name"]


def built_from(key, template):
    """The answers the declared default of ``key`` is built from, through derived names."""
    return set(template.hook("pre_gen_project").answers_behind(key, template.declared))


def azure_name_keys(template):
    """The derived names of the manifest's resources (``__resources`` in cookiecutter.json) built
    from the Azure prefix: a new resource is checked for uniqueness the day it is added."""
    return [key for key in template.declared["__resources"]
            if key.startswith("__") and AZURE_PREFIX in built_from(key, template)]


def team_names(team, template):
    """``{key: name}`` that must be the team's alone: its unique answers, and the names of the
    resources its answers create that are built from the Azure prefix."""
    created = created_resources(team.answers)
    return {**{key: team.answers[key] for key in UNIQUE_ANSWERS},
            **{key: created[key]["name"] for key in azure_name_keys(template) if key in created}}


def label(key, template):
    """How a key is named in a message: derived names say what they come from, as in the hook."""
    if not key.startswith("_"):
        return key
    return f"{key.lstrip('_')} (from {', '.join(sorted(built_from(key, template)))})"


def read_rows(path, template):
    """The roster's teams (only the cells they fill), and its layout problems: of the header
    (then no rows are read) or ``(team, problem)`` of a row."""
    where = path.name
    with open(path, encoding="utf-8-sig", newline="") as roster:
        reader = csv.DictReader(roster, restkey="", restval=None)
        columns = reader.fieldnames or []
        problems = header_problems(columns, template, where)
        if problems:
            return [], problems
        teams = []
        for row in reader:
            team = Team(reader.line_num,
                        {key: value.strip() for key, value in row.items()
                         if key != "" and value is not None and value.strip()})
            if "" in row:
                problems.append((team, f"has {len(columns) + len(row[''])} cells, the header "
                                       f"{len(columns)}"))
            elif not team.number:
                problems.append((team, f"{REQUIRED_COLUMN} is empty; every row needs one"))
            teams.append(team)
    if not teams:
        return [], [f"{where}: no teams: add a row for each team under the header"]
    return teams, problems


def header_problems(columns, template, where):
    allowed = template.public_keys()
    problems = []
    if REQUIRED_COLUMN not in columns:
        problems.append(f"{where}:1: no {REQUIRED_COLUMN} column; the header must have one")
    for column in sorted(set(columns)):
        if column not in allowed:
            problems.append(f"{where}:1: column {column!r} is not an answer of cookiecutter.json; "
                            f"allowed: {', '.join(allowed)}")
        elif columns.count(column) > 1:
            problems.append(f"{where}:1: column {column!r} appears {columns.count(column)} times")
    return problems


def check_row(template, cells):
    """``(answers, problems)`` of one row: its answers rendered, then checked by the template's
    pre-generation rules. A cell cookiecutter would refuse is reported, and left out of the
    answers rendered for the checks across rows, which run on every row whatever else is wrong
    with it (None when even that cannot render)."""
    refused = template.cell_problems(cells)
    try:
        answers, written = template.render(
            {key: value for key, value in cells.items() if key not in refused})
    except Exception as error:  # a template whose defaults do not render for these cells
        return None, [*refused.values(), f"its answers do not render: {error}"]
    if refused:
        # The hook's rules need every answer as typed: they wait until the cells are fixed.
        return answers, list(refused.values())
    # With cookiecutter.json as written, the hook blames what the roster says, not a default.
    hook = template.hook("pre_gen_project")
    return answers, hook.find_problems(answers, hook.written_over(template.declared, written))


def causes(keys, team, template):
    """Of ``keys`` (in cookiecutter.json order), those to blame: what the team set, or a name not
    built from another of ``keys`` (repo_name from team_number, Azure names from base_name)."""
    blamed, seen = [], set()
    for key in keys:
        if key in team.cells or not built_from(key, template) & seen:
            blamed.append(key)
        seen.add(key)
    return blamed


def collision_problems(teams, template):
    """``(team, problem)`` for each name a team shares with an earlier team (letter case aside:
    Azure and GitHub names ignore it)."""
    first_owner = {}
    problems = []
    for team in teams:
        shared = {}  # earlier team -> the keys this team shares with it
        names = team_names(team, template)
        for key, name in names.items():
            owner = first_owner.setdefault((key, str(name).casefold()), team)
            if owner is not team:
                shared.setdefault(owner, []).append(key)
        for owner, keys in shared.items():
            problems += [(team, f"{label(key, template)}={names[key]!r}: also on line "
                                f"{owner.line} (team {owner.number}); allowed: a value no other "
                                "team in the roster has (letter case ignored)")
                         for key in causes(keys, team, template)]
    return problems


def existing_folder_problem(team, output_dir, template):
    """None when the team's folder is absent or holds the same answers (then it is left as it
    is, and the team ``unchanged``); otherwise why it is not overwritten, with the command that
    changes the answers inside it."""
    folder = output_dir / team.repo_name
    if not folder.exists():
        return None
    try:
        recorded = json.loads((folder / CRUFT_FILE).read_text(encoding="utf-8"))
        recorded = recorded["context"]["cookiecutter"]
    except (OSError, ValueError, KeyError, TypeError):
        return (f"{folder} exists and has no readable {CRUFT_FILE}, so it was not generated "
                "here; nothing overwritten: move it away or choose another repo_name")
    differing = {key: team.answers[key] for key in template.public_keys()
                 if recorded.get(key) != team.answers[key]}
    if not differing:
        team.status = "unchanged"
        return None
    listed = ", ".join(f"{key}={differing[key]!r} (there {recorded.get(key)!r})"
                       for key in causes(differing, team, template))
    # Without --refresh-private-variables cruft keeps the derived names it recorded.
    command = (f"cd {shlex.quote(str(folder))} && cruft update --skip-apply-ask "
               "--refresh-private-variables --variables-to-update "
               f"{shlex.quote(json.dumps(differing))}")
    return (f"{folder} exists with other answers: {listed}; nothing overwritten: to change "
            f"them there, run: {command}")


def check_roster(path, template, output_dir, mapper=map):
    """The roster's teams, and every problem with it (an empty list when all is well). Rows are
    checked through ``mapper`` (a process pool's ``map`` checks them on every core).

    A roster with a problem is refused whole. Otherwise each team whose folder exists is
    ``unchanged`` (same answers) or ``refused`` (other answers, or not generated here: its
    detail says why and what to run), and the others are to be created (an empty status).
    """
    teams, blamed = read_rows(path, template)
    if not teams:
        return teams, blamed
    unreadable = {team.line for team, _ in blamed}
    readable = [team for team in teams if team.line not in unreadable]
    checked = mapper(check_row, [template] * len(readable), [team.cells for team in readable])
    for team, (answers, problems) in zip(readable, checked):
        team.answers = answers or {}
        blamed += [(team, problem) for problem in problems]
    blamed += collision_problems([team for team in teams if team.answers], template)
    if blamed:
        blamed.sort(key=lambda item: item[0].line)
        return teams, [f"{path.name}:{team.line}: team {team.number or '?'}: {problem}"
                       for team, problem in blamed]
    for team in teams:
        problem = existing_folder_problem(team, output_dir, template)
        if problem:
            team.status, team.detail = "refused", problem
    return teams, []
