"""The ``model`` build artifact (model.json) that links a CI run to the model it registered.

    python -m ml_service.util.model_artifact write --build_id 1234 --output model.json
    python -m ml_service.util.model_artifact export --input model.json

``write`` (CI) looks for the model tagged with the build id and writes model.json. When
evaluation kept the previous model (or training was not run), model.json says so
(``"registered": false``): the artifact always exists, so the CD that every green CI run triggers
can tell "no new model" from a failure. ``export`` (CD) reads model.json and sets the output
variables MODEL_REGISTERED, MODEL_NAME and MODEL_VERSION; the deployment stages run only when
MODEL_REGISTERED is true.
"""
import argparse
import json
from pathlib import Path

RECORD_KEYS = ("registered", "name", "version", "id", "createdTime")
NO_NEW_MODEL = ("No new model was registered by this CI run (evaluation kept the current model, "
                "or training was not run): nothing to deploy.")


def model_record(model):
    """The fields of model.json, from an azureml ``Model``."""
    return {
        "registered": True,
        "name": model.name,
        "version": model.version,
        "id": model.id,
        "createdTime": model.created_time.isoformat() if model.created_time else None,
    }


def pick_model(models, build_id):
    """The one model registered by ``build_id``, or None; several is a registration bug."""
    if len(models) > 1:
        versions = sorted(model.version for model in models)
        raise SystemExit(f"ERROR: build {build_id} registered several model versions {versions}")
    return models[0] if models else None


def set_variable(name, value, is_output=True):
    """The Azure Pipelines logging command that sets a (step output) variable."""
    output = ";isOutput=true" if is_output else ""
    return f"##vso[task.setvariable variable={name}{output}]{value}"


def no_model_record(build_id):
    """model.json of a CI run that registered no model."""
    return {"registered": False, "build_id": build_id}


def read_record(path):
    """model.json as a dict; a missing or incomplete file stops with one line."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(f"ERROR: cannot read the model artifact {path}: {error}") from None
    if record.get("registered") is False:
        return record
    missing = [key for key in ("registered", "name", "version") if key not in record]
    if missing:
        raise SystemExit(f"ERROR: {path} lacks {missing}; expected keys {list(RECORD_KEYS)}")
    return record


def export_commands(record):
    """Logging commands that hand "is there a new model", its name and version to later steps
    and stages."""
    if not record["registered"]:
        return [f"##vso[task.logissue type=warning]{NO_NEW_MODEL}",
                set_variable("MODEL_REGISTERED", "false")]
    return [set_variable("MODEL_REGISTERED", "true"),
            set_variable("MODEL_NAME", record["name"]),
            set_variable("MODEL_VERSION", record["version"])]


def write_artifact(build_id, output):
    # Imported here: ``export`` runs on agents where the SDK import only costs time.
    from azureml.core import Model

    from ml_service.util.env_variables import read_env_or_exit
    from ml_service.util.workspace import get_workspace

    env = read_env_or_exit()
    models = Model.list(get_workspace(env), name=env.model_name, tags=[["BuildId", build_id]])
    model = pick_model(models, build_id)
    record = no_model_record(build_id) if model is None else model_record(model)
    Path(output).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if model is None:
        print(f"##vso[task.logissue type=warning]{NO_NEW_MODEL}")
    else:
        print(f"Build {build_id} registered {model.name} version {model.version}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write or read the model.json artifact")
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help="find the model of a build, write model.json")
    write.add_argument("--build_id", required=True)
    write.add_argument("--output", default="model.json")
    export = commands.add_parser(
        "export", help="set MODEL_REGISTERED, MODEL_NAME and MODEL_VERSION from model.json")
    export.add_argument("--input", default="model.json")
    args = parser.parse_args(argv)
    if args.command == "write":
        write_artifact(args.build_id, args.output)
    else:
        for line in export_commands(read_record(args.input)):
            print(line)


if __name__ == "__main__":
    main()
