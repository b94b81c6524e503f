"""The deployment files name things that exist.

No Docker engine runs where the tests run, so docker-compose.yml and the Dockerfile are
read, not started: every module, app and class the Django services name must import,
the backing services are the versions we support, every service reports its health,
and README.md documents every environment variable that settings.py reads.
"""

import importlib
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from django.core.management import get_commands
from django.urls import reverse
from kombu.utils.imports import symbol_by_name

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict = COMPOSE["services"]
DJANGO_IMAGE = COMPOSE["x-django"]["image"]
DJANGO_SERVICES = sorted(
    name for name, service in SERVICES.items() if service.get("image") == DJANGO_IMAGE
)
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def words(command) -> list[str]:
    """A compose command (string or list, maybe `sh -c "..."`) as one list of words."""
    parts = shlex.split(command) if isinstance(command, str) else list(command)
    if parts[:2] == ["sh", "-c"]:
        return [w for w in shlex.split(parts[2]) if w not in {"&&", ";"}]
    return parts


def option(parts: list[str], *names: str) -> str | None:
    for i, word in enumerate(parts):
        if word in names:
            return parts[i + 1]
        for name in names:
            if name.startswith("--") and word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def commands_of(service: dict) -> list[list[str]]:
    """The service's command and its healthcheck command, as lists of words."""
    found = [words(service["command"])] if "command" in service else []
    test = service.get("healthcheck", {}).get("test")
    if test and test[0] == "CMD-SHELL":
        found.append(shlex.split(test[1]))
    elif test and test[0] == "CMD":
        found.append(list(test[1:]))
    return found


def check_names_real_code(parts: list[str]) -> str:
    """Import whatever the command names; return what it runs ("gunicorn", ...)."""
    program = Path(parts[0]).name
    if program == "gunicorn":
        module, _, attribute = parts[1].partition(":")
        application = getattr(importlib.import_module(module), attribute or "application")
        assert callable(application)
    elif program == "celery":
        app_name = option(parts, "-A", "--app")
        assert app_name, f"celery without -A: {parts}"
        app = find_app(app_name)
        assert isinstance(app, Celery)
        assert app is importlib.import_module("safetyzone.celery").app
        scheduler = option(parts, "-S", "--scheduler")
        if scheduler:
            assert issubclass(symbol_by_name(scheduler), Scheduler)
    elif program == "python" and parts[1] == "manage.py":
        assert parts[2] in get_commands(), f"no management command {parts[2]}"
        program = f"manage.py {parts[2]}"
    elif program == "python" and parts[1].startswith("scripts/"):
        assert (ROOT / parts[1]).is_file(), f"{parts[1]} is missing"
        program = parts[1]
    else:
        pytest.fail(f"unexpected program in a Django service: {parts}")
    return program


def test_web_worker_and_beat_share_the_django_anchor():
    assert "x-django: &django" in COMPOSE_TEXT
    assert DJANGO_SERVICES == ["beat", "web", "worker"]
    assert COMPOSE_TEXT.count("<<: *django") == 3
    assert COMPOSE["x-django"]["env_file"]
    assert COMPOSE["x-django"]["environment"]["DJANGO_ENV"] == "production"


@pytest.mark.parametrize("name", DJANGO_SERVICES)
def test_django_services_name_real_modules(name):
    programs = set()
    for parts in commands_of(SERVICES[name]):
        # `sh -c "a && exec b"`: check every program of the chain.
        chain, current = [], []
        for word in parts:
            if word == "exec":
                continue
            if word in {"python", "gunicorn", "celery"} and current:
                chain.append(current)
                current = []
            current.append(word)
        chain.append(current)
        programs.update(check_names_real_code(part) for part in chain)
    expected = {"web": "gunicorn", "worker": "celery", "beat": "celery"}[name]
    assert expected in programs


def test_web_runs_the_wsgi_application_and_migrates_first():
    parts = words(SERVICES["web"]["command"])
    assert parts[:4] == ["python", "manage.py", "migrate", "--noinput"]
    assert "safetyzone.wsgi:application" in parts


def test_worker_and_beat_run_the_right_celery_programs():
    worker = words(SERVICES["worker"]["command"])
    beat = words(SERVICES["beat"]["command"])
    assert "worker" in worker
    assert "beat" in beat
    scheduler = "django_celery_beat.schedulers:DatabaseScheduler"
    assert option(beat, "-S", "--scheduler") == scheduler


def test_backing_services_are_postgres_16_and_redis_7():
    assert SERVICES["postgres"]["image"].split(":")[1].split("-")[0] == "16"
    assert SERVICES["redis"]["image"].split(":")[1].split("-")[0].split(".")[0] == "7"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name):
    healthcheck = SERVICES[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}


def test_the_web_healthcheck_asks_healthz():
    assert SERVICES["web"]["healthcheck"]["test"][1:] == ["python", "scripts/healthcheck.py", "web"]
    assert reverse("healthz") == "/healthz"
    assert '"/healthz"' in (ROOT / "scripts" / "healthcheck.py").read_text()


@pytest.mark.django_db(transaction=True)
def test_the_web_healthcheck_script_passes_against_a_live_server(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "healthcheck.py"), "web", port],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_healthcheck_sends_an_allowed_host():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "scripts/healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    assert healthcheck.request_host("") == "localhost"
    assert healthcheck.request_host("*, .example.org") == "example.org"
    assert healthcheck.request_host("aqy.gaoxin.gov.cn,localhost") == "aqy.gaoxin.gov.cn"


def test_volumes_keep_the_data():
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "media:/app/var/media" in COMPOSE["x-django"]["volumes"]
    assert set(COMPOSE["volumes"]) >= {"postgres-data", "redis-data", "media"}


def published_ports(service: dict) -> list[tuple[str, str]]:
    """(host address, container port) of each published port, short or long syntax."""
    found = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            found.append((entry.get("host_ip", ""), str(entry["target"])))
        else:
            # "[host_ip:][host_port:]container_port"; ${WEB_PORT:-8000} holds a colon too.
            parts = re.sub(r"\$\{[^}]*\}", "PORT", str(entry)).split(":")
            found.append((parts[0] if len(parts) == 3 else "", parts[-1]))
    return found


def test_only_web_publishes_a_port_and_only_on_the_loopback_address():
    """The reverse proxy on the host is the way in: the port is not open to the network."""
    assert published_ports(SERVICES["web"]) == [("127.0.0.1", "8000")]
    assert SERVICES["web"]["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:8000"]
    for name, service in SERVICES.items():
        if name != "web":
            assert not published_ports(service), f"{name} publishes a port"


def test_mail_written_to_files_goes_to_a_named_volume(settings):
    """Without EMAIL_URL, mail is written to $VAR_DIR/mail (/app/var/mail in the image):
    a named volume there keeps it out of the container's own layer."""
    assert settings.EMAIL_FILE_PATH == settings.VAR_DIR / "mail"
    assert "/app/var/mail" in DOCKERFILE  # created, owned by the app's user
    mounts = dict(volume.split(":", 1)[::-1] for volume in COMPOSE["x-django"]["volumes"])
    assert mounts["/app/var/mail"] == "mail"
    assert "mail" in COMPOSE["volumes"]  # named, not a path on the host
    for name in DJANGO_SERVICES:  # through the anchor, not overridden
        assert "mail:/app/var/mail" in SERVICES[name]["volumes"], name


def test_dockerfile_installs_a_cjk_font_and_runs_as_a_user():
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", DOCKERFILE, re.M)
    install = re.search(r"apt-get install[^&]*", DOCKERFILE, re.S)
    assert install, "the Dockerfile installs no Debian packages"
    assert "fonts-noto-cjk" in install.group(0)
    assert "libpango-1.0-0" in install.group(0)  # WeasyPrint
    assert "pip install -r requirements.txt" in DOCKERFILE
    assert "collectstatic" in DOCKERFILE
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.M)
    assert users and users[-1] not in {"root", "0"}
    cmd = re.search(r"^CMD\s+(\[.*?\])\s*$", DOCKERFILE, re.M | re.S)
    assert cmd and '"safetyzone.wsgi:application"' in cmd.group(1)


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def settings_variables() -> set[str]:
    text = (ROOT / "safetyzone" / "settings.py").read_text()
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    names |= set(re.findall(r"[\"']([A-Z][A-Z0-9_]*)[\"']\s+in\s+env\b", text))
    return names


def test_readme_documents_every_environment_variable():
    names = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DEMO_PASSWORD"} <= names
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document {missing}"
