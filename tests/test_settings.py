"""Settings read from the environment, checked in a fresh interpreter each time: the
test process has already loaded its own settings, and these must not leak in."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Read back in the child as JSON; paths are strings.
DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(s.DATABASES["default"]["NAME"]),
    "DB_HOST": s.DATABASES["default"].get("HOST", ""),
    "BROKER": s.CELERY_BROKER_URL,
    "EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION", ""),
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": str(getattr(s, "EMAIL_FILE_PATH", "")),
    "MEDIA_ROOT": str(s.MEDIA_ROOT),
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
    "TIME_ZONE": s.TIME_ZONE,
    "USE_TZ": s.USE_TZ,
    "DEBUG": s.DEBUG,
    "HEALTHZ_CHECK_BROKER": s.HEALTHZ_CHECK_BROKER,
}))
"""


def clean_env(**extra: str) -> dict[str, str]:
    """Only what a Python needs to run, plus ``extra``: no DATABASE_URL, REDIS_URL..."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env["DJANGO_SETTINGS_MODULE"] = "safetyzone.settings"
    env.update(extra)
    return env


def run_python(code: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_settings(**extra: str) -> dict:
    result = run_python(DUMP, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_gives_the_embedded_defaults():
    s = load_settings()
    var = BASE_DIR / "var"
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(s["DB_NAME"]) == var / "db.sqlite3"
    assert s["BROKER"] == "memory://"
    assert s["EAGER"] is True
    assert s["HEALTHZ_CHECK_BROKER"] is False
    assert s["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(s["EMAIL_FILE_PATH"]) == var / "mail"
    assert Path(s["MEDIA_ROOT"]) == var / "media"
    assert s["LANGUAGE_CODE"] == "zh-hans"
    assert s["TIME_ZONE"] == "Asia/Shanghai"
    assert s["USE_TZ"] is True
    assert s["DEBUG"] is True


def test_database_url_selects_postgresql():
    s = load_settings(DATABASE_URL="postgres://safety:secret@db.internal:5432/safetyzone")
    assert s["ENGINE"] == "django.db.backends.postgresql"
    assert s["DB_NAME"] == "safetyzone"
    assert s["DB_HOST"] == "db.internal"


def test_redis_url_selects_the_redis_broker_and_cache():
    s = load_settings(REDIS_URL="redis://cache.internal:6379/2")
    assert s["BROKER"] == "redis://cache.internal:6379/2"
    assert s["EAGER"] is False
    assert s["HEALTHZ_CHECK_BROKER"] is True
    assert s["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHE_LOCATION"] == "redis://cache.internal:6379/2"


def test_var_dir_moves_every_local_file():
    s = load_settings(VAR_DIR="/srv/safetyzone")
    assert s["DB_NAME"] == "/srv/safetyzone/db.sqlite3"
    assert s["EMAIL_FILE_PATH"] == "/srv/safetyzone/mail"
    assert s["MEDIA_ROOT"] == "/srv/safetyzone/media"


def test_production_without_a_secret_key_refuses_to_start():
    result = run_python(DUMP, DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="safety.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def production_env() -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "safety.example.org",
    }


def test_production_settings_are_not_debug():
    s = load_settings(**production_env())
    assert s["DEBUG"] is False


def test_check_deploy_is_clean_in_production():
    env = clean_env(**production_env())
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output
