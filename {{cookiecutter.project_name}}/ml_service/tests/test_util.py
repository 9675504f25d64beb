"""Pure parts of the workspace helpers, checked with real SDK objects where they exist."""
import json
from types import SimpleNamespace

import pytest
from azureml.core.compute import AmlCompute

from ml_service.pipelines.run_train_pipeline import run_tags, select_pipeline
from ml_service.util.attach_compute import provisioning_settings
from ml_service.util.manage_environment import environment_from_conda
from ml_service.util.model_artifact import (
    export_commands, model_record, no_model_record, pick_model, read_record)
from ml_service.util.register_dataset import check_csv, target_folder
from ml_service.util.workspace import cli_authentication


def test_cluster_settings_make_a_provisioning_configuration(make_env):
    settings = provisioning_settings(make_env(AML_CLUSTER_MAX_NODES="2"))
    config = AmlCompute.provisioning_configuration(**settings)
    scale = config.scale_settings
    assert config.vm_size == "STANDARD_DS2_V2"
    assert (scale.minimum_node_count, scale.maximum_node_count) == (0, 2)
    assert scale.idle_seconds_before_scaledown == 300


def test_cluster_min_above_max_is_refused(make_env):
    with pytest.raises(ValueError, match="AML_CLUSTER_MIN_NODES=5 is above"):
        provisioning_settings(make_env(AML_CLUSTER_MIN_NODES="5"))


def test_environment_comes_from_the_conda_file(make_env, tmp_path):
    conda = tmp_path / "conda_dependencies.yml"
    conda.write_text("name: x\ndependencies:\n  - python=3.11\n  - pip:\n    - joblib==1.5.3\n",
                     encoding="utf-8")
    env = make_env(SOURCES_DIR_TRAIN=str(tmp_path))
    environment = environment_from_conda(env)
    assert environment.name == "{{ cookiecutter.__aml_env_name }}"
    assert "joblib==1.5.3" in environment.python.conda_dependencies.serialize_to_string()


def test_missing_conda_file_is_one_clear_line(make_env, tmp_path):
    with pytest.raises(SystemExit, match="conda file .* not found"):
        environment_from_conda(make_env(SOURCES_DIR_TRAIN=str(tmp_path)))


def published(name, version, pipeline_id):
    return SimpleNamespace(name=name, version=version, id=pipeline_id)


def test_the_pipeline_of_this_build_is_selected():
    pipelines = [published("p", "1", "a"), published("p", "2", "b"), published("q", "2", "c")]
    assert select_pipeline(pipelines, "p", "2").id == "b"
    with pytest.raises(SystemExit, match="no published pipeline 'p' with version '3'"):
        select_pipeline(pipelines, "p", "3")
    with pytest.raises(SystemExit, match="2 published pipelines"):
        select_pipeline(pipelines + [published("p", "2", "d")], "p", "2")


def test_run_tags_carry_the_build(make_env):
    assert run_tags(make_env(BUILD_BUILDID="42", BUILD_URI="https://x/42")) == {
        "BuildId": "42", "BuildUri": "https://x/42"}


def test_model_artifact_round_trip(tmp_path):
    model = SimpleNamespace(name="m.pkl", version=3, id="m.pkl:3", created_time=None)
    record = model_record(pick_model([model], "42"))
    path = tmp_path / "model.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert export_commands(read_record(path)) == [
        "##vso[task.setvariable variable=MODEL_REGISTERED;isOutput=true]true",
        "##vso[task.setvariable variable=MODEL_NAME;isOutput=true]m.pkl",
        "##vso[task.setvariable variable=MODEL_VERSION;isOutput=true]3"]


def test_a_run_without_a_new_model_still_has_an_artifact_that_says_so(tmp_path):
    """CD is triggered by every green CI run: "no new model" must be readable, not a failure."""
    path = tmp_path / "model.json"
    path.write_text(json.dumps(no_model_record("42")), encoding="utf-8")
    commands = export_commands(read_record(path))
    assert commands[-1] == "##vso[task.setvariable variable=MODEL_REGISTERED;isOutput=true]false"
    assert commands[0].startswith("##vso[task.logissue type=warning]No new model")
    assert not any("MODEL_VERSION" in command for command in commands)


def test_no_model_and_several_models(tmp_path):
    assert pick_model([], "42") is None
    two = [SimpleNamespace(version=1), SimpleNamespace(version=2)]
    with pytest.raises(SystemExit, match=r"several model versions \[1, 2\]"):
        pick_model(two, "42")
    (tmp_path / "model.json").write_text('{"registered": true, "name": "m.pkl"}',
                                         encoding="utf-8")
    with pytest.raises(SystemExit, match=r"lacks \['version'\]"):
        read_record(tmp_path / "model.json")


def test_dataset_csv_checks(tmp_path):
    good = tmp_path / "data.csv"
    good.write_text("id,target,ps_ind_01\n1,0,2\n", encoding="utf-8")
    assert check_csv(good) == "id,target,ps_ind_01"
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(SystemExit, match="is empty"):
        check_csv(tmp_path / "empty.csv")
    with pytest.raises(SystemExit, match="not an existing .csv file"):
        check_csv(tmp_path / "missing.csv")
    dataset_name = "{{ cookiecutter.dataset_name }}"
    assert target_folder(dataset_name) == f"training-data/{dataset_name}"


class RecordingCredential:
    """Stands in for AzureCliCredential: records the scopes asked for."""

    def __init__(self):
        self.scopes = []

    def get_token(self, *scopes):
        self.scopes.extend(scopes)
        return SimpleNamespace(token=f"token-for {scopes[0]}", expires_on=0)


def test_sign_in_asks_the_cli_credential_for_each_audience():
    from azureml.core.authentication import Audience

    credential = RecordingCredential()
    auth = cli_authentication(credential)
    arm = auth._cloud_type.endpoints.active_directory_resource_id
    assert auth.get_token(Audience.ARM) == f"token-for {arm}/.default"
    assert auth.get_token(Audience.AZUREML).startswith("token-for https://ml.azure.com")
    assert credential.scopes == [f"{arm}/.default", "https://ml.azure.com/.default"]


def test_sign_in_needs_only_the_az_executable(monkeypatch, tmp_path):
    """No azure-cli Python package: without `az` on PATH it is a sign-in error, not an import."""
    from azure.identity import CredentialUnavailableError
    from azureml.core.authentication import Audience

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CredentialUnavailableError, match="Azure CLI not found"):
        cli_authentication().get_token(Audience.ARM)
