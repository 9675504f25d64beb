"""Find the training pipeline published by this build; write its id (to a file and as the step
output variable AMLPIPELINEID) and optionally run it.

    python -m ml_service.pipelines.run_train_pipeline --output_pipeline_id_file pipeline_id.txt \\
        --skip_train_execution
"""
import argparse
from pathlib import Path

from azureml.core import Experiment
from azureml.pipeline.core import PublishedPipeline

from ml_service.util.env_variables import read_env_or_exit
from ml_service.util.model_artifact import set_variable
from ml_service.util.workspace import get_workspace


def select_pipeline(published_pipelines, name, version):
    """The one published pipeline with ``name`` and ``version`` (the build id)."""
    matches = [pipeline for pipeline in published_pipelines
               if pipeline.name == name and pipeline.version == version]
    if not matches:
        raise SystemExit(f"ERROR: no published pipeline {name!r} with version {version!r}; "
                         "run the build_train_pipeline module of this build first")
    if len(matches) > 1:
        raise SystemExit(f"ERROR: {len(matches)} published pipelines {name!r} have version "
                         f"{version!r}; disable the extra ones in the workspace")
    return matches[0]


def run_tags(env):
    """Tags that let the CI find the model this run registers (``BuildId``)."""
    tags = {"BuildId": env.build_id}
    if env.build_uri:
        tags["BuildUri"] = env.build_uri
    return tags


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output_pipeline_id_file", default="pipeline_id.txt")
    parser.add_argument("--skip_train_execution", action="store_true",
                        help="only write the id (the CI runs it from an agentless job)")
    args = parser.parse_args(argv)
    env = read_env_or_exit()
    workspace = get_workspace(env)
    pipeline = select_pipeline(PublishedPipeline.list(workspace), env.training_pipeline_name,
                               env.build_id)
    Path(args.output_pipeline_id_file).write_text(pipeline.id, encoding="utf-8")
    print(f"Published pipeline id: {pipeline.id}")
    # The CI's agentless job that runs the pipeline reads this step output.
    print(set_variable("AMLPIPELINEID", pipeline.id))
    if not args.skip_train_execution:
        run = Experiment(workspace, env.experiment_name).submit(
            pipeline, tags=run_tags(env), pipeline_parameters={"model_name": env.model_name})
        print(f"Submitted run {run.id}")


if __name__ == "__main__":
    main()
