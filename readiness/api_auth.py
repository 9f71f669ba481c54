"""API token authentication: knox does the issuing, hashing and expiry; the
portal adds that a password change revokes every token issued before it, and
sweeps expired tokens at login and nightly rather than on every request.
(Kept apart from the API views: DRF imports it while it loads its own views.)"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth
from knox.models import AuthToken
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(auth.TokenAuthentication):
    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Whether this token has expired (it is deleted then).

        Knox also reads every other token of the user on each request, to delete
        those that expired: a query on every read and save of every phone. The
        portal deletes them when their user logs in and nightly instead
        (``accounts.services.tokens_purge_expired``); an expired token is refused
        either way, by this check."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False

    def validate_user(self, auth_token: AuthToken):
        user, token = super().validate_user(auth_token)
        changed = user.password_changed_at
        if changed is not None and token.created < changed:
            token.delete()
            raise exceptions.AuthenticationFailed(_("The password has changed: log in again."))
        return user, token


class TokenScheme(OpenApiAuthenticationExtension):
    """Names the scheme in the API schema: ``Authorization: Token <key>``."""

    target_class = "readiness.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key>, from POST /api/v1/auth/token/",
        }
