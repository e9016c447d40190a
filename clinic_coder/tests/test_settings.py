"""Settings are read at import time, so these run Django in a child process."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "a-real-deployment-would-use-a-random-value-here-42",
    "ALLOWED_HOSTS": "coder.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests' async-safety switch must not leak into a "deployment".
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    child_env = {k: v for k, v in os.environ.items() if k not in dropped}
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deployment_checks_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_flags_a_deployment_that_would_only_print_its_email():
    env = {**PRODUCTION, "EMAIL_HOST": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_it_refuses_the_development_key_in_production():
    env = {**PRODUCTION, "SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_it_reads_postgres_from_database_url():
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'])",
        DATABASE_URL="postgres://u:p@db.internal:5432/coder",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "coder", "db.internal"]


def test_it_defaults_to_sqlite_with_wal_and_immediate_transactions():
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "o = d['OPTIONS']; print(d['ENGINE'], o['transaction_mode'], 'WAL' in o['init_command'])",
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "True"]


def test_it_serves_front_end_libraries_from_static_not_a_cdn():
    base = (ROOT / "templates" / "base.html").read_text()
    assert "http://" not in base and "https://" not in base and "//cdn" not in base
    vendored = ROOT / "static" / "vendor" / "bootstrap"
    assert (vendored / "bootstrap.min.css").stat().st_size > 100_000
    assert (vendored / "bootstrap.bundle.min.js").stat().st_size > 50_000
    assert "django_htmx" in settings.INSTALLED_APPS


def test_it_caches_in_the_database_by_default(db):
    # A table every app process and server reads alike, with no cache server to run.
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("shared-check", "seen by every process", 60)
    assert cache.get("shared-check") == "seen by every process"


def test_it_uses_redis_when_redis_url_is_set():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache"
