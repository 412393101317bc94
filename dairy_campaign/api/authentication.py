"""API token authentication that refuses malformed keys before they reach the database."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

# DRF's keys are 40 hexadecimal characters; anything else cannot be a token. A NUL byte in a
# header would otherwise reach PostgreSQL, which refuses it with an error (a 500).
TOKEN_KEY = re.compile(r"[0-9a-f]{40}", re.ASCII)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)
