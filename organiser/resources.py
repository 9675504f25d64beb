"""What a team's answers give it: its choices, and the Azure resources it will have.

The resources are the manifest's (``__resources`` in cookiecutter.json, rendered with the team's
answers): the generated README lists the same ones, and the handout, the dry run and
``report.json`` all read them through ``team_resources``.
"""
from hooks.manifest import created_resources, shown

# The answers that shape a team's repository, as the handout's columns name them.
CHOICES = {"iac_tool": "IaC tool", "azureml_sdk": "SDK", "orchestrator": "Orchestrator",
           "deploy_aks": "AKS", "deploy_webapp": "Web App"}


def team_resources(answers):
    """``[(resource, name)]``: every Azure resource ``answers`` (rendered, the manifest included)
    create, in the manifest's order."""
    return [(resource["kind"], resource["name"])
            for resource in created_resources(answers).values()]


def team_choices(answers):
    """``{heading: value}`` of the answers that shape the team's repository, as the manifest's
    listings show them (booleans as yes or no)."""
    return {heading: shown(answers[key]) for key, heading in CHOICES.items()}
