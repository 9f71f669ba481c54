"""API token authentication: knox does the issuing, hashing and expiry; the
portal adds that a password change revokes every token issued before it.
(Kept apart from the API views: DRF imports it while it loads its own views.)"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth
from knox.models import AuthToken
from rest_framework import exceptions


class TokenAuthentication(auth.TokenAuthentication):
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
