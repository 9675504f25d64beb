import pytest

from ml_service.util.env_variables import DEFAULTS, EnvError, env_from_mapping, read_env
from ml_service.tests.conftest import complete_environ, env_example


class RecordingEnviron(dict):
    """A mapping that remembers every variable name looked up."""

    def __init__(self, values):
        super().__init__(values)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


def test_env_example_gives_typed_settings(make_env):
    env = make_env()
    assert isinstance(env.min_nodes, int) and 0 <= env.min_nodes <= env.max_nodes
    assert isinstance(env.run_evaluation, bool) and isinstance(env.allow_run_cancel, bool)
    assert env.sources_dir_train == "{{ cookiecutter.project_name }}"
    assert env.build_id == "local"


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_a_variable_left_out_takes_the_value_env_example_gives(name):
    # The code's fallbacks and .env.example come from the same table: they cannot disagree.
    environ = complete_environ()
    assert DEFAULTS[name] == environ.pop(name)
    assert env_from_mapping(environ) == env_from_mapping(complete_environ())


def test_env_example_lists_every_variable_the_settings_read():
    environ = RecordingEnviron(complete_environ())
    env_from_mapping(environ)
    assert len(environ.read) > 20
    assert environ.read <= set(env_example())


@pytest.mark.parametrize("name", ["WORKSPACE_NAME", "MODEL_NAME", "SOURCES_DIR_TRAIN"])
def test_missing_required_variable_is_named(name):
    environ = complete_environ()
    del environ[name]
    with pytest.raises(EnvError, match=f"^{name} is not set"):
        env_from_mapping(environ)


def test_blank_required_variable_counts_as_missing():
    with pytest.raises(EnvError, match="^RESOURCE_GROUP is not set"):
        env_from_mapping(complete_environ(RESOURCE_GROUP="  "))


@pytest.mark.parametrize("name,value,message", [
    ("RUN_EVALUATION", "maybe", "is not a boolean; allowed: true or false"),
    ("AML_CLUSTER_MAX_NODES", "four", "is not a whole number"),
])
def test_malformed_values_are_rejected(name, value, message):
    with pytest.raises(EnvError, match=f"^{name}='{value}' {message}"):
        env_from_mapping(complete_environ(**{name: value}))


def test_read_env_reads_the_environment_when_called(monkeypatch, tmp_path):
    for key, value in complete_environ().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MODEL_NAME", "first.pkl")
    assert read_env(dotenv_path=None).model_name == "first.pkl"
    monkeypatch.setenv("MODEL_NAME", "second.pkl")
    assert read_env(dotenv_path=None).model_name == "second.pkl"


def test_dotenv_fills_gaps_but_never_overrides(monkeypatch, tmp_path):
    environ = complete_environ()
    dotenv = tmp_path / ".env"
    dotenv.write_text("WORKSPACE_NAME=from-dotenv\nMODEL_NAME=from-dotenv.pkl\n",
                      encoding="utf-8")
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("WORKSPACE_NAME")
    monkeypatch.setenv("MODEL_NAME", "from-environment.pkl")
    env = read_env(dotenv_path=dotenv)
    assert env.workspace_name == "from-dotenv"
    assert env.model_name == "from-environment.pkl"
