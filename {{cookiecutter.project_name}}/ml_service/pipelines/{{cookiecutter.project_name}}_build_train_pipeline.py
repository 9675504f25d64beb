"""Build and publish the Azure ML training pipeline: train -> evaluate (optional) -> register.

    python -m ml_service.pipelines.{{ cookiecutter.project_name }}_build_train_pipeline

``build_steps`` is pure: it makes the real ``PythonScriptStep`` and ``PipelineParameter``
objects from the settings, so tests build the whole graph without a workspace. ``main`` adds
what needs Azure: compute, environment, datastore, publication.
"""
from azureml.core.runconfig import RunConfiguration
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter
from azureml.pipeline.steps import PythonScriptStep

from ml_service.util.attach_compute import get_compute
from ml_service.util.env_variables import read_env_or_exit
from ml_service.util.manage_environment import get_environment
from ml_service.util.workspace import get_workspace

PIPELINE_DESCRIPTION = "Model training/retraining pipeline"


def pipeline_parameters(env):
    """The parameters a run of the published pipeline can override."""
    return {
        "model_name": PipelineParameter(name="model_name", default_value=env.model_name),
        "dataset_version": PipelineParameter(name="dataset_version",
                                             default_value=env.dataset_version),
        "data_file_path": PipelineParameter(name="data_file_path", default_value="none"),
        "caller_run_id": PipelineParameter(name="caller_run_id", default_value="none"),
    }


def run_configuration(environment, datastore_name):
    """How each step runs: the project's environment, and the datastore the train step reads."""
    run_config = RunConfiguration()
    run_config.environment = environment
    run_config.environment_variables["DATASTORE_NAME"] = datastore_name
    return run_config


def build_steps(env, compute_target, run_config, pipeline_data):
    """The steps in run order; evaluation only when RUN_EVALUATION is true."""
    parameters = pipeline_parameters(env)
    common = {"source_directory": env.sources_dir_train, "compute_target": compute_target,
              "runconfig": run_config}
    train = PythonScriptStep(
        name="Train Model", script_name=env.train_script_path, outputs=[pipeline_data],
        arguments=["--model_name", parameters["model_name"],
                   "--step_output", pipeline_data,
                   "--dataset_version", parameters["dataset_version"],
                   "--data_file_path", parameters["data_file_path"],
                   "--caller_run_id", parameters["caller_run_id"],
                   "--dataset_name", env.dataset_name],
        allow_reuse=True, **common)
    register = PythonScriptStep(
        name="Register Model", script_name=env.register_script_path, inputs=[pipeline_data],
        arguments=["--model_name", parameters["model_name"], "--step_input", pipeline_data],
        allow_reuse=False, **common)
    if not env.run_evaluation:
        register.run_after(train)
        return [train, register]
    evaluate = PythonScriptStep(
        name="Evaluate Model", script_name=env.evaluate_script_path,
        arguments=["--model_name", parameters["model_name"],
                   "--allow_run_cancel", str(env.allow_run_cancel).lower()],
        allow_reuse=False, **common)
    evaluate.run_after(train)
    register.run_after(evaluate)
    return [train, evaluate, register]


def main():
    env = read_env_or_exit()
    workspace = get_workspace(env)
    compute = get_compute(workspace, env)
    environment = get_environment(workspace, env)
    default_datastore = workspace.get_default_datastore()
    run_config = run_configuration(environment, env.datastore_name or default_datastore.name)
    pipeline_data = PipelineData("pipeline_data", datastore=default_datastore)
    pipeline = Pipeline(workspace=workspace,
                        steps=build_steps(env, compute, run_config, pipeline_data))
    pipeline.validate()
    published = pipeline.publish(name=env.training_pipeline_name,
                                 description=PIPELINE_DESCRIPTION, version=env.build_id)
    print(f"Published {published.name} version {env.build_id}: id {published.id}")


if __name__ == "__main__":
    main()
