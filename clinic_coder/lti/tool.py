"""pylti1p3 wired to our database, the shared cache, and stricter checks than its defaults.

pylti1p3 checks the state, the signature, the registration, the deployment and the message
shape. It leaves the rest to the tool: it does not verify `aud` against our client id, never
looks at `azp`, and only checks that a nonce was issued, never that it is used once. The
launch class below adds those, so a replayed, forged or expired id_token is refused.
"""

import re
import time

import jwt
from django.core.cache import cache
from django.http import HttpRequest
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from .models import Platform, ToolKey

# How long an id_token's nonce is remembered as used: longer than any token may live.
USED_NONCE_SECONDS = 24 * 60 * 60
# Clock skew allowed between the platform and us when reading iat/exp.
LEEWAY_SECONDS = 60
# Values that become cache keys must look like the ones we issue: anything else is refused
# before it reaches a key (or a query, where a NUL byte fails on PostgreSQL).
OUR_STATE = re.compile(r"^state-[0-9a-f-]{36}\Z")
OUR_NONCE = re.compile(r"^[0-9a-f]{64}\Z")


def plain(value: object, limit: int = 255) -> str | None:
    """A platform-given identifier fit for a query: text, no NUL, not too long; else None."""
    if isinstance(value, str) and value and "\x00" not in value and len(value) <= limit:
        return value
    return None


def registration_for(platform: Platform, key: ToolKey | None = None) -> Registration:
    key = key or ToolKey.current()
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_auth_audience(platform.auth_audience or None)
        .set_key_set_url(platform.key_set_url or None)
        .set_key_set(platform.key_set or None)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )


class DatabaseToolConf(ToolConfAbstract):
    """Registrations and deployments from the Platform and Deployment tables.

    Every issuer may have several client ids (one per registration), so lookups always go by
    issuer and client id together.
    """

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def platform(self, iss: str, client_id: str | None) -> Platform | None:
        if plain(iss) is None or (client_id and plain(client_id) is None):
            return None
        platforms = Platform.objects.filter(issuer=iss)
        if client_id:
            return platforms.filter(client_id=client_id).first()
        # A login request may omit client_id; only an unambiguous issuer is accepted then.
        found = list(platforms[:2])
        return found[0] if len(found) == 1 else None

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args, **kwargs
    ) -> Registration | None:
        platform = self.platform(iss, client_id)
        return registration_for(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> LibDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args, **kwargs
    ) -> LibDeployment | None:
        platform = self.platform(iss, client_id)
        if platform is None or plain(deployment_id) is None:
            return None
        if not platform.deployments.filter(deployment_id=deployment_id).exists():
            return None
        return LibDeployment().set_deployment_id(deployment_id)


def storage() -> DjangoCacheDataStorage:
    """State, nonces and launch data live in the shared cache, so every app process agrees."""
    return DjangoCacheDataStorage(cache_name="default")


class Login(DjangoOIDCLogin):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request, DatabaseToolConf(), launch_data_storage=storage())


class Launch(DjangoMessageLaunch):
    """A message launch with the checks pylti1p3 leaves out."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request, DatabaseToolConf(), launch_data_storage=storage())
        # A platform's key set (from its URL) is kept two hours in the shared cache.
        self.set_public_key_caching(storage(), cache_lifetime=2 * 60 * 60)

    @classmethod
    def restored(cls, request: HttpRequest, launch_id: str) -> "Launch":
        """A launch validated earlier (deep linking continues one), read back from the cache."""
        launch = cls(request)
        data = launch.get_session_service().get_launch_data(launch_id)
        if not data:
            raise LtiException("This launch has expired; open the link in the LMS again.")
        launch.set_launch_id(launch_id).set_auto_validation(enable=False)
        launch.set_jwt({"body": data}).set_restored().validate_registration()
        return launch

    def validate_state(self) -> "Launch":
        state = self._get_request_param("state")
        if state and not OUR_STATE.match(state):
            raise LtiException("State not found")
        return super().validate_state()

    def validate_nonce(self) -> "Launch":
        nonce = self._get_jwt_body().get("nonce")
        if not isinstance(nonce, str) or not OUR_NONCE.match(nonce):
            raise LtiException("Invalid Nonce")
        return super().validate_nonce()

    def validate_message(self) -> "Launch":
        super().validate_message()
        # Last, once the token is known to be genuine: a forged one cannot burn a nonce.
        nonce = self._get_jwt_body()["nonce"]
        # add() stores only if the key is absent: the second use of a nonce finds it there.
        if not cache.add(f"lti-used-nonce:{nonce}", True, USED_NONCE_SECONDS):
            raise LtiException("This launch was already used (replayed nonce)")
        return self

    def validate_jwt_signature(self) -> "Launch":
        public_key, key_alg = self.get_public_key()
        body = self._get_jwt_body()
        client_id = self._registration.get_client_id()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[key_alg],
                audience=client_id,
                issuer=self._registration.get_issuer(),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "iss", "sub", "nonce"]},
            )
        except jwt.InvalidTokenError as error:
            raise LtiException(f"The id_token is not valid: {error}") from error
        audiences = body.get("aud")
        audiences = audiences if isinstance(audiences, list) else [audiences]
        azp = body.get("azp")
        # With several audiences the authorized party must be named, and must be us.
        if (len(audiences) > 1 or azp is not None) and azp != client_id:
            raise LtiException("The id_token's authorized party (azp) is not this tool")
        if body.get("iat", 0) > time.time() + LEEWAY_SECONDS:
            raise LtiException("The id_token was issued in the future")
        return self
