"""The template tests' one stand-in ``az``: it records each call and answers from what the test
gave it. ``tests.support.stand_in_az.StandInAz`` puts it on PATH; run as
``python az.py <folder> <arguments>``.

Each call appends one JSON line to ``<folder>/calls.jsonl``: ``args`` (without ``az``) and
``where``, the value of ``$AZ_CALLED_FROM`` when the caller sets it (a shell function wrapping
``az`` can pass its file and line). The answer comes from ``<folder>/answers.json``:

- ``answers``: rules, tried in order. A rule matches when its ``command`` (a regular expression)
  matches the call's command words (the arguments before the first option) from the first word
  to a word's end, and each of its ``options`` (name -> regular expression) matches the whole of
  that option's last value; no ``command`` matches any words. The first that matches prints
  ``stdout`` (a JSON value is printed as JSON) and ``stderr``, and exits with ``exit`` (0).
- ``signed_in`` false: a call that no rule answers fails as az does before anyone signed in
  (the azure-devops extension's commands with that extension's message).
- ``plugin``: the module beside this file (``arm``, ``devops_runs``) whose ``answer(args,
  state)`` answers the rest: a stateful part of Azure as data in ``<folder>/state.json``, which
  the plug-in may change (and which is saved even when it fails the call with ``sys.exit``).
- ``delay``: seconds every call waits first, as the network would.

Any other call fails with exit 2 and says so: a test never passes on a call it did not expect.
"""
import importlib
import itertools
import json
import os
import re
import sys
import time
from pathlib import Path

SIGNED_OUT = "ERROR: Please run 'az login' to setup account."
# What the azure-devops extension says instead (azext_devops/dev/common/services.py).
DEVOPS_SIGNED_OUT = (
    "ERROR: Before you can run Azure DevOps commands, you need to run the login command(az "
    "login if using AAD/MSA identity else az devops login if using PAT token) to setup "
    "credentials.")
DEVOPS_GROUPS = ("devops", "pipelines", "repos", "boards", "artifacts")


def option_values(args):
    """The last value of each ``--option`` of ``args`` ("" for a flag)."""
    values, current = {}, None
    for arg in args:
        if arg.startswith("--"):
            current = arg[2:]
            values[current] = ""
        elif current is not None:
            values[current] = arg
    return values


def matches(rule, words, options):
    if "command" in rule and not re.match(rf"(?:{rule['command']})(?: |$)", words):
        return False
    return all(name in options and re.fullmatch(pattern, options[name])
               for name, pattern in rule.get("options", {}).items())


def emit(rule):
    stdout = rule.get("stdout", "")
    if stdout != "":
        print(stdout if isinstance(stdout, str) else json.dumps(stdout))
    if rule.get("stderr"):
        print(rule["stderr"], file=sys.stderr)
    return rule.get("exit", 0)


def answer_with_plugin(name, args, state_path):
    plugin = importlib.import_module(name)
    text = state_path.read_text(encoding="utf-8")
    state = json.loads(text)
    try:
        printed = plugin.answer(args, state)
    finally:
        # Only a change is written, and whole: calls made at the same time read it meanwhile.
        if json.dumps(state, indent=1) != text:
            scratch = state_path.with_name(f"state-{os.getpid()}.json")
            scratch.write_text(json.dumps(state, indent=1), encoding="utf-8")
            os.replace(scratch, state_path)
    if printed:
        print(printed)
    return 0


def main(folder, args):
    config = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
    time.sleep(config.get("delay", 0))
    with open(folder / "calls.jsonl", "a", encoding="utf-8") as calls:
        calls.write(json.dumps({"args": args, "where": os.environ.get("AZ_CALLED_FROM")}) + "\n")
    words = " ".join(itertools.takewhile(lambda arg: not arg.startswith("-"), args))
    options = option_values(args)
    rule = next((rule for rule in config.get("answers", []) if matches(rule, words, options)),
                None)
    if rule is not None:
        return emit(rule)
    if not config.get("signed_in", True):
        sys.exit(DEVOPS_SIGNED_OUT if words.split(" ")[0] in DEVOPS_GROUPS else SIGNED_OUT)
    if config.get("plugin"):
        return answer_with_plugin(config["plugin"], args, folder / "state.json")
    print(f"stand-in az: no answer for: az {' '.join(args)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2:]))
