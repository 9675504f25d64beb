"""Build the scoring image of a registered model (for the Web App) with the Azure ML SDK v1.

    python -m ml_service.util.package_model --model_version 3

The image is pushed to the workspace's container registry; its location is printed as the
pipeline output variable IMAGE_LOCATION, which the Web App deployment step reads.
"""
import argparse

from azureml.core.model import Model

from ml_service.util.deploy_model import scoring_setup
from ml_service.util.env_variables import read_env_or_exit


def image_location_command(location):
    """The logging command that hands the image location to the next steps."""
    return f"##vso[task.setvariable variable=IMAGE_LOCATION;isOutput=true]{location}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model_version", required=True, type=int,
                        help="registered model version")
    args = parser.parse_args(argv)
    workspace, _, model, inference_config = scoring_setup(read_env_or_exit(), args.model_version)
    package = Model.package(workspace, [model], inference_config)
    package.wait_for_creation(show_output=True)
    print(image_location_command(package.location))


if __name__ == "__main__":
    main()
