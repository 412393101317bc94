from django.contrib.auth.backends import ModelBackend

from .models import User


class MembershipBackend(ModelBackend):
    """Loads the user's agency and jurisdiction with the user, so that scoping a page
    costs no extra queries."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("agency__jurisdiction__parent__parent").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
