"""The answers, the option matrix built from ``cookiecutter.json``, and bakes of the template.

``bake_once(**overrides)`` generates a repository once per test session and shares it with every
test that only reads it; ``structural_bakes()`` does so for each combination of the answers that
change which files and stages exist; ``rendered_answers()`` gives a bake's answers with the
derived ``__`` names rendered.
"""
import atexit
import functools
import importlib.util
import itertools
import shutil
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

from hooks import manifest
# The option matrix's small options, crossed, are the manifest's combinations.
from hooks.manifest import MAX_CROSSED_VALUES, crossed_combinations, option_values

TEMPLATE_DIR = Path(__file__).resolve().parents[2]
# The workshop's 19,393-row sample; never committed (competition licence), used when present.
SHARED_SAMPLE_CSV = (
    TEMPLATE_DIR.parent / "shared" / "data" / "porto_seguro_safe_driver_prediction_input.csv"
)
AZURE_DEVOPS = {"orchestrator": "azure_devops"}
GITHUB_ACTIONS = {"orchestrator": "github_actions"}


# cookiecutter.json as written, and the answers of a --no-input run: the manifest reads them
# for the hooks' maintainers, and the tests through these names.
template_answers = manifest.declared
default_answers = manifest.default_answers


def public_keys():
    return [key for key in template_answers() if not key.startswith("_")]


def option_matrix():
    """Override sets that cross every small option and cycle through the large ones.

    Built from ``cookiecutter.json`` itself, so a new choice or boolean is tested the day it is
    added. Small options interact, so every combination is baked (they come first, in
    ``crossed_combinations()`` order); long lists (regions) only need each value once, so they
    are dealt out over the combinations.
    """
    combinations = crossed_combinations()
    cycled = {key: vals for key, vals in option_values().items()
              if len(vals) > MAX_CROSSED_VALUES}
    rounds = max([len(combinations)] + [len(vals) for vals in cycled.values()])
    cyclers = {key: itertools.cycle(vals) for key, vals in cycled.items()}
    combos = itertools.cycle(combinations)
    return [{**next(combos), **{key: next(cycler) for key, cycler in cyclers.items()}}
            for _ in range(rounds)]


def matrix_id(overrides):
    return "-".join(f"{key}={value}" for key, value in overrides.items())


def structural_combinations(**fixed):
    """Every combination of the answers that add, remove or reshape pipeline and
    infrastructure files: the first rounds of the option matrix, so the bakes are shared with
    the clean-render tests (regions are dealt out over them). ``fixed`` keeps only those with
    these answers (``orchestrator="azure_devops"`` for the tests of its pipelines)."""
    return [overrides for overrides in option_matrix()[:len(crossed_combinations())]
            if fixed.items() <= overrides.items()]


def assert_known_keys(overrides):
    """cookiecutter silently ignores unknown keys: a typo would quietly test the defaults."""
    unknown = set(overrides) - set(public_keys())
    assert not unknown, f"not answers in cookiecutter.json: {sorted(unknown)}"


def bake(cookies, **overrides):
    """Bake with pytest-cookies, whose result tells how generation failed; checks every key is
    a real answer first."""
    assert_known_keys(overrides)
    return cookies.bake(extra_context=overrides)


@functools.lru_cache(maxsize=None)
def scratch_dir():
    """A folder for the session's shared bakes, with a user config of its own (no
    ~/.cookiecutterrc leaks in, no replay file lands in HOME)."""
    path = Path(tempfile.mkdtemp(prefix="template-bakes-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    (path / "config.yml").write_text(
        f"cookiecutters_dir: {path / 'cookiecutters'}\nreplay_dir: {path / 'replay'}\n",
        encoding="utf-8")
    return path


def bake_into(output, **overrides):
    """Generate with cookiecutter's own API into ``output``; the repository's path."""
    assert_known_keys(overrides)
    return Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=overrides,
                             output_dir=str(output), config_file=str(scratch_dir() / "config.yml")))


@functools.lru_cache(maxsize=None)
def _bake_once(items):
    return bake_into(tempfile.mkdtemp(dir=scratch_dir()), **dict(items))


def bake_once(**overrides):
    """The repository for ``overrides``, generated once per session and shared by every test
    that only reads it. Tests that change files copy it first. Overrides that give the same
    answers share one bake: their order and any answer equal to its default do not count."""
    defaults = default_answers()
    return _bake_once(tuple(sorted((key, value) for key, value in overrides.items()
                                   if key not in defaults or defaults[key] != value)))


def structural_bakes(**fixed):
    """(overrides, generated repository) for every structural combination, baked once."""
    return [(overrides, bake_once(**overrides)) for overrides in structural_combinations(**fixed)]


def sdk_v2_bake():
    """The first structural bake with azureml_sdk=v2 on Azure DevOps: the v2 repository that
    tests which only read one share (no bake of its own)."""
    return bake_once(**structural_combinations(azureml_sdk="v2", **AZURE_DEVOPS)[0])


@functools.lru_cache(maxsize=None)
def _rendered_answers(items):
    return manifest.rendered_answers(dict(items))


def rendered_answers(**overrides):
    """The answers of a bake with ``overrides``, with the derived ``__`` names rendered."""
    return _rendered_answers(tuple(overrides.items()))


def writable_copy(project, parent):
    """A private copy of a shared bake, for a test that writes into the repository."""
    return Path(shutil.copytree(project, Path(parent) / project.name))


def generated_module(project, relative):
    """A Python file of a generated repository (``relative`` to it) as a module, for a test
    that calls its functions: the generated code is not on ``sys.path``, and each bake's copy
    is a module of its own."""
    path = project / relative
    spec = importlib.util.spec_from_file_location(f"{path.stem}_{id(project)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
