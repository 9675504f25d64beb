"""The training pipeline is built from real SDK objects; only the workspace is replaced."""
from unittest import mock

import pytest
from azureml.core import Workspace
from azureml.core.runconfig import RunConfiguration
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter

from ml_service.pipelines.{{ cookiecutter.project_name }}_build_train_pipeline import (
    build_steps, run_configuration)

# The SDK builds a REST client when a Pipeline is constructed; this is the narrowest point that
# keeps it offline (azureml-pipeline-core 1.x private module).
AEVA_PROVIDER = "azureml.pipeline.core._aeva_provider._AevaWorkflowProvider.create_provider"


def steps_for(env):
    return build_steps(env, "train-cluster", RunConfiguration(), PipelineData("pipeline_data"))


def argument_pairs(step):
    args = step._arguments
    return dict(zip(args[::2], args[1::2]))


def test_train_step_takes_the_arguments_train_aml_parses(make_env):
    train = steps_for(make_env(RUN_EVALUATION="false"))[0]
    arguments = argument_pairs(train)
    assert list(arguments) == ["--model_name", "--step_output", "--dataset_version",
                               "--data_file_path", "--caller_run_id", "--dataset_name"]
    assert arguments["--dataset_name"] == "{{ cookiecutter.dataset_name }}"
    parameters = {value.name: value.default_value for value in arguments.values()
                  if isinstance(value, PipelineParameter)}
    assert parameters == {"model_name": "{{ cookiecutter.__model_name }}",
                          "dataset_version": "latest", "data_file_path": "none",
                          "caller_run_id": "none"}
    assert train._script_name == "training/train_aml.py"
    assert train._source_directory == "{{ cookiecutter.project_name }}"


def test_without_evaluation_train_feeds_register(make_env):
    steps = steps_for(make_env(RUN_EVALUATION="false"))
    assert [step.name for step in steps] == ["Train Model", "Register Model"]
    register = argument_pairs(steps[1])
    assert set(register) == {"--model_name", "--step_input"}


@pytest.mark.parametrize("allow_cancel", ["true", "false"])
def test_with_evaluation_the_cancel_flag_reaches_the_step(make_env, allow_cancel):
    steps = steps_for(make_env(RUN_EVALUATION="true", ALLOW_RUN_CANCEL=allow_cancel))
    assert [step.name for step in steps] == ["Train Model", "Evaluate Model", "Register Model"]
    assert argument_pairs(steps[1])["--allow_run_cancel"] == allow_cancel
    assert steps[1]._script_name == "evaluate/evaluate_model.py"


def test_datastore_name_reaches_the_train_step_environment():
    run_config = run_configuration(environment=None, datastore_name="trainingstore")
    assert run_config.environment_variables["DATASTORE_NAME"] == "trainingstore"


TRAIN_TO_REGISTER_DATA = ("Train Model", "Register Model", "pipeline_data")
RUN_AFTER = "_run_after_output"


@pytest.mark.parametrize("run_evaluation,edges", [
    ("false", {TRAIN_TO_REGISTER_DATA, ("Train Model", "Register Model", RUN_AFTER)}),
    ("true", {TRAIN_TO_REGISTER_DATA, ("Train Model", "Evaluate Model", RUN_AFTER),
              ("Evaluate Model", "Register Model", RUN_AFTER)}),
])
def test_pipeline_graph_chains_the_steps(make_env, run_evaluation, edges):
    workspace = mock.MagicMock(spec=Workspace)
    workspace.compute_targets.get.return_value.type = "AmlCompute"
    steps = steps_for(make_env(RUN_EVALUATION=run_evaluation))
    with mock.patch(AEVA_PROVIDER, return_value=mock.MagicMock()):
        pipeline = Pipeline(workspace=workspace, steps=steps)
    graph = pipeline.graph
    assert sorted(node.name for node in graph.nodes) == sorted(step.name for step in steps)
    assert {(edge.source_port.node.name, edge.dest_port.node.name, edge.source_port.name)
            for edge in graph.edges} == edges
    assert {parameter for parameter in graph.params} == {
        "model_name", "dataset_version", "data_file_path", "caller_run_id"}
