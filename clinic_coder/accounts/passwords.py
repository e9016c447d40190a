"""Links that let a person choose their own password: "forgot your password" and the
set-your-password link for accounts that staff create.

Both are Django's password-reset links (a token that stops working once the password
changes, or after PASSWORD_RESET_TIMEOUT); only the page they open words it differently.
"""

import hashlib
import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

# At most this many reset emails per address per hour: the form can't be used to flood a
# mailbox. Extra requests get the same page as any other, so nothing is revealed.
RESETS_PER_HOUR = 3

logger = logging.getLogger(__name__)


class ResetPasswordForm(PasswordResetForm):
    """Django's reset form, for accounts with no password yet too (made by staff), throttled."""

    def get_users(self, email: str) -> Iterator[object]:
        User = get_user_model()
        if not _count_reset(email):
            return iter(())
        return iter(User._default_manager.filter(email__iexact=email, is_active=True))


def _count_reset(email: str) -> bool:
    """Count one reset email for this address; False once the hour's allowance is spent."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    key = f"password-reset-{digest}"
    cache.add(key, 0, 60 * 60)
    try:
        return cache.incr(key) <= RESETS_PER_HOUR
    except ValueError:  # The key expired between add and incr: start again.
        cache.set(key, 1, 60 * 60)
        return True


def set_password_url(request: HttpRequest, user: object) -> str:
    """The full address of a page where `user` chooses their password."""
    path = reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def days_valid() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))


@dataclass(frozen=True)
class NewAccountLink:
    """A staff-made account and the link where its student chooses a password."""

    user: object
    url: str
    emailed: bool = False


def set_password_links(
    request: HttpRequest, users: list, *, made_by: object, cohort: object
) -> list[NewAccountLink]:
    """A set-your-password link for each new account, emailed to those who have an address.

    The accounts exist already: a mail server that fails is logged, and the instructor still
    has every link to hand over.
    """
    links = [NewAccountLink(user, set_password_url(request, user)) for user in users]
    messages = [
        EmailMessage(
            subject="Your Clinic Coder account: choose a password",
            body=render_to_string(
                "registration/set_password_email.txt",
                {"user": link.user, "url": link.url, "made_by": made_by, "cohort": cohort,
                 "days": days_valid()},
            ),
            to=[link.user.email],
        )
        for link in links
        if link.user.email
    ]  # fmt: skip
    if not messages:
        return links
    try:
        with mailers.default as connection:
            connection.send_messages(messages)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not email %d set-password link(s)", len(messages))
        return links
    return [replace(link, emailed=bool(link.user.email)) for link in links]
