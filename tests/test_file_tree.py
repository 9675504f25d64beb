"""The exact files a team gets: the default repository file by file, and what each answer adds."""
import pytest

from hooks import post_gen_project as post_gen
from tests.support.bakes import (TEMPLATE_DIR, bake_once, crossed_combinations, default_answers,
                                 matrix_id, sdk_v2_bake)
from tests.support.repository import generated_files

TEMPLATE_PROJECT = TEMPLATE_DIR / "{{cookiecutter.project_name}}"

DEFAULT_TREE = """
.env.example
.gitattributes
.gitignore
.pipelines/aml-step-template.yml
.pipelines/code-quality-template.yml
.pipelines/deploy-stage-template.yml
.pipelines/driver_training-cd.yml
.pipelines/driver_training-ci.yml
.pipelines/driver_training-get-model-id-artifact-template.yml
.pipelines/driver_training-publish-model-artifact-template.yml
.pipelines/driver_training-variables-template.yml
.pipelines/pr.yml
.pipelines/python-setup-template.yml
.pre-commit-config.yaml
Makefile
README.md
driver_training/.amlignore
driver_training/__init__.py
driver_training/conda_dependencies.yml
driver_training/conftest.py
driver_training/evaluate/__init__.py
driver_training/evaluate/decision.py
driver_training/evaluate/evaluate_model.py
driver_training/evaluate/test_decision.py
driver_training/evaluate/test_evaluate_model.py
driver_training/parameters.json
driver_training/register/__init__.py
driver_training/register/register_model.py
driver_training/register/tags.py
driver_training/register/test_register_model.py
driver_training/register/test_tags.py
driver_training/scoring/__init__.py
driver_training/scoring/deployment_config_aci.yml
driver_training/scoring/inference_config.yml
driver_training/scoring/sample_request.json
driver_training/scoring/score.py
driver_training/scoring/test_score.py
driver_training/training/__init__.py
driver_training/training/features.py
driver_training/training/plots.py
driver_training/training/settings.py
driver_training/training/synthetic_data.py
driver_training/training/test_features.py
driver_training/training/test_synthetic_data.py
driver_training/training/test_train.py
driver_training/training/test_train_aml.py
driver_training/training/train.py
driver_training/training/train_aml.py
environment_setup/Dockerfile
environment_setup/arm-templates/cloud-environment.json
environment_setup/arm_deploy.sh
environment_setup/az_stand_in.py
environment_setup/azure-devops.json
environment_setup/azure_devops_setup.py
environment_setup/docker-image-pipeline.yml
environment_setup/iac-create-environment-pipeline-arm.yml
environment_setup/iac-remove-environment-pipeline.yml
environment_setup/test_azure_devops_setup.py
ml_service/__init__.py
ml_service/pipelines/__init__.py
ml_service/pipelines/driver_training_build_train_pipeline.py
ml_service/pipelines/run_train_pipeline.py
ml_service/tests/__init__.py
ml_service/tests/conftest.py
ml_service/tests/stand_in_cli.py
ml_service/tests/test_build_train_pipeline.py
ml_service/tests/test_deploy_model.py
ml_service/tests/test_env_variables.py
ml_service/tests/test_job_status.py
ml_service/tests/test_local_scoring_server.py
ml_service/tests/test_run_train_pipeline.py
ml_service/tests/test_smoke_test_scoring_service.py
ml_service/tests/test_util.py
ml_service/util/__init__.py
ml_service/util/attach_compute.py
ml_service/util/deploy_model.py
ml_service/util/env_variables.py
ml_service/util/job_status.py
ml_service/util/local_scoring_server.py
ml_service/util/manage_environment.py
ml_service/util/model_artifact.py
ml_service/util/register_dataset.py
ml_service/util/smoke_test_scoring_service.py
ml_service/util/workspace.py
pyproject.toml
requirements.txt
setup.cfg
""".split()


def files_of(project):
    return [path.relative_to(project).as_posix() for path in generated_files(project)]


def under(file, paths, project_name):
    return any(file == path or file.startswith(path + "/")
               for path in (template.format(project=project_name) for template in paths))


def test_default_repository_has_exactly_these_files(default_project):
    assert files_of(default_project) == DEFAULT_TREE


def test_every_optional_path_is_in_the_template():
    missing = [path for paths in post_gen.OPTIONAL_PATHS.values() for path in paths
               if not (TEMPLATE_PROJECT / path.format(project="{{cookiecutter.project_name}}"))
               .exists()]
    assert missing == []


@pytest.mark.parametrize("overrides", crossed_combinations(), ids=matrix_id)
def test_each_answer_adds_exactly_its_own_files(overrides):
    """A file listed for answers (the hook's OPTIONAL_PATHS) is there exactly when all of them
    are chosen; every other file is the default repository's."""
    files = files_of(bake_once(**overrides))
    answers = {**default_answers(), **overrides}
    all_optional = [path for paths in post_gen.OPTIONAL_PATHS.values() for path in paths]

    def common(tree):
        return [file for file in tree if not under(file, all_optional, "driver_training")]
    assert common(files) == common(DEFAULT_TREE)
    # v2 variants (``<name>.v2<suffix>``) take their namesakes' places: those are checked.
    optional_files = {file for file in files_of(TEMPLATE_PROJECT)
                      if under(file, all_optional, "{{cookiecutter.project_name}}")
                      and post_gen.SDK_V2_MARK + "." not in file}
    for template_file in optional_files:
        file = template_file.replace("{{cookiecutter.project_name}}", "driver_training")
        wanted = all(answers[key] == value
                     for (key, value), paths in post_gen.OPTIONAL_PATHS.items()
                     if under(file, paths, "driver_training"))
        assert (file in files) == wanted, f"{file} with {overrides}"


def test_sdk_v2_files_take_their_v1_namesakes_places(default_project):
    """``<name>.v2<suffix>`` files never reach a repository; in a v2 one, the file of the v1 name
    holds the v2 text."""
    v2_project = sdk_v2_bake()
    for project in (default_project, v2_project):
        assert not [file for file in files_of(project) if post_gen.SDK_V2_MARK + "." in file]
    variants = post_gen.sdk_v2_variants(TEMPLATE_PROJECT)
    assert len(variants) >= 5
    for variant, replaced in variants.items():
        relative = replaced.relative_to(TEMPLATE_PROJECT).as_posix().replace(
            "{{cookiecutter.project_name}}", "driver_training")
        v1_text = (default_project / relative).read_text(encoding="utf-8")
        v2_text = (v2_project / relative).read_text(encoding="utf-8")
        assert v1_text != v2_text, relative
