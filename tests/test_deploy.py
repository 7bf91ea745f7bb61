"""The Docker deployment (docker-compose.yml, Dockerfile, .env.example) checked without Docker.

No Docker engine runs here: these tests validate the files, not a running stack (docs/deploy.md).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
SOURCE_DIRS = ("wxrb", "processing", "scrapers")

AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "airflow-init",
)
SERVICES = (*AIRFLOW_SERVICES, "redis", "postgres", "articles-db")
ONE_SHOT = {"airflow-init"}
# Read without a default, but unset is the intended production setting: each is an opt-in.
OPT_IN = {
    "REDIS_URL": "unset: one crawl process per task; set: scale-out (docs/scale-out.md)",
    "WXRB_CRAWL_PROFILE": "only the value 'replica' changes anything, and only for the local replica",
}
# ${VAR}, ${VAR:-default}, ${VAR:?message}, ... but not the escaped $${VAR}.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|_KEY\b|TOKEN", re.IGNORECASE)
PLACEHOLDER = re.compile(r"^change-me(-[a-z0-9-]+)?$")
ENV_READ = re.compile(r"""os\.(?:environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']\s*(\))?""")
ENV_INDEX = re.compile(r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def service_env(compose: dict, name: str) -> dict[str, str]:
    env = compose["services"][name].get("environment", {})
    assert isinstance(env, dict), f"{name}: write environment as a mapping"
    return env


def test_compose_file_validates_against_the_compose_specification(compose):
    try:
        import jsonschema
        from check_jsonschema.builtin_schemas import get_builtin_schema
    except ImportError:
        pytest.fail(
            "check-jsonschema is missing: it bundles the Compose Specification schema "
            "(pip install check-jsonschema==0.39.0)"
        )
    validator = jsonschema.Draft202012Validator(get_builtin_schema("vendor.compose-spec"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert not errors, "\n".join(errors)


def test_every_service_is_there_with_a_healthcheck(compose):
    services = compose["services"]
    assert set(SERVICES) <= set(services), f"missing: {set(SERVICES) - set(services)}"
    for name in SERVICES:
        if name not in ONE_SHOT:
            assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
            assert services[name].get("restart") == "always", name
    assert services["airflow-worker"]["command"] == "celery worker"
    assert services["airflow-init"]["restart"] == "no"
    assert "airflow db migrate" in services["airflow-init"]["command"][-1]
    for image in (services[name]["image"] for name in ("redis", "postgres", "articles-db")):
        assert re.fullmatch(r"[a-z]+:\d+\.\d+(\.\d+)?-\w+", image), f"{image}: pin the full tag"


def test_services_start_in_order(compose):
    for name in AIRFLOW_SERVICES:
        depends_on = compose["services"][name]["depends_on"]
        for dependency in ("redis", "postgres", "articles-db"):
            assert depends_on[dependency] == {"condition": "service_healthy"}, (name, dependency)
        if name not in ONE_SHOT:
            assert depends_on["airflow-init"] == {"condition": "service_completed_successfully"}, name


def test_airflow_is_configured_for_celery_and_the_article_database(compose):
    for name in AIRFLOW_SERVICES:
        env = service_env(compose, name)
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
        for key in (
            "AIRFLOW__CELERY__BROKER_URL",
            "AIRFLOW__CELERY__RESULT_BACKEND",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        ):
            assert env[key], (name, key)
        assert "@articles-db" in env["DATABASE_URL"] or "ARTICLES_DB_HOST" in env["DATABASE_URL"]
        assert env["AIRFLOW_CONN_WXRB_ARTICLES"] == env["DATABASE_URL"], name


def test_compose_variables_and_env_example_match():
    text = COMPOSE.read_text(encoding="utf-8")
    used = {match.group(1) for match in INTERPOLATION.finditer(text)}
    declared = set(env_example())
    assert used - declared == set(), "used in docker-compose.yml, missing from .env.example"
    assert declared - used == set(), "declared in .env.example, not used in docker-compose.yml"


def test_secrets_are_required_from_env_with_no_default():
    text = COMPOSE.read_text(encoding="utf-8")
    for match in INTERPOLATION.finditer(text):
        name, operator = match.group(1), match.group(2)
        optional = operator == ":-" and not match.group(3)  # e.g. an SMTP password: empty means off
        if SECRET_NAME.search(name) and not optional:
            assert operator == ":?", f"${{{name}}} must be written ${{{name}:?set {name} in .env}}"


def test_no_literal_secret_in_the_deployment_files():
    for path in (COMPOSE, DOCKERFILE, ENV_EXAMPLE):
        text = INTERPOLATION.sub("<from-env>", path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            where = f"{path.name}:{number}: {line.strip()}"
            for password in re.findall(r"://[^/:@\s]*:([^@\s]+)@", line):
                assert password == "<from-env>", f"password in a URL: {where}"
            setting = re.match(r"\s*(?:ENV\s+|ARG\s+)?-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*(.*)$", line)
            if setting and SECRET_NAME.search(setting.group(1)):
                value = setting.group(2).strip().strip("\"'")
                assert value in ("", "<from-env>") or PLACEHOLDER.match(value) or value.startswith("/"), (
                    f"literal secret: {where}"
                )
    for name, value in env_example().items():
        if SECRET_NAME.search(name):
            assert value == "" or PLACEHOLDER.match(value), (
                f".env.example: {name}: use a change-me-… placeholder"
            )


def project_env_reads() -> dict[str, bool]:
    """Every environment variable the project reads: name -> whether the read has a default."""
    reads: dict[str, bool] = {}
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for match in ENV_READ.finditer(text):
                has_default = match.group(2) is None  # os.environ.get("X", default)
                reads[match.group(1)] = reads.get(match.group(1), True) and has_default
            for match in ENV_INDEX.finditer(text):
                reads[match.group(1)] = False
    return reads


def test_every_setting_without_a_default_reaches_airflow(compose):
    reads = project_env_reads()
    assert {"DATABASE_URL", "WXRB_REPORTS_DIR", "WXRB_PORTAL_URL"} <= set(reads), "the scan found too little"
    required = {name for name, has_default in reads.items() if not has_default} - set(OPT_IN)
    deploy_doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in OPT_IN:
        assert name in reads, f"{name} is no longer read: drop it from OPT_IN"
        assert name in deploy_doc, f"docs/deploy.md should say why {name} is left unset"
    for service in AIRFLOW_SERVICES:
        missing = required - set(service_env(compose, service))
        assert not missing, f"{service} lacks {sorted(missing)}"


def test_logs_and_reports_volumes_are_mounted_where_they_are_written(compose):
    named = set(compose["volumes"])
    for service in AIRFLOW_SERVICES:
        env = service_env(compose, service)
        mounts = dict(volume.split(":")[:2][::-1] for volume in compose["services"][service]["volumes"])
        assert mounts.get("/opt/airflow/logs") in named, f"{service}: logs volume"
        assert mounts.get(env["WXRB_REPORTS_DIR"]) in named, f"{service}: reports volume"
    for database in ("postgres", "articles-db"):
        volume = compose["services"][database]["volumes"][0].split(":")
        assert volume[0] in named and volume[1] == "/var/lib/postgresql/data", database


def test_dockerfile_matches_the_pinned_airflow():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = dict(dep.split("==") for dep in pyproject["project"]["dependencies"] if "==" in dep)
    python = re.search(r"(\d+\.\d+)", pyproject["project"]["requires-python"]).group(1)
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE) == [
        f"apache/airflow:{pins['apache-airflow']}-python{python}"
    ]
    assert "AIRFLOW__CORE__DAGS_FOLDER=/opt/wxrb/dags" in dockerfile
    assert "--no-deps -r requirements.lock" in dockerfile
    assert re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)[-1] == "airflow"
