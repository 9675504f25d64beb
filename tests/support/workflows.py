"""GitHub Actions workflows as GitHub reads them: the files, their triggers, the contexts their
``${{ }}`` expressions see (``github_expressions`` evaluates them), the environment of each
``run:`` step, the generated set-up script's configuration, and the subjects of the jobs that
sign in to Azure."""
import re

from tests.support.bakes import generated_module
from tests.support.github_expressions import evaluate, truthy
from tests.support.repository import load

# A ``${{ }}`` expression inside a value, its text as the group.
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*}}")
# A run on main after a push (Deploy's: after a Train run).
GITHUB_CONTEXT = {"run_id": "1234", "sha": "0" * 40, "server_url": "https://github.com",
                  "repository": "contoso/repo", "event_name": "push", "ref": "refs/heads/main",
                  "event": {"workflow_run": {"id": "1234", "conclusion": "success"}}}
# Steps that sign in to Azure: azure/login, or Terraform's own OIDC (ARM_USE_OIDC).
SIGN_IN_ACTIONS = ("azure/login", "hashicorp/setup-terraform")


def workflow_files(project):
    return sorted((project / ".github" / "workflows").glob("*.yml"))


class StepOutputs(dict):
    """Any output of an earlier step, as a placeholder that names it (the step did not run)."""

    def __init__(self, step_id):
        super().__init__()
        self.step_id = step_id

    def get(self, name, default=None):
        return f"<steps.{self.step_id}.outputs.{name}>"


def fill(value, context):
    """A workflow value with its ``${{ }}`` expressions as GitHub fills them in."""
    def text(match):
        result = evaluate(match.group(1), context)
        if result is None:
            raise AssertionError(f"the rehearsal does not know ${{{{ {match.group(1)} }}}}")
        return str(result).lower() if isinstance(result, bool) else str(result)
    return EXPRESSION.sub(text, str(value))


def run_steps(project, context):
    """(workflow file, job id, job, step, env) of every ``run:`` step of the workflows, its
    ``env`` as GitHub gives it in ``context`` (``github``, ``vars``, ``inputs``): the
    workflow's, the job's and the step's ``env:``, their expressions filled in, an earlier
    step's output a placeholder that names it."""
    for path in workflow_files(project):
        workflow = load(path)
        workflow_env = {name: fill(value, context)
                        for name, value in (workflow.get("env") or {}).items()}
        for job_id, job in workflow["jobs"].items():
            job_context = {**context, "env": workflow_env}
            job_env = {**workflow_env, **{name: fill(value, job_context)
                                          for name, value in (job.get("env") or {}).items()}}
            step_context = {**job_context, "env": job_env,
                            "steps": {step["id"]: {"outputs": StepOutputs(step["id"])}
                                      for step in job.get("steps", []) if "id" in step}}
            for step in job.get("steps", []):
                if "run" in step:
                    yield path, job_id, job, step, {
                        **job_env, **{name: fill(value, step_context)
                                      for name, value in (step.get("env") or {}).items()}}


def triggers(workflow):
    # YAML 1.1 reads the key `on` as True.
    return workflow.get("on", workflow.get(True))


def load_setup_script(project):
    """The generated ``environment_setup/github_setup.py`` as a module."""
    return generated_module(project, "environment_setup/github_setup.py")


def setup_config(project):
    setup = load_setup_script(project)
    return setup, setup.load_config(project / "environment_setup" / "github.json")


def signs_in(job):
    return any(step.get("uses", "").split("@")[0] in SIGN_IN_ACTIONS
               for step in job.get("steps", []))


def expression_context(workflow, event, variables, job=None):
    """What GitHub gives a job's conditions and inputs: a run for ``event`` on main (a pull
    request's merge ref for pull requests), the repository variables, a confirmed teardown, a
    successful Train run, and outputs from every needed job."""
    context = {
        "github": {"event_name": event,
                   "ref": "refs/pull/1/merge" if event == "pull_request" else "refs/heads/main",
                   "event": {"workflow_run": {"conclusion": "success"}}},
        "vars": variables, "inputs": {"confirm": variables.get("RESOURCE_GROUP")},
        "needs": {name: {"outputs": {output: "1" for output in needed.get("outputs", {})}}
                  for name, needed in workflow["jobs"].items()},
    }
    if job is not None:
        context["env"] = {**workflow.get("env", {}), **job.get("env", {})}
    return context


def jobs_that_run(workflow, event, variables):
    """The jobs GitHub runs for ``event``: those whose ``if`` holds and whose needed jobs ran
    (without a status function, a job whose need was skipped is skipped)."""
    ran = []
    for job_id, job in workflow["jobs"].items():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        condition = str(job.get("if", "true"))
        if all(need in ran for need in needs) and truthy(
                evaluate(condition, expression_context(workflow, event, variables))):
            ran.append(job_id)
    return ran


def client_id_variable(workflow, job, event, names):
    """The repository variable a signing-in job's client id comes from, for ``event``: its
    azure/login ``client-id``, else Terraform's ``ARM_CLIENT_ID``. Each variable holds its own
    name here, so the expression's value names it."""
    inputs = [step.get("with", {}).get("client-id") for step in job["steps"]
              if step.get("uses", "").startswith("azure/login@")]
    expression = inputs[0] if inputs else {**workflow.get("env", {}),
                                           **job.get("env", {})}["ARM_CLIENT_ID"]
    return evaluate(expression, expression_context(workflow, event, names, job))


def signed_in_subjects(project, config):
    """Client-id variable -> the subjects (``ref:...``, ``pull_request``, ``environment:...``)
    of every job that signs in with it, on every event of its workflow."""
    names = {name: name for name in setup_variable_names(project, config)}
    subjects = {}
    for path in workflow_files(project):
        workflow = load(path)
        for event in triggers(workflow):
            for job_id in jobs_that_run(workflow, event, names):
                job = workflow["jobs"][job_id]
                if not signs_in(job):
                    continue
                environment = job.get("environment")
                if isinstance(environment, dict):
                    environment = environment["name"]
                subject = (f"environment:{environment}" if environment
                           else "pull_request" if event == "pull_request"
                           else "ref:refs/heads/main")
                variable = client_id_variable(workflow, job, event, names)
                subjects.setdefault(variable, set()).add(subject)
    return subjects


def setup_variable_names(project, config):
    return load_setup_script(project).repository_variable_names(config)
