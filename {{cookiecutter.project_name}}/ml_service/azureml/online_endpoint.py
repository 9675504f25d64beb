"""The managed online endpoint: deploy the build's model to it, smoke-test it, delete it.

    python -m ml_service.azureml.online_endpoint deploy      # the model BUILD_ID registered
    python -m ml_service.azureml.online_endpoint smoke_test  # options go to the smoke test
    python -m ml_service.azureml.online_endpoint delete      # after the workshop

Every command reads RESOURCE_GROUP, WORKSPACE_NAME and ENDPOINT_NAME; ``deploy`` also
MODEL_NAME, BUILD_ID and DEPLOYMENT_NAME. ENDPOINT_NAME and DEPLOYMENT_NAME win over the names in
endpoint.yml and deployment.yml, so one pair of files serves every endpoint (GitHub Actions
deploys to a QA one first). ``deploy`` creates the endpoint from endpoint.yml when it is missing
(an existing one keeps its settings), creates or updates the deployment with the model, then
gives that deployment all the traffic, the one change it makes to an existing endpoint; when the
build registered no model (evaluation kept the production model) it deploys nothing and says so.
"""
import argparse
import os
import subprocess
import sys

from ml_service.azureml.settings import AZUREML_DIR, read_settings
from ml_service.azureml.training import registered_version, report
from ml_service.azureml.workspace import ml_client, signed_in

REQUIRED = {"deploy": ("ENDPOINT_NAME", "MODEL_NAME", "BUILD_ID", "DEPLOYMENT_NAME"),
            "smoke_test": ("ENDPOINT_NAME",), "delete": ("ENDPOINT_NAME",)}
SMOKE_TEST = "ml_service.util.smoke_test_scoring_service"


def model_reference(name, version):
    return f"azureml:{name}:{version}"


def traffic_change(current, deployment):
    """The endpoint's new traffic (all of it to ``deployment``), or None when that is what it
    has already; deployments at 0% count as none."""
    wanted = {deployment: 100}
    return None if {name: share for name, share in (current or {}).items() if share} == wanted \
        else wanted


def existing_endpoint(client, name):
    """The endpoint ``name``, or None when it does not exist yet."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        return client.online_endpoints.get(name)
    except ResourceNotFoundError:
        return None


def deploy(client, settings, azureml_dir=AZUREML_DIR):
    """Deploy the model the build registered; its reference, or None when there is none."""
    from azure.ai.ml import load_online_deployment, load_online_endpoint

    version = registered_version(client, settings)
    if version is None:
        print(f"No new model: build {settings['BUILD_ID']} registered no "
              f"{settings['MODEL_NAME']} (production keeps its model), nothing deployed")
        return None
    endpoint_name, deployment_name = settings["ENDPOINT_NAME"], settings["DEPLOYMENT_NAME"]
    model = model_reference(settings["MODEL_NAME"], version)
    endpoint = existing_endpoint(client, endpoint_name)
    if endpoint is None:
        report(f"Creating the endpoint {endpoint_name}")
        endpoint = client.online_endpoints.begin_create_or_update(load_online_endpoint(
            azureml_dir / "endpoint.yml", params_override=[{"name": endpoint_name}])).result()
    report(f"Creating or updating the deployment {deployment_name} with {model}")
    client.online_deployments.begin_create_or_update(load_online_deployment(
        azureml_dir / "deployment.yml", params_override=[
            {"name": deployment_name}, {"endpoint_name": endpoint_name},
            {"model": model}])).result()
    traffic = traffic_change(endpoint.traffic, deployment_name)
    if traffic:
        endpoint.traffic = traffic
        client.online_endpoints.begin_create_or_update(endpoint).result()
    print(f"Deployed {model} to {endpoint_name}/{deployment_name}")
    return model


def scoring_target(client, endpoint_name):
    """(scoring URI, primary key) of the endpoint."""
    endpoint = client.online_endpoints.get(endpoint_name)
    return endpoint.scoring_uri, client.online_endpoints.get_keys(endpoint_name).primary_key


def smoke_test(client, settings, smoke_args, run=subprocess.run):
    """Run the smoke test on the endpoint; its exit code. The key reaches it through its
    environment (SCORING_KEY), never its command line."""
    uri, key = scoring_target(client, settings["ENDPOINT_NAME"])
    return run([sys.executable, "-m", SMOKE_TEST, "--type", "URL", "--service", uri,
                *smoke_args], env={**os.environ, "SCORING_KEY": key}).returncode


def delete(client, endpoint_name):
    """Delete the endpoint and its deployments (they bill while they exist)."""
    client.online_endpoints.begin_delete(name=endpoint_name).result()
    report(f"Deleted the endpoint {endpoint_name}")


def parse_args(argv=None):
    """(arguments, the smoke test's own options)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("deploy", help="deploy the model BUILD_ID registered")
    commands.add_parser("smoke_test", help="score the sample rows on the endpoint (other "
                        f"options go to {SMOKE_TEST}, e.g. --attempts 20)")
    commands.add_parser("delete", help="delete the endpoint")
    args, smoke_args = parser.parse_known_args(argv)
    if smoke_args and args.command != "smoke_test":
        parser.error(f"unrecognized arguments: {' '.join(smoke_args)}")
    return args, smoke_args


def main(argv=None):
    args, smoke_args = parse_args(argv)
    settings = read_settings(REQUIRED[args.command])
    with signed_in():
        client = ml_client(settings)
        if args.command == "deploy":
            deploy(client, settings)
        elif args.command == "smoke_test":
            sys.exit(smoke_test(client, settings, smoke_args))
        else:
            delete(client, settings["ENDPOINT_NAME"])


if __name__ == "__main__":
    main()
