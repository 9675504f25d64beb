"""What the template's tests share, by subject (test modules import from here, never from each
other; ``tests/conftest.py`` holds only fixtures; ``bench/`` imports this package too):

- ``bakes``: the answers and the option matrix built from ``cookiecutter.json``, bakes shared by
  a session, the rendered answers, a generated file imported as a module.
- ``commands``: subprocesses, ``make`` in a bake, venvs of generated requirements,
  check-jsonschema, no network.
- ``repository``: a bake's files and documents, the checks every bake passes.
- ``azure_pipelines``: Azure Pipelines YAML with its templates expanded, jobs and steps, the
  variable group.
- ``github_expressions`` and ``workflows``: GitHub Actions expressions evaluated, workflows read,
  the subjects of the jobs that sign in.
- ``rehearsal``: steps run offline in their agent's environment, and the verdict on them.
- ``local_server``: the generated project's scoring server, started as ``make serve`` starts it.
- ``organiser`` and ``status_board``: rosters, the template committed in git, the stand-in GitHub,
  runs as ``gh`` and ``az`` print them.
- ``stand_in_az``: the one stand-in ``az`` set up in a folder: its answers, its calls, the state
  of its plug-in.
- ``stand_ins/``: programs run as ``gh`` and ``az`` (``gh.py``, ``az.py``) and ``az.py``'s
  plug-ins (``arm.py``, ``devops_runs.py``); only ``arm.evaluate``, its ARM expressions, is
  also imported (by ``test_infrastructure``).
"""
