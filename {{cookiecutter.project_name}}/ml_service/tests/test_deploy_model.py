"""Deployment YAML -> SDK keyword arguments, checked by building the real SDK objects."""
from pathlib import Path

import pytest
import yaml
from azureml.core.model import InferenceConfig
from azureml.core.webservice import AciWebservice, AksWebservice

from ml_service.util.deploy_model import (
    build_deployment_config, build_inference_config, deployment_kwargs, inference_kwargs,
    parse_args)

SCORING_DIR = Path(__file__).resolve().parents[2] / "{{ cookiecutter.project_name }}" / "scoring"

ACI_CONFIG = {"computeType": "ACI",
              "containerResourceRequirements": {"cpu": 1, "memoryInGB": 4}}
AKS_CONFIG = {
    "computeType": "AKS",
    "autoScaler": {"autoscaleEnabled": True, "minReplicas": 1, "maxReplicas": 3,
                   "refreshPeriodInSeconds": 10, "targetUtilization": 70},
    "authEnabled": True,
    "containerResourceRequirements": {"cpu": 0.5, "memoryInGB": 2},
    "appInsightsEnabled": True,
    "scoringTimeoutMs": 5000,
    "maxConcurrentRequestsPerContainer": 2,
    "maxQueueWaitMs": 5000,
    "sslEnabled": True,
}


def test_aci_settings_become_an_aci_configuration():
    kwargs = deployment_kwargs(ACI_CONFIG, "ACI")
    assert kwargs == {"cpu_cores": 1, "memory_gb": 4}
    config = AciWebservice.deploy_configuration(**kwargs)
    assert (config.cpu_cores, config.memory_gb) == (1, 4)


def test_aks_settings_become_an_aks_configuration():
    config = AksWebservice.deploy_configuration(**deployment_kwargs(AKS_CONFIG, "AKS"))
    assert config.autoscale_max_replicas == 3 and config.autoscale_target_utilization == 70
    assert config.cpu_cores == 0.5 and config.memory_gb == 2 and config.auth_enabled is True
    assert config.scoring_timeout_ms == 5000 and config.max_request_wait_time == 5000


def test_unknown_settings_are_named():
    with pytest.raises(ValueError, match=r"unknown ACI deployment settings \['gpuCores'\]"):
        deployment_kwargs({**ACI_CONFIG, "gpuCores": 1}, "ACI")


def test_compute_type_must_match_the_target():
    with pytest.raises(ValueError, match="computeType is AKS, expected ACI"):
        deployment_kwargs(AKS_CONFIG, "ACI")


def test_inference_paths_are_relative_to_the_scoring_folder(tmp_path):
    kwargs = inference_kwargs({"entryScript": "score.py", "runtime": "python",
                               "condaFile": "../conda_dependencies.yml"}, tmp_path / "scoring")
    assert kwargs == {"entry_script": "score.py",
                      "source_directory": str((tmp_path / "scoring").resolve()),
                      "conda_file": str((tmp_path / "conda_dependencies.yml").resolve())}


def test_inference_settings_that_would_be_ignored_are_refused(tmp_path):
    config = {"entryScript": "score.py", "condaFile": "c.yml", "schemaFile": "",
              "enableGpu": False, "baseImage": "my/image:1"}
    with pytest.raises(ValueError, match=r"settings \['baseImage'\] are not supported"):
        inference_kwargs(config, tmp_path)


def test_inference_config_needs_a_python_entry_script(tmp_path):
    with pytest.raises(ValueError, match="needs entryScript and condaFile"):
        inference_kwargs({"runtime": "python"}, tmp_path)
    with pytest.raises(ValueError, match="runtime 'spark' is not supported"):
        inference_kwargs({"runtime": "spark", "entryScript": "s.py", "condaFile": "c.yml"},
                         tmp_path)


def test_the_project_inference_config_builds_an_sdk_inference_config():
    config = build_inference_config(SCORING_DIR, "scoring_env")
    assert isinstance(config, InferenceConfig)
    assert (SCORING_DIR / config.entry_script).is_file()
    assert config.environment.name == "scoring_env"


@pytest.mark.parametrize("path", sorted(SCORING_DIR.glob("deployment_config_*.yml")),
                         ids=lambda path: path.name)
def test_the_project_deployment_configs_translate(path):
    target = path.stem.rsplit("_", 1)[1].upper()
    assert deployment_kwargs(yaml.safe_load(path.read_text(encoding="utf-8")), target)
    assert build_deployment_config(SCORING_DIR, target) is not None


def test_the_aci_deployment_config_exists():
    assert (SCORING_DIR / "deployment_config_aci.yml").is_file()


def test_aks_needs_a_cluster_name(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--target", "AKS", "--service", "svc", "--model_version", "1"])
    assert "--aks_compute is required" in capsys.readouterr().err
