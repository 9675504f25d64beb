"""Scratch folders inside the output folder, so that a team's folder is only ever whole.

Work happens in ``<output>/.organiser-*`` and reaches a team's folder by renames. A run killed
part-way (Ctrl-C, SIGKILL) leaves only scratch folders, which the next run removes first; a
folder being replaced is kept aside until its replacement is in place, and restored if it never
arrived.
"""
import contextlib
import shutil
import tempfile
from pathlib import Path

PREFIX = ".organiser-"
# A team's folder set aside while its replacement moves in: .organiser-replaced-<repo_name>.
REPLACED = PREFIX + "replaced-"


@contextlib.contextmanager
def scratch_folder(output_dir):
    """A new empty folder inside ``output_dir``, removed afterwards whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=output_dir))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def replace_folder(folder, replacement):
    """Put ``replacement`` (a folder on the same file system) in the place of ``folder``."""
    aside = folder.with_name(REPLACED + folder.name)
    folder.rename(aside)
    replacement.rename(folder)
    shutil.rmtree(aside)


def clean_leftovers(output_dir):
    """Remove what an interrupted run left in ``output_dir``: its names, sorted. A team folder
    set aside whose replacement never arrived goes back in its place."""
    cleaned = []
    for path in sorted(output_dir.glob(PREFIX + "*")):
        team = output_dir / path.name.removeprefix(REPLACED)
        if path.name.startswith(REPLACED) and not team.exists():
            path.rename(team)
        else:
            shutil.rmtree(path, ignore_errors=True)
        cleaned.append(path.name)
    return cleaned
