"""Accounts, kept by the city bureau and the county officials themselves: created
one by one or from a spreadsheet, changed, deactivated (never deleted: history
keeps the name), reactivated, unlocked, and given a first or a new password.

A password chosen by someone else is only ever an initial one: its user must
change it before anything else. Plain passwords are generated here, returned
once to be shown or printed, and never stored. Every action is audited.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from knox.models import AuthToken

from ..access import (
    Right,
    grantable_roles,
    may_edit_school,
    may_manage_account,
    require_right,
    scope_of,
)
from ..audit import audited
from ..imports import (
    checked_import_confirm,
    checked_import_purge,
    checked_import_run,
    checked_import_start,
)
from ..models import AccountImport, County, School, User

Role = User.Role

# Readable on paper and typed on a phone: no 0/O, 1/l/I.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")
INITIAL_HASHER = "pbkdf2_initial"  # hashers.InitialPasswordHasher
CITY_ROLES = (Role.TASK_FORCE, Role.CITY_STAFF, Role.INSPECTOR)


@dataclass(frozen=True)
class AccountDetails:
    """What an account says about its holder; checked by ``account_check``."""

    full_name: str
    role: str
    county: County | None = None
    school: School | None = None
    phone: str = ""
    email: str = ""


def generate_password() -> str:
    """An initial password: 12 characters of a 55-letter alphabet (69 bits), with
    letters and digits, so it passes every validator of the portal."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def account_check(
    *, actor: User, details: AccountDetails, username: str | None = None
) -> AccountDetails:
    """The details made whole (a scope derived from the role) or a ValidationError
    by field; PermissionDenied if ``actor`` may not give this role or scope."""
    require_right(actor, Right.ACCOUNT_MANAGE)
    errors: dict[str, list[str]] = {}
    scope = scope_of(actor)
    if details.role not in grantable_roles(actor):
        raise PermissionDenied
    county, school = details.county, details.school
    if details.role == Role.SCHOOL:
        county = None
        if school is None:
            errors.setdefault("school", []).append(_("A school contact needs a school."))
        elif not may_edit_school(actor, school):
            raise PermissionDenied
    else:
        school = None
        if details.role in CITY_ROLES:
            county = None
        elif not scope.is_city:
            county = County.objects.get(pk=scope.county_id)  # the official's own county
        elif details.role == Role.COUNTY_OFFICIAL and county is None:
            errors.setdefault("county", []).append(_("A county official needs a county."))
    if username is not None:
        username = username.strip()
        if not username:
            errors.setdefault("username", []).append(_("Give a user name."))
        elif User.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", []).append(
                _("The user name %(name)s is taken.") % {"name": username}
            )
        else:
            try:
                User._meta.get_field("username").run_validators(username)
            except ValidationError as error:
                errors.setdefault("username", []).extend(error.messages)
    full_name = details.full_name.strip()
    if not full_name:
        errors.setdefault("full_name", []).append(_("Give the holder's name."))
    elif len(full_name) > 50:
        errors.setdefault("full_name", []).append(_("A name has at most 50 characters."))
    phone, email = details.phone.strip(), details.email.strip()
    errors.update(_contact_errors(phone, email))
    if errors:
        raise ValidationError(errors)
    return AccountDetails(full_name, details.role, county, school, phone, email)


def _contact_errors(phone: str, email: str) -> dict[str, list[str]]:
    errors = {}
    if phone and not PHONE.match(phone):
        errors["phone"] = [_("Write a phone number, e.g. 13905391234.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Write an email address, e.g. name@example.cn.")]
    return errors


@audited("account.create")
def account_create(*, actor: User, username: str, details: AccountDetails) -> User:
    """A new account with no usable password yet: the caller then issues one
    (``password_issue``) or mails a link to set it (``password_link_send``)."""
    details = account_check(actor=actor, details=details, username=username)
    user = User(
        username=username.strip(),
        full_name=details.full_name,
        role=details.role,
        county=details.county,
        school=details.school,
        phone=details.phone,
        email=details.email,
    )
    user.set_unusable_password()
    user.save()
    return user


def _require_manage(actor: User, account: User) -> None:
    require_right(actor, Right.ACCOUNT_MANAGE)
    if not may_manage_account(actor, account):
        raise PermissionDenied


@audited("account.update", target="account")
def account_update(*, actor: User, account: User, details: AccountDetails) -> User:
    _require_manage(actor, account)
    details = account_check(actor=actor, details=details)
    for field in ("full_name", "role", "county", "school", "phone", "email"):
        setattr(account, field, getattr(details, field))
    account.save(update_fields=["full_name", "role", "county", "school", "phone", "email"])
    return account


def token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for ``user``, and its key (shown once, stored hashed); the
    user's expired tokens are cleared away first."""
    tokens_purge_expired(user=user)
    return AuthToken.objects.create(user=user)


def tokens_purge_expired(*, user: User | None = None) -> int:
    """Deletes the expired API tokens of ``user`` (of everyone when None); how many.

    An expired token is refused whenever it is presented
    (``readiness.api_auth.TokenAuthentication``); this only clears them away: a
    user's at each login, everyone's nightly."""
    expired = AuthToken.objects.filter(expiry__lt=timezone.now())
    if user is not None:
        expired = expired.filter(user=user)
    return expired.delete()[0]


@audited("account.deactivate", target="account")
def account_deactivate(*, actor: User, account: User) -> User:
    """The account can no longer log in or use a token; its name stays on its work."""
    _require_manage(actor, account)
    if not account.is_active:
        raise ValidationError(_("This account is deactivated already."))
    account.is_active = False
    account.save(update_fields=["is_active"])
    AuthToken.objects.filter(user=account).delete()
    return account


@audited("account.reactivate", target="account")
def account_reactivate(*, actor: User, account: User) -> User:
    _require_manage(actor, account)
    if account.is_active:
        raise ValidationError(_("This account is active already."))
    account.is_active = True
    account.save(update_fields=["is_active"])
    return account


def account_locked(account: User) -> bool:
    """Whether failed logins lock the account now (django-axes' count, within its cool-off)."""
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        username=account.username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).exists()


@audited("account.unlock", target="account")
def account_unlock(*, actor: User, account: User) -> User:
    _require_manage(actor, account)
    axes_reset(username=account.username)
    return account


@audited("account.password_issue", target="account")
def password_issue(*, actor: User, account: User) -> str:
    """A new initial password, returned once (to show or print), to be changed at
    the first login; every token and earlier password stops working."""
    _require_manage(actor, account)
    if not account.is_active:
        raise ValidationError(_("Reactivate the account first."))
    return _initial_passwords([account])[account.pk]


@audited("account.sheet_print", target="job")
def passwords_print(*, actor: User, job: AccountImport) -> list[tuple[User, str]]:
    """Initial passwords for the accounts an import created that have not been
    taken up yet (never logged in, still active): printing again replaces the
    passwords of the sheet printed before."""
    if job.owner_id != actor.pk:
        raise PermissionDenied
    accounts = [
        a
        for a in job.accounts.filter(is_active=True, last_login__isnull=True)
        .select_related("school", "county")
        .order_by("school__code", "username")
        if may_manage_account(actor, a)
    ]
    passwords = _initial_passwords(accounts)
    return [(a, passwords[a.pk]) for a in accounts]


def _initial_passwords(accounts: list[User]) -> dict[int, str]:
    """Sets a generated password on each account (in one statement) and returns
    them by account id; tokens end and locks are lifted."""
    now = timezone.now()
    passwords = {}
    for account in accounts:
        passwords[account.pk] = generate_password()
        account.password = make_password(passwords[account.pk], hasher=INITIAL_HASHER)
        account.password_changed_at = now
        account.must_change_password = True
    User.objects.bulk_update(
        accounts, ["password", "password_changed_at", "must_change_password"], batch_size=500
    )
    AuthToken.objects.filter(user__in=accounts).delete()
    AccessAttempt.objects.filter(username__in=[a.username for a in accounts]).delete()
    return passwords


def password_link(account: User) -> str:
    """The one-time address to set a password: Django's reset token, which stops
    working once the password is set (or after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    return settings.PORTAL_URL.rstrip("/") + path


@audited("account.password_link", target="account")
def password_link_send(*, actor: User, account: User) -> User:
    """Mails the holder a one-time link to set their password (once committed)."""
    _require_manage(actor, account)
    return links_send(accounts=[account])[0]


def links_send(*, accounts: list[User]) -> list[User]:
    """Mails each account its link once the caller's transaction has committed."""
    missing = [a.username for a in accounts if not a.email]
    if missing:
        raise ValidationError(
            _("No email address for %(names)s: print initial passwords instead.")
            % {"names": "、".join(missing[:10])}
        )
    if any(not a.is_active for a in accounts):
        raise ValidationError(_("Reactivate the account first."))
    subject = _("Your account on the school reopening portal")
    mails = []
    for account in accounts:
        body = _(
            "%(name)s,\n\nan account has been opened for you on the school reopening "
            "portal of the Linyi education bureau.\n\nUser name: %(username)s\n"
            "Set your password here (the link works once, for %(days)d days):\n%(link)s\n"
        ) % {
            "name": account.full_name or account.username,
            "username": account.username,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            "link": password_link(account),
        }
        mails.append((subject, body, None, [account.email]))
    transaction.on_commit(lambda: send_mass_mail(mails))
    return accounts


# --- the user's own account ---------------------------------------------------------------


@audited("account.own_update", target="actor")
def own_details_update(*, actor: User, phone: str, email: str) -> User:
    """The user's own phone and email (their name and role are kept by their bureau)."""
    phone, email = phone.strip(), email.strip()
    errors = _contact_errors(phone, email)
    if errors:
        raise ValidationError(errors)
    actor.phone, actor.email = phone, email
    actor.save(update_fields=["phone", "email"])
    return actor


@audited("account.password_set", target="actor")
def password_set_by_holder(*, actor: User, password: str) -> User:
    """The holder chose their password (changed it, or set it from a link): an
    initial password is no longer in force, and older tokens stop working."""
    validate_password(password, actor)
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
    return actor


# --- accounts from a spreadsheet ------------------------------------------------------------


def account_import_start(*, actor: User, upload, delivery: str) -> AccountImport:
    """Keeps the uploaded file as a job to check in the background; the caller
    queues ``tasks.account_import_run`` once this has committed."""
    require_right(actor, Right.ACCOUNT_MANAGE)
    return checked_import_start(AccountImport(owner=actor, delivery=delivery), upload)


@audited("account.import")
def account_import_confirm(*, actor: User, job: AccountImport) -> AccountImport:
    require_right(actor, Right.ACCOUNT_MANAGE)
    return checked_import_confirm(actor=actor, job=job)


def account_import_run(*, job_id: int) -> None:
    """Checks or imports a queued account spreadsheet (the task's body)."""
    from .imports import account_import  # the importer calls back into this module

    checked_import_run(model=AccountImport, job_id=job_id, work=account_import)


def account_import_purge(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Deletes the files of account imports never confirmed; returns how many."""
    return checked_import_purge(model=AccountImport, older_than=older_than)
