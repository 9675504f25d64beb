"""The template a roster is generated from: where it is, its answers, its hooks' logic."""
import functools
import importlib
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cookiecutter.config import get_user_config
from cookiecutter.generate import generate_context
from cookiecutter.prompt import YesNoPrompt, prompt_for_config
from cookiecutter.repository import determine_repo_dir, expand_abbreviations
from rich.prompt import InvalidResponse

from organiser.commands import run

# The checkout this package is part of: the default template.
CHECKOUT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Template:
    """A template on disk, with the address and commit cruft records for ``cruft update``."""

    directory: Path
    address: str
    commit: str | None

    @functools.cached_property
    def declared(self):
        """``cookiecutter.json`` as written."""
        return json.loads((self.directory / "cookiecutter.json").read_text(encoding="utf-8"))

    def public_keys(self):
        """The answers a roster may set: the keys of ``cookiecutter.json`` without a '_'."""
        return [key for key in self.declared if not key.startswith("_")]

    def hook(self, name):
        """The template's ``hooks/<name>.py`` as a module (hooks are valid Python unrendered):
        this checkout's by name, another template's from its folder."""
        if self.directory == CHECKOUT:
            return importlib.import_module(f"hooks.{name}")
        return load_foreign_hook(self.directory / "hooks" / f"{name}.py")

    def cell_problems(self, cells):
        """What cookiecutter would refuse in ``cells`` before any hook runs, ``{key: message}``:
        a value outside a choice (the hook's own message), or a yes/no answer it cannot read
        (in the hook's form)."""
        hook = self.hook("pre_gen_project")
        problems = {}
        for key, value in cells.items():
            declared = self.declared[key]
            if isinstance(declared, list):
                problem = hook.choice_problem(key, value, self.declared)
                if problem:
                    problems[key] = hook.describe(key, value, *problem)
            elif isinstance(declared, bool):
                try:
                    YesNoPrompt().process_response(value)
                except InvalidResponse:
                    allowed = ", ".join(YesNoPrompt.yes_choices + YesNoPrompt.no_choices)
                    problems[key] = f"{key}={value!r}: is not a yes or no; allowed: {allowed}"
        return problems

    def render(self, cells):
        """What the pre-generation hook sees in a ``--no-input`` run with ``cells`` given:
        ``(answers, written)``, the answers with derived names rendered, and cookiecutter.json's
        public answers as written with the cells in place of their defaults."""
        context = generate_context(context_file=self.directory / "cookiecutter.json",
                                   extra_context=cells)
        written = {key: value for key, value in context["cookiecutter"].items()
                   if not key.startswith("_")}
        return dict(prompt_for_config(context, no_input=True)), written

    def changes_since(self, commit):
        """The subjects of the template's commits after ``commit``, oldest first (none when git
        cannot tell)."""
        completed = run(["git", "log", "--reverse", "--format=%s", f"{commit}..{self.commit}"],
                        cwd=self.directory)
        return completed.stdout.splitlines() if completed.returncode == 0 else []

    def update_problem(self):
        """Why teams cannot be brought to this template's commit, or None: cruft updates from
        a git commit, so the template must be a git checkout without uncommitted changes."""
        if not self.commit:
            return (f"--template {self.address}: not a git checkout; --update needs one (cruft "
                    "updates from commits)")
        changed = run(["git", "status", "--porcelain", "--untracked-files=no"],
                      cwd=self.directory).stdout
        if changed:
            return (f"--template {self.address}: has uncommitted changes "
                    f"({', '.join(line[3:] for line in changed.splitlines())}); --update brings "
                    "teams to its last commit: commit them first")
        return None


@functools.lru_cache(maxsize=None)
def load_foreign_hook(path):
    """A hook of a template other than this checkout (``--template`` names another folder or a
    clone), loaded from its file: its ``hooks`` package is not on ``sys.path``, and importing it
    by name would give this checkout's hooks instead."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def open_template(source):
    """The template at ``source``: a folder, or anything cookiecutter clones (``gh:org/name``).

    The user's cookiecutter config only says where clones go and which abbreviations exist; its
    ``default_context`` does not apply: the roster holds every team's answers.
    """
    config = get_user_config()
    directory, _ = determine_repo_dir(
        template=source, abbreviations=config["abbreviations"],
        clone_to_dir=config["cookiecutters_dir"], checkout=None, no_input=True)
    directory = Path(directory).resolve()
    # What git clones for cruft: cookiecutter's "git+" prefix is cookiecutter's alone.
    address = re.sub(r"^git\+", "", expand_abbreviations(source, config["abbreviations"]))
    if Path(address).exists():
        address = str(Path(address).resolve())
    return Template(directory, address, git_commit(directory))


def git_commit(directory):
    """The commit the template is at, for ``.cruft.json``; None outside git."""
    completed = run(["git", "rev-parse", "HEAD"], cwd=directory)
    return completed.stdout.strip() if completed.returncode == 0 else None
