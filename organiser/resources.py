"""What a team's answers give it: its choices, and the Azure names it will have.

``team_resources`` is the one place the organiser learns which Azure resources a team's answers
create; the handout, the dry run and ``report.json`` all read it. It follows the generated
README's "What the infrastructure creates" table and its deployment steps.
"""

# The answers that shape a team's repository, as the handout's columns name them.
CHOICES = {"iac_tool": "IaC tool", "azureml_sdk": "SDK", "orchestrator": "Orchestrator",
           "deploy_aks": "AKS", "deploy_webapp": "Web App"}

# (resource, the answer or derived name that names it, the answers it needs: all must hold).
RESOURCES = (
    ("Resource group", "resource_group", {}),
    ("Azure Machine Learning workspace", "workspace_name", {}),
    ("Storage account", "__storage_account", {}),
    ("Container registry", "__container_registry", {}),
    ("Key vault", "__key_vault", {}),
    ("Log Analytics workspace", "__log_analytics", {}),
    ("Application Insights", "__app_insights", {}),
    ("Storage account for the Terraform state", "__tf_state_storage_account",
     {"iac_tool": "terraform"}),
    ("AKS cluster", "__aks_cluster_name", {"deploy_aks": True}),
    ("Linux App Service plan", "__app_service_plan", {"deploy_webapp": True}),
    ("Web App", "__webapp_deployment_name", {"deploy_webapp": True}),
    ("ACI web service", "aci_deployment_name", {"azureml_sdk": "v1"}),
    ("AKS web service", "__aks_deployment_name", {"deploy_aks": True}),
    ("QA online endpoint", "__qa_online_endpoint_name", {"orchestrator": "github_actions"}),
    ("Online endpoint", "__online_endpoint_name", {"azureml_sdk": "v2"}),
)


def team_resources(answers):
    """``[(resource, name)]``: every Azure resource ``answers`` (rendered, derived names included)
    create, in the order a team meets them."""
    return [(resource, answers[key]) for resource, key, needs in RESOURCES
            if all(answers[answer] == value for answer, value in needs.items())]


def choice_text(value):
    """How a choice reads in the handout: booleans as yes or no, codes as they are typed."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def team_choices(answers):
    """``{heading: value}`` of the answers that shape the team's repository."""
    return {heading: choice_text(answers[key]) for key, heading in CHOICES.items()}
