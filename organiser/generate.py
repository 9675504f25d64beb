"""Generate each team's repository in-process: cookiecutter's ``generate_files`` with the hooks'
logic called directly (the pre-generation rules already ran on the whole roster).

A team's folder appears only when it is complete: it is generated in a scratch folder inside the
output folder and renamed to ``<output>/<repo_name>`` at the end. A failure leaves nothing.
"""
import json
from pathlib import Path

from cookiecutter.generate import generate_files
from jinja2 import BytecodeCache

from organiser.roster import CRUFT_FILE
from organiser.scratch import scratch_folder


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled code of each template file, kept in this process: a worker compiles each
    file once, not once per team (Jinja checks the file's source before using it)."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


def cruft_state(template, context):
    """What ``cruft create`` records, so that ``cruft update`` works in the team's repository."""
    state = {"template": template.address, "commit": template.commit, "checkout": None,
             "context": context, "directory": None}
    # cruft's own layout of the file, so its later rewrites change only what changed.
    return json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n"


def generate_team(template, answers, output_dir):
    """Generate one team at ``output_dir/<repo_name>``: ``(status, detail)``, never raising."""
    context = {"cookiecutter": {**answers, "_template": template.address,
                                "_commit": template.commit}}
    # cookiecutter gives a template's _jinja2_env_vars to its Jinja environment.
    env_vars = {**answers.get("_jinja2_env_vars", {}), "bytecode_cache": COMPILED}
    try:
        with scratch_folder(output_dir) as scratch:
            project = Path(generate_files(
                repo_dir=template.directory, output_dir=scratch, accept_hooks=False,
                context={"cookiecutter": {**context["cookiecutter"],
                                          "_jinja2_env_vars": env_vars}}))
            problems = template.hook("post_gen_project").finish(project, answers)
            if problems:
                return "failed", "; ".join(problems)
            (project / CRUFT_FILE).write_text(cruft_state(template, context), encoding="utf-8")
            project.rename(output_dir / answers["repo_name"])
        return "created", ""
    except Exception as error:  # one team's failure must not stop the others
        return "failed", f"{type(error).__name__}: {error}"


def generate_teams(template, teams, output_dir, mapper=map):
    """Generate ``teams`` through ``mapper`` (a process pool's ``map`` uses every core), setting
    each one's status and detail."""
    results = mapper(generate_team, [template] * len(teams), [team.answers for team in teams],
                     [output_dir] * len(teams))
    for team, (status, detail) in zip(teams, results):
        team.status, team.detail = status, detail
