"""The HTTP side: gunicorn on 127.0.0.1, a client that keeps cookies, the deadline burst.

Standard library only: what is measured is the site, not a client library.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

REQUEST_TIMEOUT = 180  # seconds; more than gunicorn's worker timeout below
WORKER_TIMEOUT = 120
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT_TOKEN = re.compile(r'name="token" value="([0-9a-f-]{36})"')
FEEDBACK = re.compile(r"/practice/attempts/(\d+)/$")


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: bytes
    seconds: float


class Server:
    """gunicorn serving the site with 2 workers on a free port of 127.0.0.1."""

    def __init__(self, *, env: Mapping[str, str], log_path: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.log_path = log_path
        command = [
            sys.executable, "-m", "gunicorn", "clinic_coder.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers),
            "--timeout", str(WORKER_TIMEOUT),
            "--error-logfile", str(log_path),
        ]  # fmt: skip
        self.log_file = log_path.open("ab")
        # Its own session: a Ctrl-C reaches the benchmark, which then stops gunicorn in order.
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            try:
                if Client(self.port).get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"gunicorn did not answer /healthz within {timeout} s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.log_file.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Client:
    """One person's browser, as far as the server can tell: cookies, CSRF, forms.

    Cookies are sent back whatever their Secure flag: the site runs with production settings
    over plain HTTP on 127.0.0.1.
    """

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None) -> Answer:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            seconds = time.perf_counter() - started
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.headers.get("Location", ""), content, seconds)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, form: Mapping[str, str]) -> Answer:
        return self.request("POST", path, form)

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/accounts/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf(page)}
        answer = self.post("/accounts/login/", form)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"could not log in as {username}: HTTP {answer.status}")

    def open_case(self, path: str) -> dict[str, str]:
        """GET a case page (which opens the draft); the form fields a submit needs."""
        page = self.get(path)
        token = DRAFT_TOKEN.search(page.body.decode())
        if page.status != 200 or token is None:
            raise RuntimeError(f"GET {path}: HTTP {page.status}, no answer form")
        return {"csrfmiddlewaretoken": csrf(page), "token": token.group(1)}


def csrf(page: Answer) -> str:
    found = CSRF_FIELD.search(page.body.decode())
    if found is None:
        raise RuntimeError(f"no CSRF token in a page answered with HTTP {page.status}")
    return found.group(1)


def answer_form(fields: Mapping[str, str], lines: list[dict[str, str]]) -> dict[str, str]:
    """The answer builder's POST: the fields from open_case and one formset row per line."""
    form = {
        **fields,
        "form-TOTAL_FORMS": str(len(lines)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for index, line in enumerate(lines):
        for name in ("code", "minutes", "units", "modifiers"):
            form[f"form-{index}-{name}"] = line.get(name, "")
    return form


# A plausible answer for the submit measurement and the burst; graded like any other.
SUBMITTED_LINES = [{"code": "97140", "minutes": "", "units": "1", "modifiers": ""}]


def submit(client: Client, case_path: str, fields: Mapping[str, str]) -> Answer:
    return client.post(f"{case_path}submit/", answer_form(fields, SUBMITTED_LINES))


@dataclass
class BurstResult:
    students: int
    seconds: float
    errors: int
    accepted: set[int]
    statuses: dict[str, int]


def deadline_burst(
    *, port: int, sessions: list[str], case_path: str, threads: int, time_limit: float
) -> BurstResult:
    """Every student opens the case, then all submit at once (released by a barrier)."""
    clients = [Client(port, {"sessionid": key}) for key in sessions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        forms = list(pool.map(lambda client: client.open_case(case_path), clients))
    pending = list(zip(clients, forms, strict=True))
    lock = threading.Lock()
    threads = max(1, min(threads, len(pending)))
    barrier = threading.Barrier(threads + 1)
    answers: list[Answer | None] = []
    deadline = 0.0

    def submitter() -> None:
        barrier.wait(timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if not pending:
                    return
                client, fields = pending.pop()
            try:
                answer = submit(client, case_path, fields)
            except OSError:
                answer = None
            with lock:
                answers.append(answer)

    workers = [threading.Thread(target=submitter, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + time_limit
    barrier.wait(timeout=60)
    started = time.monotonic()
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT)
    seconds = time.monotonic() - started
    accepted = set()
    statuses: dict[str, int] = {}
    for answer in answers:
        label = "no answer" if answer is None else str(answer.status)
        statuses[label] = statuses.get(label, 0) + 1
        found = answer and answer.status == 302 and FEEDBACK.search(answer.location)
        if found:
            accepted.add(int(found.group(1)))
    unanswered = len(sessions) - len(answers)
    if unanswered:
        statuses["not sent (time limit)"] = unanswered
    # Anything but a redirect to the new attempt's feedback failed the student.
    errors = len(sessions) - len(accepted)
    return BurstResult(len(sessions), seconds, errors, accepted, statuses)
