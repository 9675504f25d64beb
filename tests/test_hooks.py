"""The hooks' logic, tested directly, and every way a bad answer must stop generation cleanly."""
import subprocess

import pytest

from hooks import post_gen_project as post_gen, pre_gen_project as pre_gen
from tests.support.bakes import (bake, bake_once, default_answers, option_values, rendered_answers,
                                 template_answers, writable_copy)
from tests.support.repository import check_answers_stay_text, check_rendered_repository


# --- pre_gen_project: the rules themselves ---------------------------------------------------

def test_default_answers_have_no_problems(default_context):
    assert pre_gen.find_problems(default_context) == []


@pytest.mark.parametrize("name", ["driver_training", "insure_model", "model2", "a_b"])
def test_valid_project_names(name):
    assert pre_gen.project_name_problem(name) is None


@pytest.mark.parametrize("name, problem", [
    ("Driver", "has uppercase letters"),
    ("driver-training", "is not a Python identifier"),
    ("drïver", "is not a Python identifier"),
    ("lambda", "is a Python keyword"),
    ("match", "is a Python keyword"),
    ("logging", "shadows a module the project imports"),
    ("sklearn", "shadows a module the project imports"),
    ("ml_service", "shadows a module the project imports"),
    ("evaluate", "shadows a module the project imports"),
    ("register", "shadows a module the project imports"),
    ("mlflow", "shadows a module the project imports"),
    ("tests_model", "would be collected by pytest as a test module"),
    ("ab", "is 2 characters long"),
])
def test_invalid_project_names(name, problem):
    assert pre_gen.project_name_problem(name) == problem


def test_name_rule_reports_length_before_form():
    rule = pre_gen.NAME_RULES["base_name"]
    assert rule.problem("eyteam1") is None
    assert rule.problem("ab") == "is 2 characters long"
    assert rule.problem("eyteam12345") == "is 11 characters long"
    assert rule.problem("Ey-team") == "has - E"
    assert rule.problem("1eyteam") == "does not have the required form"


@pytest.mark.parametrize("key, value", [
    ("__storage_account", "eyteam1amlsa"),
    ("__storage_account", "a" * 24),
    ("__container_registry", "eyteam1amlcr"),
    ("__key_vault", "eyteam1-AML-KV"),
    ("__key_vault", "a" * 24),
    ("workspace_name", "eyteam1-AML-WS"),
    ("workspace_name", "a" * 33),
    ("resource_group", "rg_(team).1"),
    ("aci_deployment_name", "mlops-aci"),
    ("devops_organization", "https://dev.azure.com/contoso"),
    ("devops_organization", "https://dev.azure.com/a"),
    ("devops_organization", "https://dev.azure.com/contoso-ml/"),
    ("repo_name", "EY_Team1_MLOps.github.io"),
    ("devops_organization", ""),
    ("devops_project", "MCW-EY-DevOps-for-Data-Science"),
    ("devops_project", "team_"),
])
def test_valid_azure_names(key, value):
    assert pre_gen.NAME_RULES[key].problem(value) is None


@pytest.mark.parametrize("key, value", [
    ("__storage_account", "eyteam1-amlsa"),
    ("__storage_account", "a" * 25),
    ("__container_registry", "eyte"),
    ("__key_vault", "eyteam--kv"),
    ("__key_vault", "1eyteam-kv"),
    ("__key_vault", "eyteam-kv-"),
    ("__key_vault", "a" * 25),
    ("workspace_name", "_ws-team"),
    ("workspace_name", "a" * 34),
    ("resource_group", "rg."),
    ("resource_group", "a" * 91),
    ("aci_deployment_name", "mlops-aci-"),
    ("aci_deployment_name", "Mlops-aci"),
    ("devops_organization", "https://contoso.visualstudio.com"),
    ("devops_organization", "https://dev.azure.com/ab-"),
    ("devops_organization", "https://dev.azure.com/-ab"),
    ("repo_name", "EY_Team1_MLOps.git"),
    ("repo_name", "EY_Team1_MLOps.wiki"),
    ("devops_project", "team/project"),
    ("devops_project", "_team"),
    ("devops_project", ".team"),
    ("devops_project", "team."),
    ("__app_insights", "eyteam1-AML-AI."),
])
def test_invalid_azure_names(key, value):
    assert pre_gen.NAME_RULES[key].problem(value) is not None


def problems_of(**overrides):
    """The hook's messages for the answers of a bake with ``overrides``, as cookiecutter runs
    it: with cookiecutter.json as written beside the rendered answers."""
    answers = rendered_answers(**overrides)
    return pre_gen.find_problems(answers, pre_gen.written_over(template_answers(), overrides))


@pytest.mark.parametrize("key", [key for key in pre_gen.CHECKED_KEYS if not key.startswith("_")])
def test_no_answer_can_hold_a_quote_or_a_backslash(key, default_context):
    # The templates quote answers with ' in YAML and dotenv and with " in Terraform and Python,
    # and escape nothing: an answer with one of these characters could not render as typed.
    assert [char for char in "'\"\\"
            if pre_gen.answer_problem(key, f"abc{char}def") is None] == []


def test_a_derived_name_that_fails_with_its_answer_is_reported_once():
    assert problems_of(base_name="EY-T") == [
        "base_name='EY-T': has - E T Y; allowed: " + pre_gen.NAME_RULES["base_name"].allowed]


def test_a_default_computed_from_a_wrong_answer_is_not_blamed():
    # The user typed team_number only: base_name 'eyteamseven' is not theirs to fix.
    [problem] = problems_of(team_number="seven")
    assert problem.startswith("team_number='seven': ")


def test_a_default_failing_on_its_own_names_the_answer_typed():
    [problem] = problems_of(team_number="12345")
    assert problem.startswith("base_name (from team_number)='eyteam12345': is 11 characters")


def test_a_typed_answer_is_blamed_even_when_it_looks_derived():
    problems = problems_of(team_number="seven", base_name="eyteamseven")
    assert [problem.split("=")[0] for problem in problems] == ["team_number", "base_name"]


def test_a_derived_name_failing_alone_names_its_source(default_context):
    answers = {**default_context, "__key_vault": "eyteam1--KV"}
    [problem] = pre_gen.find_problems(answers, template_answers())
    assert problem.startswith("key_vault (from team_number)='eyteam1--KV': ")


def test_the_last_line_says_nothing_was_written_and_what_to_change(default_context):
    problems = problems_of(team_number="12345", variable_group_name="$x")
    summary = pre_gen.failure_summary({**default_context, "_template": "gh:org/t"}, problems)
    assert summary == ("Nothing was written. Run cookiecutter gh:org/t again with another "
                       "team_number and variable_group_name: the lines above say what is allowed.")


def test_every_problem_is_listed_at_once(default_context):
    # An edited replay file can hold a region cookiecutter.json does not offer.
    answers = {**default_context, "team_number": "x", "location": "mars",
               "variable_group_name": " ", "project_name": "Json"}
    problems = pre_gen.find_problems(answers, template_answers())
    assert [problem.split("=")[0] for problem in problems] == [
        "project_name", "team_number", "variable_group_name", "location"]
    assert problems[-1].startswith("location='mars': is not one of the choices; allowed: one of "
                                   "australiaeast, australiasoutheast, ")


def test_answers_arrive_as_json_whatever_they_contain():
    # What cookiecutter's jsonify renders for an answer with quotes, backslashes and braces,
    # inside the hook's raw triple-quoted string, parses back to the same text.
    tricky = 'a"""b\\\\c {{ d }} \'e\' \\"'
    text = pre_gen.json.dumps({"variable_group_name": tricky}, indent=4, sort_keys=True)
    source = f'ANSWERS = r"""{text}"""'
    namespace = {}
    exec(compile(source, "rendered_hook", "exec"), namespace)
    assert pre_gen.load_answers(namespace["ANSWERS"]) == {"variable_group_name": tricky}


# --- pre_gen_project: through cookiecutter ----------------------------------------------------

INVALID_ANSWERS = [
    ({"project_name": "Driver_Training"}, "project_name"),
    ({"project_name": "driver-training"}, "project_name"),
    ({"project_name": "class"}, "project_name"),
    ({"project_name": "json"}, "project_name"),
    ({"project_name": "lightgbm"}, "project_name"),
    ({"project_name": "test_model"}, "project_name"),
    ({"project_name": "1driver"}, "project_name"),
    ({"base_name": "EY-Team7"}, "base_name"),
    ({"base_name": "ey"}, "base_name"),
    ({"base_name": "eyteam12345"}, "base_name"),
    ({"base_name": "7eyteam"}, "base_name"),
    ({"team_number": "seven"}, "team_number"),
    ({"team_number": "-1"}, "team_number"),
    ({"location": "mars"}, "location"),
    ({"iac_tool": "bicep"}, "iac_tool"),
    ({"deploy_aks": "maybe"}, "deploy_aks"),
    ({"resource_group": "rg."}, "resource_group"),
    ({"resource_group": "r" * 91}, "resource_group"),
    ({"workspace_name": "ws"}, "workspace_name"),
    ({"workspace_name": "-eyteam-ws"}, "workspace_name"),
    ({"aci_deployment_name": "MLOps-ACI"}, "aci_deployment_name"),
    ({"aci_deployment_name": "mlops-aci-"}, "aci_deployment_name"),
    ({"variable_group_name": ""}, "variable_group_name"),
    ({"variable_group_name": "vg$(x)"}, "variable_group_name"),
    ({"azure_rm_svc_connection": "conn'x"}, "azure_rm_svc_connection"),
    ({"workspace_svc_connection": "two\nlines"}, "workspace_svc_connection"),
    ({"dataset_name": "-ds"}, "dataset_name"),
    ({"datastore_name": "blob-store"}, "datastore_name"),
    ({"repo_name": "EY Team1"}, "repo_name"),
    ({"repo_name": ".."}, "repo_name"),
    ({"devops_organization": "http://dev.azure.com/eyteam1"}, "devops_organization"),
    ({"devops_project": "MCW/EY"}, "devops_project"),
    # Quotes, a backslash and braces reach the hook intact (cookiecutter renders "{{ }}" itself).
    ({"variable_group_name": 'vg"""\\{x}'}, "variable_group_name"),
]


@pytest.mark.parametrize("overrides, key", INVALID_ANSWERS,
                         ids=[f"{key}={next(iter(o.values()))!r}" for o, key in INVALID_ANSWERS])
def test_invalid_answer_stops_generation_and_leaves_nothing(cookies, tmpdir, capfd, overrides, key):
    result = bake(cookies, **overrides)
    out, err = capfd.readouterr()
    assert result.exit_code != 0
    assert result.project_path is None
    # Choices and booleans are refused by cookiecutter itself, before any hook runs;
    # everything else by the pre-generation hook, one line per problem.
    refused_by_cookiecutter = key in option_values()
    message = str(result.exception) if refused_by_cookiecutter else err
    assert key in message
    if not refused_by_cookiecutter:
        [line] = [line for line in err.splitlines() if line.startswith(f"ERROR: {key}=")]
        assert "; allowed: " in line
        # Only what the user typed is blamed, and the hook's last line says what to re-run.
        assert [line for line in err.splitlines() if line.startswith("ERROR: ")] == [line]
        assert err.splitlines()[-1].startswith("Nothing was written. Run cookiecutter ")
    assert [path for path in tmpdir.join("cookies").visit() if not path.isdir()] == []
    assert [path for path in tmpdir.join("cookies").visit() if path.basename != "bake00"] == []


GITHUB_ACTIONS_WITH_V1 = (
    "ERROR: azureml_sdk='v1': not with orchestrator='github_actions': the workflows run the Azure "
    "ML SDK v2 flow, and v1's published pipelines have no GitHub Actions counterpart (the v1 "
    "Azure/aml-* actions are deprecated): add azureml_sdk=v2; allowed: any azureml_sdk but 'v1' "
    "with orchestrator='github_actions'")


def test_github_actions_with_the_default_sdk_says_to_add_sdk_v2(cookies, tmpdir, capfd):
    """The SDK's default is v1: asking for GitHub Actions alone is told the one answer to add."""
    result = bake(cookies, orchestrator="github_actions")

    assert result.exit_code != 0 and result.project_path is None
    err = capfd.readouterr().err.splitlines()
    assert [line for line in err if line.startswith("ERROR: ")] == [GITHUB_ACTIONS_WITH_V1]
    assert err[-1].startswith("Nothing was written. Run cookiecutter ")
    assert err[-1].endswith(" again with another azureml_sdk: the lines above say what is "
                            "allowed.")
    assert [path for path in tmpdir.join("cookies").visit() if not path.isdir()] == []


def test_github_actions_is_accepted_with_sdk_v2(default_context):
    v2 = {**default_context, "orchestrator": "github_actions", "azureml_sdk": "v2"}
    assert pre_gen.find_problems(v2) == []
    assert pre_gen.find_problems({**v2, "azureml_sdk": "v1"}) == [
        GITHUB_ACTIONS_WITH_V1.removeprefix("ERROR: ")]


def test_there_are_at_least_25_distinct_invalid_answers():
    assert len({repr(overrides) for overrides, _ in INVALID_ANSWERS}) >= 25


# Answers the hook accepts that YAML or JSON would read as something else unquoted (a boolean,
# null, a number, a date, YAML syntax): each must render as exactly the text that was typed.
ODD_ANSWERS = [
    {"dataset_name": "true", "datastore_name": "123"},
    {"dataset_name": "2026-11-27", "datastore_name": "0123"},
    {"dataset_name": "1e3", "datastore_name": "1_000", "workspace_name": "null"},
    {"project_name": "yes", "base_name": "off"},
    {"project_name": "null", "team_number": "0123"},
    {"resource_group": "0x1F", "workspace_name": "2026-11-27"},
    {"aci_deployment_name": "off", "repo_name": "1.5"},
    {"variable_group_name": "yes", "azure_rm_svc_connection": "- item",
     "workspace_svc_connection": "a #b: [c]"},
    {"variable_group_name": "~", "devops_project": "NaN"},
    {"base_name": "true", "iac_tool": "terraform", "resource_group": "1.5e3",
     "workspace_name": "0o17"},
]


@pytest.mark.parametrize("overrides", ODD_ANSWERS, ids=lambda o: ",".join(f"{k}={v}" for k, v
                                                                          in o.items()))
def test_odd_answers_render_as_typed(overrides):
    # The post-generation hook checks each answer where the pipelines need it; then no answer
    # may have turned into a non-text value anywhere.
    project = bake_once(**overrides)
    check_rendered_repository(project)
    check_answers_stay_text(project, overrides)


@pytest.mark.parametrize("sdk", option_values()["azureml_sdk"])
def test_env_example_sourced_by_bash_gives_the_answers_as_typed(sdk):
    # The README loads .env with `set -a && . ./.env`: a resource group may hold parentheses,
    # which bash reads as syntax unless the value is quoted.
    answers = {"azureml_sdk": sdk, "resource_group": "eyteam1(rg)", "dataset_name": "a.b-c"}
    project = bake_once(**answers)
    shown = subprocess.run(
        ["bash", "-c", 'set -a && . ./.env.example && printf "%s\\n" "$RESOURCE_GROUP" '
         '"$DATASET_NAME"'], cwd=project, capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines() == [answers["resource_group"], answers["dataset_name"]]


# --- post_gen_project -------------------------------------------------------------------------

def tree(root):
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_shape_removes_what_the_answers_leave_out_and_moves_alternatives(tmp_path):
    for name in ("ci.yml", "ci.v2.yml", "tf/main.tf", "tf/nested.tf", "notes.md", "keep.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    post_gen.shape(tmp_path, {
        "tf": "False",
        "tf/nested.tf": "True",  # kept by its own condition, gone with its folder
        "notes.md": "False",
        "keep.md": "True",
        "ci.v2.yml": {"when": "True", "to": "ci.yml"},
    })
    assert tree(tmp_path) == {"ci.yml": "ci.v2.yml", "keep.md": "keep.md"}


def test_an_alternative_not_chosen_leaves_its_namesake(tmp_path):
    for name in ("ci.yml", "ci.v2.yml"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    post_gen.shape(tmp_path, {"ci.v2.yml": {"when": "False", "to": "ci.yml"}})
    assert tree(tmp_path) == {"ci.yml": "ci.yml"}


def test_a_path_missing_from_the_repository_is_a_template_bug(tmp_path):
    with pytest.raises(FileNotFoundError):
        post_gen.shape(tmp_path, {"nothing-here.yml": "False"})


@pytest.mark.parametrize("rendered", ["", "yes", "false"])
def test_a_condition_must_render_true_or_false(tmp_path, rendered):
    with pytest.raises(ValueError, match="renders"):
        post_gen.shape(tmp_path, {"file.yml": rendered})


def test_next_steps_with_github_actions_name_the_set_up_and_the_workflows(default_context):
    steps = post_gen.next_steps({**default_context, "orchestrator": "github_actions",
                                 "azureml_sdk": "v2", "iac_tool": "terraform"})
    assert "python environment_setup/github_setup.py --dry-run" in steps
    assert "resource group eyteam1-AML-RG" in steps
    assert ".github/workflows/infrastructure-terraform.yml" in steps
    assert "Azure DevOps" not in steps and ".pipelines" not in steps


def test_parse_problems_names_the_file(tmp_path):
    (tmp_path / "ok.yml").write_text("a: [1, 2]\n")
    (tmp_path / "bad.yml").write_text("a: [1, 2\n")
    (tmp_path / "bad.json").write_text('{"a": }')
    problems = post_gen.parse_problems(tmp_path)
    assert [problem.split(" ")[0] for problem in problems] == ["bad.json", "bad.yml"]


def test_expectations_hold_in_the_default_project(default_project, default_context):
    assert post_gen.expectation_problems(default_project, default_context) == []


def test_expectations_catch_an_answer_that_is_missing(default_project, default_context, tmp_path):
    copy = writable_copy(default_project, tmp_path)
    env = copy / ".env.example"
    env.write_text(env.read_text().replace("BASE_NAME='eyteam1'", "BASE_NAME='eyteam2'"))
    [problem] = post_gen.expectation_problems(copy, default_context)
    assert problem == ".env.example: expected base_name='eyteam1' there, found 'eyteam2'"


def test_next_steps_use_the_teams_names(default_context):
    steps = post_gen.next_steps({**default_context, "team_number": "7", "base_name": "eyteam7"})
    assert "team 7" in steps and "BASE_NAME=eyteam7" in steps
    assert default_context["variable_group_name"] in steps
    assert "Model-Train-Register-CI" in steps
    # By default the set-up script prints the service connections' steps; it does not create them.
    assert "the service connections and the pipelines" not in steps
    assert "python -m ml_service.util.register_dataset" in steps


def test_next_steps_of_v2_register_the_data_asset(default_context):
    steps = post_gen.next_steps({**default_context, "azureml_sdk": "v2"})
    assert "(python -m ml_service.azureml.register_data)" in steps
    assert "register_dataset" not in steps and "az ml" not in steps


def test_next_steps_say_what_the_setup_script_does_by_default(default_context):
    steps = " ".join(post_gen.next_steps(default_context).split())
    # The set-up comes first: make install before pre-commit install, right after git init.
    assert steps.index("make install") < steps.index("git init -b main && pre-commit install")
    assert ("creates or updates the variable group devopsforai-aml-vg (7 variables, open to all "
            "pipelines) and creates the pipelines IaC-Create-Environment, Model-Train-Register-CI "
            "and Model-Deploy-CD from their YAML, without running them") in steps
    assert ("creates the connection azure-resource-connection only with --service-principal-id "
            "<appId>, else prints the portal steps, as it always does for "
            "aml-workspace-connection") in steps
    # The README's order after the set-up script: infrastructure, workspace connection, data, CI.
    assert ("Run IaC-Create-Environment (environment_setup/iac-create-environment-pipeline-arm"
            ".yml), create aml-workspace-connection, register your data (python -m "
            "ml_service.util.register_dataset --file <csv>), then run "
            "Model-Train-Register-CI") in steps
    # No organization was answered: the script's own sources of one are named instead.
    assert "in your organization (--organization, or 'az devops configure --defaults')" in steps


def test_defaults_are_the_workshop_answers():
    defaults = default_answers()
    assert (defaults["team_number"], defaults["project_name"], defaults["location"]) == (
        "1", "driver_training", "australiaeast")
    assert defaults["run_evaluation"] is False


# --- azureml_sdk=v2: its endpoint name and the combinations it refuses ------------------------

@pytest.mark.parametrize("overrides, line_start", [
    ({"azureml_sdk": "v2", "deploy_aks": True},
     "ERROR: deploy_aks=True: not with azureml_sdk='v2'"),
    ({"azureml_sdk": "v2", "deploy_webapp": True},
     "ERROR: deploy_webapp=True: not with azureml_sdk='v2'"),
    ({"azureml_sdk": "v2", "project_name": "driver_training_for_all_teams"},
     "ERROR: online_endpoint_name (from team_number, project_name)="
     "'eyteam1-driver-training-for-all-teams': is 37 characters long"),
], ids=["aks", "webapp", "endpoint-name"])
def test_v2_refusals_stop_generation_with_one_line_and_leave_nothing(
        cookies, tmpdir, capfd, overrides, line_start):
    result = bake(cookies, **overrides)
    _, err = capfd.readouterr()
    assert result.exit_code != 0 and result.project_path is None
    [line] = [line for line in err.splitlines() if line.startswith("ERROR: ")]
    assert line.startswith(line_start) and "; allowed: " in line
    assert [path for path in tmpdir.join("cookies").visit() if not path.isdir()] == []


def test_the_endpoint_name_is_checked_only_when_v2_uses_it():
    # The manifest renders the name of a resource the answers do not create empty.
    long_name = {"project_name": "driver_training_for_all_teams"}
    assert rendered_answers(**long_name)["__resources"]["__online_endpoint_name"]["name"] == ""
    assert problems_of(**long_name) == []
    assert len(problems_of(azureml_sdk="v2", **long_name)) == 1


def test_a_name_of_a_resource_the_answers_do_not_create_is_not_checked():
    assert problems_of(azureml_sdk="v2", aci_deployment_name="Not-Used") == []
    [problem] = problems_of(aci_deployment_name="Not-Used")
    assert problem.startswith("aci_deployment_name='Not-Used': has N U")


def test_the_endpoint_name_blames_every_answer_it_is_built_from():
    """The endpoint's name is built from base_name and project_name (cookiecutter.json as
    written says so); the line says how long project_name may be with that base_name."""
    [problem] = problems_of(azureml_sdk="v2", base_name="abcdefghij",
                            project_name="driver_training_v2xyzw")
    assert problem == (
        "online_endpoint_name (from base_name, project_name)='abcdefghij-driver-training-v2xyzw': "
        "is 33 characters long; allowed: 3 to 32 letters, digits and hyphens, starting with a "
        "letter, not ending in a hyphen (so a project_name of at most 21 characters with "
        "base_name='abcdefghij')")
    # With GitHub Actions the QA endpoint's name, 3 characters longer, leaves less room.
    [problem] = problems_of(azureml_sdk="v2", orchestrator="github_actions",
                            base_name="abcdefghij", project_name="driver_training_v2xyzw")
    assert problem.endswith("(so a project_name of at most 18 characters with "
                            "base_name='abcdefghij')")


def test_the_hook_reads_cookiecutter_json_from_the_template_folder(tmp_path):
    """cookiecutter names the template folder (``_repo_dir``); cruft's update does not, and then
    a derived name is blamed alone."""
    written = '{"project_name": "driver_training_v2xyzw", "location": ["eastus"]}'
    (tmp_path / "cookiecutter.json").write_text(
        '{"project_name": "x", "location": ["eastus", "westus"], "__n": "{{ cookiecutter.x }}"}',
        encoding="utf-8")
    assert pre_gen.load_template({"_repo_dir": str(tmp_path)}, written) == {
        "project_name": "driver_training_v2xyzw", "location": ["eastus", "westus"],
        "__n": "{{ cookiecutter.x }}"}
    assert pre_gen.load_template({}, "{}") == {}
    answers = rendered_answers(azureml_sdk="v2", base_name="abcdefghij",
                               project_name="driver_training_v2xyzw")
    [problem] = pre_gen.find_problems(answers, pre_gen.load_template(answers, "{}"))
    assert problem.startswith("online_endpoint_name='abcdefghij-driver-training-v2xyzw': ")


@pytest.mark.parametrize("value", ["eyteam1-driver-training", "abc", "a" * 32, "a1-b2"])
def test_valid_endpoint_names(value):
    assert pre_gen.NAME_RULES["__online_endpoint_name"].problem(value) is None


@pytest.mark.parametrize("value", ["ab", "a" * 33, "1team-ep", "team_ep", "team-ep-", "-team"])
def test_invalid_endpoint_names(value):
    # Azure's rule (3 to 32 characters); azure-ai-ml's loader checks only the form, so the hook
    # checks the length.
    assert pre_gen.NAME_RULES["__online_endpoint_name"].problem(value) is not None


def test_the_qa_endpoint_name_is_checked_only_with_github_actions():
    # eyteam1-driver-training-for-al is 30 characters, its QA endpoint 33.
    long_name = {"azureml_sdk": "v2", "project_name": "driver_training_for_al"}
    assert problems_of(**long_name) == []
    assert problems_of(orchestrator="github_actions", **long_name) == [
        "qa_online_endpoint_name (from team_number, project_name)="
        "'eyteam1-driver-training-for-al-qa': is 33 characters long; allowed: 3 to 32 letters, "
        "digits and hyphens, starting with a letter, not ending in a hyphen (so a project_name "
        "of at most 21 characters with base_name='eyteam1')"]
