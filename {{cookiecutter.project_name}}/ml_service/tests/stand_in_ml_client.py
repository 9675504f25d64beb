"""A stand-in for azure-ai-ml's MLClient, the Azure boundary of ``ml_service.azureml``.

It has the operations the steps call, answers from what a test gives it, and records each call
as ``(operation, argument)``. Both sides are azure-ai-ml's own entities: the steps send what they
load from the repository's YAML, and the stand-in answers with the entities the real operations
return (a Model, a PipelineJob, a ManagedOnlineEndpoint, ...), so a step that reads an attribute
the real answer lacks fails here too. The real client is built in test_azureml_training; that
each step gets as far as Azure with it, offline, is the template's rehearsal's to prove.
"""
from types import SimpleNamespace

from azure.ai.ml.entities import (Data, EndpointAuthKeys, Environment, JobService,
                                  ManagedOnlineEndpoint, Model, PipelineJob)
from azure.core.exceptions import ResourceNotFoundError


class Poller:
    """What a ``begin_*`` operation returns."""

    def __init__(self, value=None):
        self.value = value

    def result(self):
        return self.value


def model(version, build_id, name="m.pkl"):
    """A registered version of the model, tagged with the build that registered it (None: no
    tag)."""
    return Model(name=name, version=str(version),
                 tags=None if build_id is None else {"BuildId": build_id})


class StandInMLClient:
    def __init__(self, statuses=("Completed",), models=None, endpoint_traffic=None,
                 scoring_uri="https://endpoint.example/score", key="endpoint-key"):
        """``statuses``: the job's status at each ``jobs.get`` (the last one repeats);
        ``models``: the registered versions (None: the model was never registered);
        ``endpoint_traffic``: the existing endpoint's traffic (None: no endpoint yet)."""
        self.calls = []
        self._statuses = list(statuses)
        self._models = models
        self.endpoint = (None if endpoint_traffic is None
                         else ManagedOnlineEndpoint(name="existing",
                                                    traffic=dict(endpoint_traffic),
                                                    scoring_uri=scoring_uri))
        self._scoring_uri, self._key = scoring_uri, key
        self.environments = SimpleNamespace(create_or_update=self._create_environment)
        self.jobs = SimpleNamespace(create_or_update=self._create_job, get=self._get_job,
                                    begin_cancel=self._cancel_job)
        self.models = SimpleNamespace(list=self._list_models)
        self.online_endpoints = SimpleNamespace(
            get=self._get_endpoint, begin_create_or_update=self._put_endpoint,
            get_keys=self._get_keys, begin_delete=self._delete_endpoint)
        self.online_deployments = SimpleNamespace(begin_create_or_update=self._put_deployment)
        self.data = SimpleNamespace(create_or_update=self._create_data)

    def record(self, operation, argument):
        self.calls.append((operation, argument))

    def operations(self):
        return [operation for operation, _ in self.calls]

    def _create_environment(self, environment):
        self.record("environments.create_or_update", environment)
        return Environment(name=environment.name, version="7", image=environment.image)

    def _create_job(self, job):
        self.record("jobs.create_or_update", job)
        return PipelineJob(name="job-123", status="NotStarted", services={
            "Studio": JobService(endpoint="https://ml.azure.com/runs/job-123")})

    def _get_job(self, name):
        self.record("jobs.get", name)
        status = self._statuses.pop(0) if len(self._statuses) > 1 else self._statuses[0]
        return PipelineJob(name=name, status=status)

    def _cancel_job(self, name):
        self.record("jobs.begin_cancel", name)
        return Poller()

    def _list_models(self, name):
        self.record("models.list", name)
        if self._models is None:
            raise ResourceNotFoundError(f"no model {name}")
        return iter(self._models)

    def _get_endpoint(self, name):
        self.record("online_endpoints.get", name)
        if self.endpoint is None:
            raise ResourceNotFoundError(f"no endpoint {name}")
        return self.endpoint

    def _put_endpoint(self, endpoint):
        self.record("online_endpoints.begin_create_or_update", endpoint)
        if self.endpoint is None:
            self.endpoint = ManagedOnlineEndpoint(name=endpoint.name, auth_mode=endpoint.auth_mode,
                                                  scoring_uri=self._scoring_uri)
        else:
            self.endpoint.traffic = dict(endpoint.traffic)
        return Poller(self.endpoint)

    def _get_keys(self, name):
        self.record("online_endpoints.get_keys", name)
        return EndpointAuthKeys(primary_key=self._key, secondary_key="other-key")

    def _delete_endpoint(self, name):
        self.record("online_endpoints.begin_delete", name)
        return Poller()

    def _put_deployment(self, deployment):
        self.record("online_deployments.begin_create_or_update", deployment)
        return Poller(deployment)

    def _create_data(self, data):
        self.record("data.create_or_update", data)
        return Data(name=data.name, version="3", type=data.type, path=data.path)
