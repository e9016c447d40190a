"""Command line and order of events of scripts/bench; see the README's Benchmark section.

Only the standard library is imported at the top: Django is set up once the throwaway
database exists and the environment points at it.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from .report import Row, ms, table
from .web import FEEDBACK, Answer, Client, Server, deadline_burst, submit

if TYPE_CHECKING:
    from .seed import BurstCohort, SeededCohort

QUICK = {"sizes": [10], "attempts": 3, "requests": 20, "burst": 20}


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    attempts: int
    requests: int
    burst: int
    burst_connections: int
    seed: int
    time_limit: float
    json_path: Path | None


@dataclass(frozen=True)
class Target:
    """One page as one persona asks for it. A submit GETs the case page for a fresh draft
    (not timed), then POSTs the answer (timed)."""

    page: str
    students: int | None
    persona: str  # a username; "" is anonymous
    path: str
    expect: int = 200
    submit: bool = False


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Seed a throwaway database, serve it with gunicorn, measure every page.",
    )
    parser.add_argument("--sizes", default="30,300,1000", help="cohort sizes (students)")
    parser.add_argument("--attempts", type=int, default=15, help="graded attempts per student")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--burst", type=int, default=1000, help="simultaneous submitters, 0: none")
    parser.add_argument(
        "--burst-connections", type=int, default=100, help="client connections in the burst"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the answers and variants")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=3600,
        help="seconds for the timed rounds; rounds stop early past it (n shows how many ran)",
    )
    parser.add_argument("--json", type=Path, dest="json_path", help="also write results here")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one cohort of 10, 3 attempts each, 20 requests per page, a burst of 20 (for CI)",
    )
    args = parser.parse_args(argv)
    values = {
        "sizes": [int(size) for size in args.sizes.split(",") if size.strip()],
        "attempts": args.attempts,
        "requests": args.requests,
        "burst": args.burst,
    }
    if args.quick:
        values |= QUICK
    if not values["sizes"] or min(values["sizes"]) < 1 or values["requests"] < 1:
        parser.error("--sizes needs positive numbers and --requests at least 1")
    return Options(
        **values,
        burst_connections=max(1, args.burst_connections),
        seed=args.seed,
        time_limit=args.time_limit if not args.quick else min(args.time_limit, 120),
        json_path=args.json_path,
    )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def throwaway_database(workdir: Path) -> Iterator[str]:
    """A fresh SQLite file in workdir, or <name>_bench on DATABASE_URL's PostgreSQL server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url or url.startswith("sqlite"):
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'clinic_coder'}_bench"
    with psycopg.connect(url, autocommit=True) as server:
        try:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            # Never dropped here: it may be another run's, still going.
            raise RuntimeError(
                f"database {name} exists: another benchmark is running, or a killed one left "
                f"it behind (then drop it: DROP DATABASE {name})"
            ) from None
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as server:
            server.execute(drop)


def environment(database_url: str, workdir: Path) -> dict[str, str]:
    """Production settings (DEBUG off), over plain HTTP on 127.0.0.1."""
    return {
        "DJANGO_SETTINGS_MODULE": "clinic_coder.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def targets_for(cohort: "SeededCohort") -> list[Target]:
    """The pages of issue 10's table, for one cohort, with the personas who read them."""
    teach = f"/teach/cohorts/{cohort.cohort_id}"
    analysis = f"{teach}/assignments/{cohort.assignment_id}/analysis/"
    case = f"/practice/assignments/{cohort.assignment_id}/cases/{cohort.case_slug}/"
    pages = [
        ("skills heatmap", cohort.instructor, f"{teach}/heatmap/"),
        ("attempts CSV export", cohort.instructor, f"{teach}/attempts.csv"),
        ("gradebook CSV export", cohort.instructor, f"{teach}/gradebook.csv"),
        ("supervisor dashboard", cohort.supervisor, "/overview/"),
        ("item analysis", cohort.instructor, analysis),
        ("gradebook", cohort.instructor, f"{teach}/gradebook/"),
        ("gradebook by mean", cohort.instructor, f"{teach}/gradebook/?sort=-mean"),
        ("roster", cohort.instructor, f"/teach/cohorts/{cohort.cohort_id}/"),
        ("student home", cohort.student, "/practice/"),
        ("case player", cohort.student, case),
        ("feedback page", cohort.student, f"/practice/attempts/{cohort.attempt_id}/"),
        ("progress page", cohort.student, "/progress/"),
    ]  # fmt: skip
    targets = [Target(page, cohort.size, persona, path) for page, persona, path in pages]
    submitted = (
        f"/practice/assignments/{cohort.submit_assignment_id}/cases/{cohort.submit_case_slug}/"
    )
    targets.append(
        Target("submit (POST, graded)", cohort.size, cohort.submitter, submitted, 302, True)
    )
    return targets


BASELINE = Target("healthz (baseline)", None, "", "/healthz")


def hit(client: Client, target: Target) -> Answer:
    if target.submit:
        return submit(client, target.path, client.open_case(target.path))
    return client.get(target.path)


def as_expected(answer: Answer, target: Target) -> bool:
    if answer.status != target.expect:
        return False
    return not target.submit or FEEDBACK.search(answer.location) is not None


def measure(
    port: int, targets: list[Target], options: Options
) -> tuple[dict[Target, list[float]], dict[Target, int]]:
    """Round robin over every target, one request at a time, after one untimed round."""
    from .seed import PASSWORD

    clients = {"": Client(port)}
    for persona in sorted({target.persona for target in targets} - {""}):
        clients[persona] = Client(port)
        clients[persona].log_in(persona, PASSWORD)
    seconds: dict[Target, list[float]] = {target: [] for target in targets}
    unexpected: dict[Target, int] = dict.fromkeys(targets, 0)
    deadline = time.monotonic() + options.time_limit
    reported = time.monotonic()
    for round_number in range(options.requests + 1):
        if time.monotonic() > deadline:
            log(f"Time limit reached: {round_number - 1} timed rounds of {options.requests}")
            break
        for target in targets:
            try:
                answer = hit(clients[target.persona], target)
            except (OSError, RuntimeError) as error:
                unexpected[target] += 1
                log(f"  {target.page} ({target.students}): {error}")
                continue
            if not as_expected(answer, target):
                unexpected[target] += 1
                log(f"  {target.page} ({target.students}): HTTP {answer.status} {target.path}")
            elif round_number > 0:  # round 0 warms the workers up
                seconds[target].append(answer.seconds)
        if time.monotonic() - reported > 15 or round_number == options.requests:
            reported = time.monotonic()
            log(f"  round {round_number}/{options.requests} done")
    return seconds, unexpected


def count_queries(target: Target) -> int | None:
    """Queries of one request, counted in this process with Django's test client."""
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from clinic_coder.accounts.models import User

    from .web import DRAFT_TOKEN, SUBMITTED_LINES, answer_form

    client = TestClient(raise_request_exception=False)
    if target.persona:
        client.force_login(User.objects.get(username=target.persona))
    if target.submit:
        page = client.get(target.path).content.decode()
        found = DRAFT_TOKEN.search(page)
        form = answer_form({"token": found.group(1) if found else ""}, SUBMITTED_LINES)
    with CaptureQueriesContext(connection) as queries:
        if target.submit:
            response = client.post(f"{target.path}submit/", form)
        else:
            response = client.get(target.path)
        # A streamed response queries as it is read.
        _ = b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries) if response.status_code == target.expect else None


def machine() -> dict[str, str]:
    cpu = memory = "unknown"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                   if line.startswith("model name"))  # fmt: skip
        meminfo = Path("/proc/meminfo").read_text().split()
        memory = f"{int(meminfo[meminfo.index('MemTotal:') + 1]) / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    from django.db import connection

    database = connection.display_name
    if connection.vendor == "postgresql":
        database += f" {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "database": database,
    }


def benchmark(options: Options, env: dict[str, str], workdir: Path) -> int:
    from django.db import connections

    from . import seed

    cohorts, burst = seed.seed_everything(
        sizes=options.sizes, attempts=options.attempts, burst=options.burst, seed=options.seed
    )
    # SQLite: no connection of ours may hold a lock while gunicorn works.
    connections.close_all()
    server = Server(env=env, log_path=workdir / "gunicorn.log")
    try:
        server.wait_until_ready()
        per_cohort = [targets_for(cohort) for cohort in cohorts]
        targets = [BASELINE, *(target for targets in per_cohort for target in targets)]
        log(f"Timing {len(targets)} pages, {options.requests} requests each, interleaved")
        seconds, unexpected = measure(server.port, targets, options)
        log("Counting queries per request in-process")
        queries = {target: count_queries(target) for target in targets}
        connections.close_all()
        # Grouped by page as in issue 10's table; the requests were interleaved all the same.
        ordered = [BASELINE, *(t for group in zip(*per_cohort, strict=True) for t in group)]
        rows = [Row(t.page, t.students, seconds[t], queries[t], unexpected[t]) for t in ordered]
        baseline_p95 = rows[0].p95
        about = machine()
        print("Machine: " + ", ".join(f"{key} {value}" for key, value in about.items()))
        print(table(rows, baseline_p95))
        result = {"machine": about, "options": asdict(options), "rows": rows}
        failed = any(row.unexpected for row in rows) or any(row.queries is None for row in rows)
        if burst is not None:
            failed |= run_burst(server.port, burst, options, result)
    finally:
        server.stop()
    if options.json_path:
        write_json(options.json_path, result, baseline_p95)
    if failed:
        log("FAILED: a page answered with an unexpected status or a submit was lost")
        log(server.log_tail())
    return 1 if failed else 0


def run_burst(port: int, burst: "BurstCohort", options: Options, result: dict) -> bool:
    """The deadline burst; True when a submit failed or was lost."""
    from . import seed

    case_path = f"/practice/assignments/{burst.assignment_id}/cases/{burst.case_slug}/"
    connections = min(options.burst_connections, len(burst.sessions))
    log(f"Deadline burst: {len(burst.sessions)} students open the case, then submit at once")
    outcome = deadline_burst(
        port=port,
        sessions=burst.sessions,
        case_path=case_path,
        threads=connections,
        time_limit=options.time_limit,
    )
    stored, stored_accepted = seed.stored_attempts(burst.assignment_id, outcome.accepted)
    lost = len(outcome.accepted) - stored_accepted
    answers = ", ".join(f"{label} x{count}" for label, count in sorted(outcome.statuses.items()))
    print(
        f"\nDeadline burst: {outcome.students:,} students submit at once over "
        f"{connections} connections\n"
        f"  cleared in {outcome.seconds:.1f} s; HTTP errors {outcome.errors}; "
        f"accepted {len(outcome.accepted):,}; stored {stored:,}; lost {lost}\n"
        f"  answers: {answers}"
    )
    result["burst"] = {
        "students": outcome.students,
        "connections": connections,
        "seconds": round(outcome.seconds, 2),
        "errors": outcome.errors,
        "accepted": len(outcome.accepted),
        "stored": stored,
        "lost": lost,
        "answers": outcome.statuses,
    }
    return outcome.errors > 0 or lost > 0


def write_json(path: Path, result: dict, baseline_p95: float) -> None:
    rows = [
        {
            "page": row.page,
            "students": row.students,
            "n": len(row.seconds),
            "p50_ms": round(row.p50 * 1000, 2),
            "p95_ms": round(row.p95 * 1000, 2),
            "ratio": round(row.p95 / baseline_p95, 1),
            "queries": row.queries,
            "unexpected": row.unexpected,
        }
        for row in result["rows"]
    ]
    options = {k: str(v) if isinstance(v, Path) else v for k, v in result["options"].items()}
    data = result | {"rows": rows, "options": options, "baseline_p95_ms": ms(baseline_p95)}
    path.write_text(json.dumps(data, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    # A plain `kill` unwinds like Ctrl-C: gunicorn stopped, database and files removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    try:
        with throwaway_database(workdir) as database_url:
            env = environment(database_url, workdir)
            os.environ.update(env)
            import django

            django.setup()
            from django.db import connections

            try:
                return benchmark(options, env, workdir)
            finally:
                connections.close_all()
    except KeyboardInterrupt:
        log("Interrupted; cleaned up.")
        return 130
    except RuntimeError as error:
        log(f"scripts/bench: {error}")
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
