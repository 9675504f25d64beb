"""The answers: their defaults, every name derived from them, and where a team's values land."""
import re

from tests.support.bakes import TEMPLATE_DIR, bake_once, public_keys, template_answers
from tests.support.commands import run_python

WORKSHOP_CONTEXT = {
    "team_number": "1",
    "project_name": "driver_training",
    "repo_name": "EY_Team1_MLOps",
    "base_name": "eyteam1",
    "location": "australiaeast",
    "resource_group": "eyteam1-AML-RG",
    "workspace_name": "eyteam1-AML-WS",
    "variable_group_name": "devopsforai-aml-vg",
    "azure_rm_svc_connection": "azure-resource-connection",
    "workspace_svc_connection": "aml-workspace-connection",
    "aci_deployment_name": "mlops-aci",
    "dataset_name": "driver_training_ds",
    "datastore_name": "workspaceblobstore",
    "iac_tool": "arm",
    "deploy_aks": False,
    "deploy_webapp": False,
    "run_evaluation": False,
    "azureml_sdk": "v1",
    "orchestrator": "azure_devops",
    "devops_organization": "",
    "devops_project": "MCW-EY-DevOps-for-Data-Science",
    "__storage_account": "eyteam1amlsa",
    "__container_registry": "eyteam1amlcr",
    "__key_vault": "eyteam1-AML-KV",
    "__app_insights": "eyteam1-AML-AI",
    "__log_analytics": "eyteam1-AML-LA",
    "__tf_state_storage_account": "eyteam1statestor",
    "__model_name": "driver_training_model.pkl",
    "__experiment_name": "mlopspython",
    "__training_pipeline_name": "driver_training-Training-Pipeline",
    "__aml_env_name": "driver_training_training_env",
    "__compute_cluster_name": "train-cluster",
    "__ci_pipeline_name": "Model-Train-Register-CI",
    "__cd_pipeline_name": "Model-Deploy-CD",
    "__iac_pipeline_name": "IaC-Create-Environment",
    "__aks_compute_name": "aks",
    "__aks_cluster_name": "eyteam1-AML-AKS",
    "__aks_vm_size": "Standard_D2s_v3",
    "__app_service_plan": "eyteam1-AML-ASP",
    "__app_service_plan_sku": "B1",
    "__terraform_version": "1.9.8",
    "__terraform_sha256": "186e0145f5e5f2eb97cbd785bc78f21bae4ef15119349f6ad4fa535b83b10df8",
    "__aks_deployment_name": "mlops-aks",
    "__webapp_deployment_name": "eyteam1-webapp",
    "__online_endpoint_name": "eyteam1-driver-training",
    "__online_deployment_name": "blue",
    "__qa_online_endpoint_name": "eyteam1-driver-training-qa",
    "__python_version": "3.11",
    # The workshop's answers (SDK v1, so ACI; no AKS, no Web App) need these six and ACI's.
    "__resource_providers": "Microsoft.MachineLearningServices Microsoft.Storage "
                            "Microsoft.KeyVault Microsoft.ContainerRegistry Microsoft.Insights "
                            "Microsoft.OperationalInsights Microsoft.ContainerInstance",
    "__pipeline_variables": {
        "SOURCES_DIR_TRAIN": "driver_training",
        "TRAIN_SCRIPT_PATH": "training/train_aml.py",
        "EVALUATE_SCRIPT_PATH": "evaluate/evaluate_model.py",
        "REGISTER_SCRIPT_PATH": "register/register_model.py",
        "SCORE_SCRIPT": "scoring/score.py",
        "EXPERIMENT_NAME": "mlopspython",
        "DATASET_NAME": "driver_training_ds",
        "DATASTORE_NAME": "workspaceblobstore",
        "DATASET_VERSION": "latest",
        "TRAINING_PIPELINE_NAME": "driver_training-Training-Pipeline",
        "MODEL_NAME": "driver_training_model.pkl",
        "AML_ENV_NAME": "driver_training_training_env",
        "AML_ENV_TRAIN_CONDA_DEP_FILE": "conda_dependencies.yml",
        "AML_REBUILD_ENVIRONMENT": "false",
        "AML_COMPUTE_CLUSTER_NAME": "train-cluster",
        "AML_COMPUTE_CLUSTER_CPU_SKU": "STANDARD_DS2_V2",
        "AML_CLUSTER_MIN_NODES": "0",
        "AML_CLUSTER_MAX_NODES": "4",
        "AML_CLUSTER_PRIORITY": "lowpriority",
        # The workshop registers every model; the code's fallback is the same.
        "RUN_EVALUATION": "false",
        "ALLOW_RUN_CANCEL": "true",
        # v2's online endpoint: empty, so left out of the variables template and .env.example.
        "ENDPOINT_NAME": "",
        "DEPLOYMENT_NAME": "",
    },
    "__variable_group": {
        "BASE_NAME": "eyteam1",
        "LOCATION": "australiaeast",
        "RESOURCE_GROUP": "eyteam1-AML-RG",
        "WORKSPACE_NAME": "eyteam1-AML-WS",
        "AZURE_RM_SVC_CONNECTION": "azure-resource-connection",
        "WORKSPACE_SVC_CONNECTION": "aml-workspace-connection",
        "ACI_DEPLOYMENT_NAME": "mlops-aci",
        # Empty values are left out of the variable group: AKS and Web App were not chosen.
        "AKS_COMPUTE_NAME": "",
        "AKS_DEPLOYMENT_NAME": "",
        "WEBAPP_DEPLOYMENT_NAME": "",
    },
}


# The manifest's files and resources: tests/golden/ holds each combination's, reviewed.
MANIFEST_KEYS = ("__files", "__resources")


def test_default_context_is_team_1_of_the_workshop(default_context):
    rendered = {key: value for key, value in default_context.items()
                if not (key.startswith("_") and not key.startswith("__"))
                and key not in MANIFEST_KEYS and key != "__pins"}
    assert rendered == WORKSHOP_CONTEXT


def test_the_default_project_is_named_after_the_package(default_project):
    assert default_project.name == "driver_training"
    assert (default_project / "driver_training" / "__init__.py").is_file()


def test_every_answer_has_a_prompt():
    answers = template_answers()
    prompts = answers["__prompts__"]
    assert set(prompts) == set(public_keys())
    for key, value in answers.items():
        if isinstance(value, list) and not key.startswith("_"):
            labels = prompts[key]
            assert set(labels) == {"__prompt__", *value}, f"{key}: a label for every choice"
            # The menu shows the value a command line takes: "australiaeast - Australia East".
            assert [label for choice, label in labels.items()
                    if choice != "__prompt__" and not label.startswith(f"{choice} - ")] == []


def test_team_7_gets_eyteam7_wherever_base_name_appears():
    project = bake_once(team_number="7")
    texts = {path: path.read_text(encoding="utf-8") for path in project.rglob("*")
             if path.is_file() and path.suffix not in (".png", ".pkl")}
    assert not [path for path, text in texts.items() if "eyteam1" in text or "Team1" in text]
    base_name_lines = [line for text in texts.values() for line in text.splitlines()
                       if re.search(r"\bBASE_NAME\b.*eyteam", line)]
    assert base_name_lines and all("eyteam7" in line for line in base_name_lines)


def test_readme_answers_table_is_generated_from_the_template():
    # docs/answers_table.py renders the table from cookiecutter.json and the hook's rules.
    table = run_python(["docs/answers_table.py"], TEMPLATE_DIR).stdout
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    assert table.strip() in readme, "README.md is stale: run python docs/answers_table.py"
    documented = re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)
    assert documented == public_keys()
