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
        # DRF's own lookup, with the user's agency and jurisdiction, which scoping reads on
        # every request (a query less for each of them).
        model = self.get_model()
        try:
            token = model.objects.select_related("user__agency__jurisdiction").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
