"""LMS connections over LTI 1.3: the platforms we trust, who and what they launch, grades sent.

A platform (Canvas, Moodle, Blackboard...) is registered by an administrator in the Django
admin: its issuer, the client id it gave us, its login, token and key-set URLs, and the
deployments it may launch from. Everything else here is made by launches: an LMS user is
mapped to a Clinic Coder account, an LMS course to a cohort, a link to an assignment.
"""

import datetime
import hashlib
import json
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from jwcrypto.jwk import JWK

# A send that has not finished this long after it began is taken as lost with its worker.
STUCK_AFTER = datetime.timedelta(minutes=15)


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, or "" when it has none."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def validate_origins(value: str) -> None:
    for origin in value.split():
        if origin_of(origin) != origin.rstrip("/") or urlsplit(origin).scheme not in (
            "http",
            "https",
        ):
            raise ValidationError(f"{origin!r} is not an origin such as https://school.edu.")


class ToolKey(models.Model):
    """The tool's own RSA key: it signs deep-link responses and service token requests, and
    its public half is published at /lti/jwks/. Made on first use; the newest one is used."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    public_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Tool key {self.kid}"

    @classmethod
    def current(cls) -> "ToolKey":
        key = cls.objects.first()
        if key is not None:
            return key
        with transaction.atomic():
            # Two processes racing on the very first launch: the first key made wins.
            key = cls.objects.select_for_update().first()
            return key or cls.generate()

    @classmethod
    def generate(cls) -> "ToolKey":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        kid = JWK.from_pem(public_pem.encode()).thumbprint()
        return cls.objects.create(kid=kid, private_pem=private_pem, public_pem=public_pem)

    def public_jwk(self) -> dict:
        jwk = json.loads(JWK.from_pem(self.public_pem.encode()).export_public())
        return jwk | {"kid": self.kid, "alg": "RS256", "use": "sig"}


class Platform(models.Model):
    """An LMS registration: what the LMS administrator gave us when they added the tool."""

    name = models.CharField(max_length=120)
    issuer = models.CharField(
        max_length=255, help_text="The platform's iss, e.g. https://canvas.instructure.com"
    )
    client_id = models.CharField(
        max_length=255, help_text="The client id the platform gave the tool."
    )
    auth_login_url = models.URLField(
        max_length=500, help_text="The platform's OIDC authorization URL."
    )
    auth_token_url = models.URLField(max_length=500, help_text="The platform's OAuth2 token URL.")
    auth_audience = models.CharField(
        max_length=500, blank=True, help_text="Audience of token requests, if not the token URL."
    )
    key_set_url = models.URLField(
        max_length=500, blank=True, help_text="The platform's public key set (JWKS) URL."
    )
    key_set = models.JSONField(
        null=True, blank=True, help_text="Or the platform's public key set itself, as JSON."
    )
    frame_origins = models.TextField(
        blank=True,
        validators=[validate_origins],
        help_text="Origins whose pages may show the tool in a frame, one per line "
        "(e.g. https://school.instructure.com). The login URL's origin is always allowed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="one_platform_per_client")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.key_set_url and not self.key_set:
            raise ValidationError("Give the platform's key set URL or its key set.")
        if self.key_set is not None and not (
            isinstance(self.key_set, dict) and isinstance(self.key_set.get("keys"), list)
        ):
            raise ValidationError({"key_set": 'A key set is a JSON object with a "keys" list.'})

    def origins(self) -> list[str]:
        found = [origin_of(self.auth_login_url), *self.frame_origins.split()]
        return [origin.rstrip("/") for origin in dict.fromkeys(found) if origin]


class Deployment(models.Model):
    """One placement of the tool in a platform (a whole institution, or one course)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="one_deployment_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}: {self.deployment_id}"


def lti_username(issuer: str, sub: str) -> str:
    """The username of the account an LMS user gets: the same for the same iss and sub."""
    return "lti-" + hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:16]


class LtiUser(models.Model):
    """An LMS user (iss + sub) and the Clinic Coder account it signs in as."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=255)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_user"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="one_account_per_lms_user")
        ]

    def __str__(self) -> str:
        return f"{self.sub} at {self.platform}"


class LtiContext(models.Model):
    """An LMS course, and the cohort it is in Clinic Coder. Service URLs come with launches."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    cohort = models.OneToOneField(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="lti_context"
    )
    memberships_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "context_id"], name="one_cohort_per_lms_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or self.context_id} at {self.platform}"


class LtiAssignment(models.Model):
    """An assignment that lives in an LMS course: its one line item there."""

    assignment = models.OneToOneField(
        "cohorts.Assignment", on_delete=models.CASCADE, related_name="lti"
    )
    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="assignments")
    resource_link_id = models.CharField(max_length=255, blank=True)
    lineitem_url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.assignment} in {self.context}"

    @property
    def tag(self) -> str:
        return f"clinic-coder-assignment-{self.assignment_id}"


class PassbackQuerySet(models.QuerySet):
    def latest_per_student(self, context: LtiContext) -> "PassbackQuerySet":
        """Each student's newest passback on each of the course's assignments."""
        newest = (
            Passback.objects.filter(
                lti_assignment=models.OuterRef("lti_assignment"), student=models.OuterRef("student")
            )
            .order_by("-pk")
            .values("pk")[:1]
        )
        return (
            self.filter(lti_assignment__context=context, pk=models.Subquery(newest))
            .select_related("student", "lti_assignment__assignment__case_set")
            .order_by("lti_assignment", "student__last_name", "student__first_name")
        )


class Passback(models.Model):
    """One score change to send to the LMS: sent once, retried until it is."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed, gave up"

    lti_assignment = models.ForeignKey(
        LtiAssignment, on_delete=models.CASCADE, related_name="passbacks"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    attempt_id = models.PositiveBigIntegerField()
    cause = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveSmallIntegerField(default=0)
    score_sent = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when a worker began sending
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = PassbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.student} on {self.lti_assignment}: {self.get_status_display()}"

    @staticmethod
    def stuck_since() -> "datetime.datetime":
        """A send claimed before this never finished: its worker died (a restart, a crash)."""
        return timezone.now() - STUCK_AFTER

    @classmethod
    def may_send_again(cls) -> models.Q:
        return models.Q(status__in=[cls.Status.FAILED, cls.Status.RETRYING]) | models.Q(
            status=cls.Status.SENDING, claimed_at__lt=cls.stuck_since()
        )

    @property
    def can_send_again(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.RETRYING) or (
            self.status == self.Status.SENDING
            and self.claimed_at is not None
            and self.claimed_at < self.stuck_since()
        )
