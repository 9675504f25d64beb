"""The Azure ML v2 steps of the CI/CD, through the pinned azure-ai-ml (requirements.txt).

Each module is a command the pipelines (or you, after ``az login``) run from the repository's
root: ``training`` (submit, wait, check, cancel the pipeline job; find its model),
``online_endpoint`` (deploy, smoke-test, delete) and ``register_data``. The YAML next to them
describes what they create; ``settings`` checks the variables each step reads, ``workspace`` is
the one place that connects to Azure.
"""
