from .models import Notification
from .navigation import nav_menu


def shell(request):
    """What the base template needs on every page: navigation, unread count, breadcrumbs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    jurisdiction = user.jurisdiction
    return {
        "nav_menu": nav_menu(user),
        "unread_count": Notification.objects.visible_to(user).unread().count(),
        "user_breadcrumbs": (jurisdiction.ancestors() + [jurisdiction]) if jurisdiction else [],
    }
