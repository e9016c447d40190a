"""An LMS shows Clinic Coder in a frame: a small platform page on another origin (its own port)
frames the tool's login, its auth step posts a signed id_token back, and the launch page is
shown inside the frame with the "open in a new window" way out."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from playwright.sync_api import expect

from clinic_coder.lti.launch import CLAIM
from clinic_coder.lti.models import Deployment, Platform
from clinic_coder.lti.tests.platform import LEARNER, new_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class PlatformPages(BaseHTTPRequestHandler):
    """The LMS: a course page that frames the tool, and the OIDC auth step."""

    tool = ""  # the live server's URL
    origin = ""  # this server's URL
    private_pem = ""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/course":
            login = self.tool + "/lti/login/?" + urlencode(
                {"iss": self.origin, "login_hint": "u1", "client_id": "tool-1",
                 "target_link_uri": self.tool + "/lti/launch/", "lti_deployment_id": "d1"}
            )  # fmt: skip
            body = (
                "<!doctype html><title>Course</title><h1>Coding 101</h1>"
                f'<iframe title="Clinic Coder" src="{login}" width="900" height="600"></iframe>'
            )
        elif url.path == "/auth":
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            now = int(time.time())
            token = jwt.encode(
                {
                    "iss": self.origin,
                    "aud": "tool-1",
                    "sub": "learner-9",
                    "iat": now,
                    "exp": now + 300,
                    "nonce": query["nonce"],
                    "given_name": "Fran",
                    "family_name": "Frame",
                    CLAIM + "message_type": "LtiResourceLinkRequest",
                    CLAIM + "version": "1.3.0",
                    CLAIM + "deployment_id": "d1",
                    CLAIM + "target_link_uri": query["redirect_uri"],
                    CLAIM + "resource_link": {"id": "link-1"},
                    CLAIM + "roles": [LEARNER],
                    CLAIM + "context": {"id": "course-1", "title": "Coding 101"},
                },
                self.private_pem,
                algorithm="RS256",
                headers={"kid": "k1"},
            )
            body = (
                f'<!doctype html><title>Signing in</title><form method="post" '
                f'action="{query["redirect_uri"]}"><input type="hidden" name="id_token" '
                f'value="{token}"><input type="hidden" name="state" value="{query["state"]}">'
                "</form><script>document.forms[0].submit()</script>"
            )
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def lms(live_server):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PlatformPages)
    host = urlsplit(live_server.url).hostname
    PlatformPages.origin = f"http://{host}:{server.server_address[1]}"
    PlatformPages.tool = live_server.url
    PlatformPages.private_pem, public = new_key()
    platform = Platform.objects.create(
        name="Framing LMS",
        issuer=PlatformPages.origin,
        client_id="tool-1",
        auth_login_url=PlatformPages.origin + "/auth",
        auth_token_url=PlatformPages.origin + "/token",
        key_set={"keys": [public | {"kid": "k1", "alg": "RS256", "use": "sig"}]},
    )
    Deployment.objects.create(platform=platform, deployment_id="d1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield PlatformPages.origin
    server.shutdown()
    server.server_close()


def test_it_launches_inside_the_lms_frame_and_offers_a_new_window(page, lms):
    page.goto(lms + "/course")
    expect(page.get_by_role("heading", name="Coding 101", level=1)).to_be_visible()
    frame = page.frame_locator("iframe[title='Clinic Coder']")
    expect(frame.get_by_text("signed in to Clinic Coder as Fran Frame")).to_be_visible()
    link = frame.get_by_role("link", name="Open Clinic Coder in a new window")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", "/practice/")
