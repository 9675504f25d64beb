"""Upload a local CSV to the datastore and register it as DATASET_NAME (a new version each time).

The workshop's "register your dataset" step, without the portal:
    python -m ml_service.util.register_dataset --file path/to/training_data.csv
"""
import argparse
from pathlib import Path

from azureml.core import Dataset, Datastore

from ml_service.util.env_variables import read_env_or_exit
from ml_service.util.workspace import get_workspace

# Every upload lands under this folder of the datastore, one subfolder per dataset.
DATASTORE_FOLDER = "training-data"


def check_csv(path):
    """The CSV's header line; a missing, empty or non-CSV file stops with one line."""
    path = Path(path)
    if path.suffix.lower() != ".csv" or not path.is_file():
        raise SystemExit(f"ERROR: {path} is not an existing .csv file")
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().strip()
    if not header:
        raise SystemExit(f"ERROR: {path} is empty; it needs a header line and rows")
    return header


def target_folder(dataset_name):
    """Where the CSV goes in the datastore: one folder per dataset, so versions stay apart."""
    return f"{DATASTORE_FOLDER}/{dataset_name}"


def register_csv(workspace, datastore_name, dataset_name, path):
    """Upload ``path`` and register (or add a version to) the tabular dataset."""
    datastore = (Datastore.get(workspace, datastore_name) if datastore_name
                 else workspace.get_default_datastore())
    folder = target_folder(dataset_name)
    datastore.upload_files([str(path)], target_path=folder, overwrite=True, show_progress=True)
    dataset = Dataset.Tabular.from_delimited_files(path=[(datastore, f"{folder}/{path.name}")])
    return dataset.register(workspace, name=dataset_name, create_new_version=True,
                            description=f"Training data uploaded from {path.name}",
                            tags={"format": "CSV"})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, help="local CSV with a header line")
    args = parser.parse_args(argv)
    check_csv(args.file)
    env = read_env_or_exit()
    dataset = register_csv(get_workspace(env), env.datastore_name, env.dataset_name,
                           Path(args.file))
    print(f"Registered {dataset.name} version {dataset.version}")


if __name__ == "__main__":
    main()
