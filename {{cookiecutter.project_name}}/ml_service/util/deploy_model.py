"""Deploy a registered model as a web service with the Azure ML SDK v1 (no CLI extension).

    python -m ml_service.util.deploy_model --target ACI --service mlops-aci --model_version 3
    python -m ml_service.util.deploy_model --target AKS --service mlops-aks --model_version 3 \\
        --aks_compute aks

The scoring folder's ``inference_config.yml`` and ``deployment_config_<target>.yml`` keep the
key names of the Azure ML CLI v1 files; ``*_kwargs`` translate them into SDK keyword arguments.
"""
import argparse
from pathlib import Path

import yaml
from azureml.core import Environment
from azureml.core.compute import AksCompute
from azureml.core.model import InferenceConfig, Model
from azureml.core.webservice import AciWebservice, AksWebservice

from ml_service.util.env_variables import read_env_or_exit
from ml_service.util.workspace import get_workspace

TARGETS = ("ACI", "AKS")

# CLI v1 deployment-config key -> SDK keyword; nested sections are flattened with a dot.
ACI_KEYS = {
    "containerResourceRequirements.cpu": "cpu_cores",
    "containerResourceRequirements.memoryInGB": "memory_gb",
    "authEnabled": "auth_enabled",
    "sslEnabled": "ssl_enabled",
    "appInsightsEnabled": "enable_app_insights",
}
AKS_KEYS = {
    "autoScaler.autoscaleEnabled": "autoscale_enabled",
    "autoScaler.minReplicas": "autoscale_min_replicas",
    "autoScaler.maxReplicas": "autoscale_max_replicas",
    "autoScaler.refreshPeriodInSeconds": "autoscale_refresh_seconds",
    "autoScaler.targetUtilization": "autoscale_target_utilization",
    "authEnabled": "auth_enabled",
    "containerResourceRequirements.cpu": "cpu_cores",
    "containerResourceRequirements.memoryInGB": "memory_gb",
    "appInsightsEnabled": "enable_app_insights",
    "scoringTimeoutMs": "scoring_timeout_ms",
    "maxConcurrentRequestsPerContainer": "replica_max_concurrent_requests",
    "maxQueueWaitMs": "max_request_wait_time",
    "numReplicas": "num_replicas",
}
# Keys of the CLI v1 AKS file that the SDK sets on the cluster, not on each service.
AKS_CLUSTER_KEYS = {"sslEnabled"}
# inference_config.yml keys this module applies; the CLI v1 file's other keys must stay empty.
INFERENCE_KEYS = {"entryScript", "runtime", "condaFile", "sourceDirectory"}


def read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def flatten(config, prefix=""):
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``: one level per CLI v1 section."""
    flat = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def deployment_kwargs(config, compute_type):
    """SDK keyword arguments for a deployment config of ``compute_type`` ("ACI" or "AKS")."""
    keys, ignored = (ACI_KEYS, set()) if compute_type == "ACI" else (AKS_KEYS, AKS_CLUSTER_KEYS)
    flat = flatten(config)
    found_type = str(flat.pop("computeType", compute_type))
    if found_type.upper() != compute_type:
        raise ValueError(f"computeType is {found_type}, expected {compute_type}")
    unknown = sorted(set(flat) - set(keys) - ignored)
    if unknown:
        raise ValueError(f"unknown {compute_type} deployment settings {unknown}; "
                         f"allowed: {sorted(keys)}")
    return {keys[key]: value for key, value in flat.items() if key in keys}


def inference_kwargs(config, scoring_dir):
    """Entry script, source folder and conda file of ``inference_config.yml``.

    Paths in the file are relative to the scoring folder, as with the CLI v1."""
    scoring_dir = Path(scoring_dir)
    unsupported = sorted(key for key, value in config.items()
                         if key not in INFERENCE_KEYS and value)
    if unsupported:
        raise ValueError(f"inference_config.yml settings {unsupported} are not supported; "
                         f"allowed: {sorted(INFERENCE_KEYS)} (others empty)")
    if config.get("runtime", "python") != "python":
        raise ValueError(f"runtime {config['runtime']!r} is not supported; allowed: python")
    entry_script = config.get("entryScript")
    conda_file = config.get("condaFile")
    if not entry_script or not conda_file:
        raise ValueError("inference_config.yml needs entryScript and condaFile")
    source_dir = scoring_dir / (config.get("sourceDirectory") or ".")
    return {
        "entry_script": entry_script,
        "source_directory": str(source_dir.resolve()),
        "conda_file": str((scoring_dir / conda_file).resolve()),
    }


def build_inference_config(scoring_dir, environment_name):
    """The SDK ``InferenceConfig`` for the scoring folder's ``inference_config.yml``."""
    settings = inference_kwargs(read_yaml(Path(scoring_dir) / "inference_config.yml"),
                                scoring_dir)
    environment = Environment.from_conda_specification(environment_name, settings["conda_file"])
    return InferenceConfig(entry_script=settings["entry_script"],
                           source_directory=settings["source_directory"],
                           environment=environment)


def build_deployment_config(scoring_dir, target):
    """The SDK deployment configuration for ``target`` from ``deployment_config_<target>.yml``."""
    config = read_yaml(Path(scoring_dir) / f"deployment_config_{target.lower()}.yml")
    service_class = AciWebservice if target == "ACI" else AksWebservice
    return service_class.deploy_configuration(**deployment_kwargs(config, target))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Deploy a registered model (Azure ML SDK v1)")
    parser.add_argument("--target", choices=TARGETS, required=True)
    parser.add_argument("--service", required=True, help="web service name")
    parser.add_argument("--model_version", required=True, type=int,
                        help="registered model version")
    parser.add_argument("--aks_compute", help="inference cluster attached to the workspace (AKS)")
    args = parser.parse_args(argv)
    if args.target == "AKS" and not args.aks_compute:
        parser.error("--aks_compute is required for --target AKS")
    return args


def scoring_setup(env, model_version):
    """Workspace, registered model and inference configuration shared by every target."""
    workspace = get_workspace(env)
    scoring_dir = Path(env.sources_dir_train) / Path(env.score_script).parent
    model = Model(workspace, name=env.model_name, version=model_version)
    inference_config = build_inference_config(scoring_dir, f"{env.aml_env_name}_scoring")
    return workspace, scoring_dir, model, inference_config


def main(argv=None):
    args = parse_args(argv)
    env = read_env_or_exit()
    workspace, scoring_dir, model, inference_config = scoring_setup(env, args.model_version)
    deployment_target = (AksCompute(workspace, args.aks_compute) if args.target == "AKS"
                         else None)
    service = Model.deploy(workspace, args.service, [model], inference_config,
                           build_deployment_config(scoring_dir, args.target),
                           deployment_target=deployment_target, overwrite=True)
    service.wait_for_deployment(show_output=True)
    print(f"{args.target} service {args.service} is {service.state} at {service.scoring_uri}")


if __name__ == "__main__":
    main()
