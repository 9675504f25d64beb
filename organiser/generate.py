"""Generate each team's repository in-process: cookiecutter's ``generate_files`` with the hooks'
logic called directly (the pre-generation rules already ran on the whole roster), on every core.

A team's folder appears only when it is complete: it is generated in a scratch folder inside the
output folder and moved to ``<output>/<repo_name>`` at the end. A failure leaves nothing.
"""
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cookiecutter.generate import generate_files

from organiser.roster import CRUFT_FILE


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
    scratch = Path(tempfile.mkdtemp(prefix=".organiser-", dir=output_dir))
    try:
        project = Path(generate_files(repo_dir=template.directory, context=context,
                                      output_dir=scratch, accept_hooks=False))
        problems = template.hook("post_gen_project").finish(project, answers)
        if problems:
            return "failed", "; ".join(problems)
        (project / CRUFT_FILE).write_text(cruft_state(template, context), encoding="utf-8")
        project.rename(output_dir / answers["repo_name"])
        return "created", ""
    except Exception as error:  # one team's failure must not stop the others
        return "failed", f"{type(error).__name__}: {error}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def generate_teams(template, teams, output_dir, workers=None):
    """Generate ``teams`` (setting each one's status and detail), on up to ``workers`` processes
    (default: one per core)."""
    workers = min(workers or os.cpu_count() or 1, len(teams))
    # The hooks are imported before the workers fork, so each worker finds them loaded.
    template.hook("post_gen_project")
    if workers <= 1:
        results = [generate_team(template, team.answers, output_dir) for team in teams]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(generate_team, [template] * len(teams),
                                    [team.answers for team in teams],
                                    [output_dir] * len(teams)))
    for team, (status, detail) in zip(teams, results):
        team.status, team.detail = status, detail
