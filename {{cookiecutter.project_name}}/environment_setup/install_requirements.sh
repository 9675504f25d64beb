#!/usr/bin/env bash
# Local set-up: create .venv (Python 3.11) and install requirements.txt into it.
#   bash environment_setup/install_requirements.sh     install, then `source .venv/bin/activate`
#   source environment_setup/install_requirements.sh   install and stay in .venv in this shell
# PYTHON picks the interpreter (default python3.11). No `set -e`: sourced, it would stay set in
# your shell and close it on the next failing command.

install_requirements() {
    local root python
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
    python="${PYTHON:-python3.11}"
    if [ ! -x "$root/.venv/bin/python" ]; then
        "$python" -m venv "$root/.venv" || {
            echo "ERROR: cannot create .venv with '$python'; install Python 3.11 or set PYTHON" >&2
            return 1
        }
    fi
    # shellcheck source=/dev/null
    . "$root/.venv/bin/activate" || return 1
    python -m pip install -r "$root/requirements.txt" || {
        echo "ERROR: pip could not install $root/requirements.txt" >&2
        return 1
    }
    echo "Installed requirements.txt into $root/.venv"
}

if (return 0 2> /dev/null); then
    install_requirements
else
    install_requirements || exit 1
fi
