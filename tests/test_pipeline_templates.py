"""The template expander the shellcheck, schema and rehearsal tests read pipelines through."""
import pytest

from tests.support.azure_pipelines import expand, jobs


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_templates_expand_with_parameters_and_conditions(tmp_path):
    write(tmp_path, "step.yml", """\
parameters:
  - name: module
    type: string
  - name: extra
    type: string
    default: ""
steps:
  - ${{ if eq(parameters.module, 'special') }}:
      - script: echo special
  - ${{ else }}:
      - script: echo ordinary
  - script: python -m ${{ parameters.module }} ${{ parameters.extra }}
""")
    write(tmp_path, "stage.yml", """\
parameters:
  - name: after
    type: object
    default: [First]
stages:
  - stage: Second
    dependsOn: ${{ parameters.after }}
    jobs:
      - job: Run
        steps:
          - template: step.yml
            parameters:
              module: special
""")
    pipeline = write(tmp_path, "pipeline.yml", """\
trigger: none
variables:
  - name: A
    value: a
stages:
  - stage: First
    jobs:
      - job: Run
        steps:
          - template: step.yml
            parameters:
              module: pkg.mod
              extra: --flag
  - template: stage.yml
""")
    compiled = expand(pipeline)
    assert [stage["stage"] for stage in compiled["stages"]] == ["First", "Second"]
    assert compiled["stages"][1]["dependsOn"] == ["First"]
    first, second = jobs(pipeline)
    assert [step["script"] for step in first.steps] == [
        "echo ordinary", "python -m pkg.mod --flag"]
    assert [step["script"] for step in second.steps] == ["echo special", "python -m special "]
    assert first.variables == [{"name": "A", "value": "a"}]


def test_an_unknown_template_expression_fails_loudly(tmp_path):
    write(tmp_path, "step.yml", "steps:\n  - ${{ if startsWith(variables.x, 'y') }}:\n"
                                "      - script: echo\n")
    pipeline = write(tmp_path, "pipeline.yml", "trigger: none\nsteps:\n  - template: step.yml\n")
    with pytest.raises(NotImplementedError, match="startsWith"):
        expand(pipeline)
