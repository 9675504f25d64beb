"""Upload the team's training data and register it as the data asset of data.yml.

    python -m ml_service.azureml.register_data

Reads RESOURCE_GROUP and WORKSPACE_NAME (``.env`` locally). The CSV is the file data.yml names
(git-ignored: the competition's licence forbids committing it); each run registers a new version,
and training takes the latest.
"""
import argparse

from ml_service.azureml.settings import AZUREML_DIR, read_settings
from ml_service.azureml.training import report
from ml_service.azureml.workspace import ml_client, signed_in

DATA_FILE = AZUREML_DIR / "data.yml"


def data_path(data_file=DATA_FILE):
    """The local file ``data_file`` uploads, resolved against its folder as azure-ai-ml does."""
    import yaml

    path = yaml.safe_load(data_file.read_text(encoding="utf-8"))["path"]
    return (data_file.parent / path).resolve()


def missing_data(path):
    """One line saying where the CSV goes, or None when it is there."""
    if path.is_file():
        return None
    return (f"{path} does not exist: put your copy of the competition data there (id, target "
            "and the 57 features)")


def register(client, data_file=DATA_FILE):
    """Upload and register the data asset; (name, version)."""
    from azure.ai.ml import load_data

    data = client.data.create_or_update(load_data(data_file))
    report(f"Registered the data asset {data.name} version {data.version}")
    return data.name, data.version


def main(argv=None):
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    problem = missing_data(data_path())
    if problem:
        raise SystemExit(f"ERROR: {problem}")
    settings = read_settings(())
    with signed_in():
        register(ml_client(settings))


if __name__ == "__main__":
    main()
