"""A pretend LMS on this machine, to see LTI work without one: `manage.py lti_demo_platform`.

It registers itself as a platform (issuer http://127.0.0.1:8765 by default) with a key made
for this run, and serves a course page from which you add a case set by deep linking, launch
as a learner or the instructor, sync the roster, and watch the grades Clinic Coder sends back.
Run it beside `scripts/run` (whose task worker sends the grades). Loopback only; Ctrl-C stops.
"""

import html
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management.base import BaseCommand
from jwcrypto.jwk import JWK

from clinic_coder.lti.launch import AGS, CLAIM, CONTEXT, CUSTOM, MEMBERSHIP, NRPS
from clinic_coder.lti.models import Deployment, Platform, ToolKey

CLIENT_ID = "clinic-coder-demo"
DEPLOYMENT_ID = "demo-deployment"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
PEOPLE = {
    "teacher": ("Tess", "Teacher", MEMBERSHIP + "Instructor"),
    "learner-1": ("Lee", "Learner", MEMBERSHIP + "Learner"),
    "learner-2": ("Kim", "Park", MEMBERSHIP + "Learner"),
}
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


class DemoLms:
    """What the pretend LMS remembers while it runs: links, line items and scores."""

    def __init__(self, origin: str, tool: str) -> None:
        self.origin, self.tool = origin, tool
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.public_jwk = json.loads(JWK.from_pem(self.private_pem.encode()).export_public())
        self.links: list[dict] = []
        self.lineitems: list[dict] = []
        self.scores: list[dict] = []
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def id_token(self, who: str, link: int | str | None, nonce: str, redirect: str) -> str:
        first, last, role = PEOPLE[who]
        now = int(time.time())
        claims = {
            "iss": self.origin, "aud": CLIENT_ID, "sub": who, "iat": now, "exp": now + 300,
            "nonce": nonce, "given_name": first, "family_name": last,
            "email": f"{who}@demo-lms.invalid",
            CLAIM + "version": "1.3.0", CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "target_link_uri": redirect, CLAIM + "roles": [role],
            CONTEXT: {"id": "demo-course", "label": "DEMO 101", "title": "Demo LMS course"},
            NRPS: {"context_memberships_url": self.origin + "/memberships",
                   "service_versions": ["2.0"]},
            AGS: {"scope": SCOPES, "lineitems": self.origin + "/lineitems"},
        }  # fmt: skip
        if link == "nav":  # the course's menu entry: no assignment behind it
            claims[CLAIM + "message_type"] = "LtiResourceLinkRequest"
            claims[CLAIM + "resource_link"] = {"id": "course-menu", "title": "Clinic Coder"}
        elif link is None:
            claims[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": self.origin + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window", "iframe"],
            }
        else:
            item = self.links[link]
            claims[CLAIM + "message_type"] = "LtiResourceLinkRequest"
            claims[CLAIM + "resource_link"] = {"id": f"link-{link}", "title": item["title"]}
            claims[CUSTOM] = item.get("custom", {})
            if item.get("lineitem"):
                claims[AGS] = claims[AGS] | {"lineitem": item["lineitem"]}
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": "demo"})

    def add_link(self, content_item: dict) -> None:
        with self.lock:
            link = {"title": content_item.get("title", "Clinic Coder"),
                    "custom": content_item.get("custom", {})}  # fmt: skip
            wanted = content_item.get("lineItem")
            if wanted:
                link["lineitem"] = self.new_lineitem(wanted)["id"]
            self.links.append(link)

    def new_lineitem(self, wanted: dict) -> dict:
        item = wanted | {"id": f"{self.origin}/lineitems/{next(self.ids)}"}
        self.lineitems.append(item)
        return item


def make_handler(lms: DemoLms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def send(self, body: str | bytes, status: int = 200, kind: str = "text/html") -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def query(self) -> dict:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def form(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def json_body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path in ("/", "/course"):
                self.send(course_page(lms))
            elif path == "/launch":
                q = self.query()
                hint = {"who": q.get("who", "learner-1"), "link": q.get("link", "")}
                login = lms.tool + "/lti/login/?" + urlencode({
                    "iss": lms.origin, "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID,
                    "login_hint": json.dumps(hint), "target_link_uri": lms.tool + "/lti/launch/",
                })  # fmt: skip
                self.send_response(302)
                self.send_header("Location", login)
                self.end_headers()
            elif path == "/auth":
                q = self.query()
                hint = json.loads(q["login_hint"])
                link = hint["link"]
                link = int(link) if link.isdigit() else (link or None)
                token = lms.id_token(hint["who"], link, q["nonce"], q["redirect_uri"])
                self.send(auto_post(q["redirect_uri"], {"id_token": token, "state": q["state"]}))
            elif path == "/memberships":
                members = [
                    {"user_id": sub, "given_name": first, "family_name": last, "roles": [role],
                     "status": "Active", "email": f"{sub}@demo-lms.invalid"}
                    for sub, (first, last, role) in PEOPLE.items()
                ]  # fmt: skip
                body = json.dumps({"id": lms.origin + "/memberships", "members": members})
                self.send(body, kind="application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
            elif path == "/lineitems":
                self.send(json.dumps(lms.lineitems), kind="application/json")
            elif path == "/jwks":
                key = lms.public_jwk | {"kid": "demo", "alg": "RS256", "use": "sig"}
                self.send(json.dumps({"keys": [key]}), kind="application/json")
            else:
                self.send("Not found", 404)

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path == "/token":
                self.form()
                token = {"access_token": "demo-token", "token_type": "Bearer", "expires_in": 3600}
                self.send(json.dumps(token), kind="application/json")
            elif path == "/lineitems":
                self.send(json.dumps(lms.new_lineitem(self.json_body())), kind="application/json")
            elif path.startswith("/lineitems/") and path.endswith("/scores"):
                score = self.json_body() | {"lineitem": lms.origin + path.removesuffix("/scores")}
                lms.scores.append(score)
                self.send("{}", kind="application/json")
            elif path == "/deep-link-return":
                message = jwt.decode(
                    self.form()["JWT"],
                    ToolKey.current().public_pem,
                    algorithms=["RS256"],
                    audience=lms.origin,
                )
                for item in message.get(DL + "content_items", []):
                    lms.add_link(item)
                self.send_response(303)
                self.send_header("Location", "/course")
                self.end_headers()
            else:
                self.send("Not found", 404)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def auto_post(action: str, fields: dict) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (
        f'<!doctype html><title>Demo LMS</title><form method="post" action="{html.escape(action)}">'
        f"{inputs}<button>Continue to Clinic Coder</button></form>"
        "<script>document.forms[0].submit()</script>"
    )


def course_page(lms: DemoLms) -> str:
    links = "".join(
        f"<li>{html.escape(link['title'])}: "
        + " ".join(
            f'<a href="/launch?who={who}&link={n}">open as {PEOPLE[who][0]}</a>' for who in PEOPLE
        )
        + "</li>"
        for n, link in enumerate(lms.links)
    )
    scores = "".join(
        f"<tr><td>{html.escape(s.get('userId', ''))}</td><td>{s.get('scoreGiven')}</td>"
        f"<td>{html.escape(str(s.get('activityProgress')))}</td>"
        f"<td>{html.escape(s.get('timestamp', ''))}</td></tr>"
        for s in reversed(lms.scores)
    )
    return f"""<!doctype html><html lang="en"><title>Demo LMS course</title>
<h1>Demo LMS course (DEMO 101)</h1>
<p>A pretend LMS. Clinic Coder at {html.escape(lms.tool)}.</p>
<h2>Add Clinic Coder to the course</h2>
<p><a href="/launch?who=teacher&link=">Add a case set (deep linking, as Tess Teacher)</a></p>
<p><a href="/launch?who=teacher&link=nav">Open Clinic Coder as Tess Teacher</a>
(then <em>Sync the roster from the LMS</em> on the cohort's LMS page)</p>
<h2>Links in this course</h2><ul>{links or "<li>None yet: add a case set first.</li>"}</ul>
<h2>Grades Clinic Coder sent</h2>
<table border="1"><tr><th>User</th><th>Score</th><th>Progress</th><th>When</th></tr>{scores}</table>
<p>Reload to see new grades (the task worker sends them within seconds).</p>"""


class Command(BaseCommand):
    help = "Register and run a pretend LMS on this machine, to try LTI launches without one."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--tool-url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--register-only", action="store_true", help="Register the platform and exit."
        )

    def handle(self, *args: object, port: int, tool_url: str, register_only: bool, **kw) -> None:
        origin = f"http://127.0.0.1:{port}"
        lms = DemoLms(origin, tool_url.rstrip("/"))
        platform, _ = Platform.objects.update_or_create(
            issuer=origin,
            client_id=CLIENT_ID,
            defaults={
                "name": "Demo LMS (this machine)",
                "auth_login_url": origin + "/auth",
                "auth_token_url": origin + "/token",
                "key_set": {"keys": [lms.public_jwk | {"kid": "demo", "alg": "RS256"}]},
                "frame_origins": origin,
            },
        )
        Deployment.objects.get_or_create(platform=platform, deployment_id=DEPLOYMENT_ID)
        self.stdout.write(f"Registered {platform} (issuer {origin}, client id {CLIENT_ID}).")
        if register_only:
            return
        # Loopback only: the pretend LMS is for this machine's browser.
        server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(lms))
        self.stdout.write(f"Open the demo course at {origin}/course  (Ctrl-C stops it)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
