"""A simulated LMS for tests: its own RSA key (made at test time), registered as a Platform,
signing id_tokens with PyJWT. No network: its HTTP endpoints are mocked with `responses`."""

import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from clinic_coder.lti.launch import AGS, CLAIM, MEMBERSHIP, NRPS
from clinic_coder.lti.models import Deployment, Platform

ISS = "https://lms.example.edu"
CLIENT_ID = "clinic-coder"
DEPLOYMENT_ID = "deployment-1"
AUTH_URL = "https://lms.example.edu/auth"
TOKEN_URL = "https://lms.example.edu/token"
MEMBERSHIPS_URL = "https://lms.example.edu/courses/7/memberships"
LINEITEMS_URL = "https://lms.example.edu/courses/7/lineitems"
RETURN_URL = "https://lms.example.edu/deep-link-return"
LEARNER = MEMBERSHIP + "Learner"
INSTRUCTOR = MEMBERSHIP + "Instructor"
TA = MEMBERSHIP + "Instructor#TeachingAssistant"
MENTOR = MEMBERSHIP + "Mentor"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def new_key() -> tuple[str, dict]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = json.loads(JWK.from_pem(pem.encode()).export_public())
    return pem, public


class SimulatedPlatform:
    def __init__(self, *, frame_origins: str = "") -> None:
        self.private_pem, public = new_key()
        self.kid = "platform-key-1"
        self.platform = Platform.objects.create(
            name="Example LMS",
            issuer=ISS,
            client_id=CLIENT_ID,
            auth_login_url=AUTH_URL,
            auth_token_url=TOKEN_URL,
            key_set={"keys": [public | {"kid": self.kid, "alg": "RS256", "use": "sig"}]},
            frame_origins=frame_origins,
        )
        self.deployment = Deployment.objects.create(
            platform=self.platform, deployment_id=DEPLOYMENT_ID
        )

    def login(self, client: object) -> tuple[str, str]:
        """The login initiation step; the state and nonce the tool sent to the platform."""
        response = client.get(
            "/lti/login/",
            {
                "iss": ISS,
                "login_hint": "hint-1",
                "target_link_uri": "http://testserver/lti/launch/",
                "client_id": CLIENT_ID,
                "lti_deployment_id": DEPLOYMENT_ID,
            },
        )
        assert response.status_code == 302, response.content
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_URL
        query = parse_qs(location.query)
        return query["state"][0], query["nonce"][0]

    def claims(
        self,
        nonce: str,
        *,
        sub: str = "learner-1",
        roles: tuple[str, ...] = (LEARNER,),
        context_id: str = "course-7",
        **extra: object,
    ) -> dict:
        now = int(time.time())
        return {
            "iss": ISS,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "given_name": "Lee",
            "family_name": "Learner" if LEARNER in roles else "Teacher",
            "email": f"{sub}@example.edu",
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "target_link_uri": "http://testserver/lti/launch/",
            CLAIM + "resource_link": {"id": "link-1"},
            CLAIM + "roles": list(roles),
            CLAIM + "context": {"id": context_id, "label": "CODE 101", "title": "Coding 101"},
            NRPS: {"context_memberships_url": MEMBERSHIPS_URL, "service_versions": ["2.0"]},
            AGS: {"scope": SCOPES, "lineitems": LINEITEMS_URL},
            **extra,
        }

    def sign(self, claims: dict, *, key: str | None = None, kid: str | None = None) -> str:
        return jwt.encode(
            claims, key or self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def launch(self, client: object, **claims: object) -> object:
        """Login, then post a signed id_token to the launch URL, as a browser would."""
        state, nonce = self.login(client)
        token = self.sign(self.claims(nonce, **claims))
        return client.post("/lti/launch/", {"id_token": token, "state": state})

    def deep_link_claims(
        self,
        nonce: str,
        *,
        roles: tuple[str, ...] = (INSTRUCTOR,),
        sub: str = "teacher-1",
        **extra: object,
    ) -> dict:
        claims = self.claims(nonce, roles=roles, sub=sub, **extra)
        del claims[CLAIM + "resource_link"]
        claims[CLAIM + "message_type"] = "LtiDeepLinkingRequest"
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
            "deep_link_return_url": RETURN_URL,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "platform-data-" + uuid.uuid4().hex[:6],
        }
        return claims
