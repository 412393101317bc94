from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..filters import NotificationFilter
from ..models import Notification
from ..services.notifications import notification_mark_read
from .lists import ScopedListView


class InboxView(ScopedListView):
    model = Notification
    filterset_class = NotificationFilter
    template_name = "core/inbox.html"
    export_name = "notifications"
    export_columns = [
        (_("sent at"), lambda n: n.created_at),
        (_("title"), lambda n: n.title),
        (_("message"), lambda n: n.body),
        (_("read at"), lambda n: n.read_at),
    ]


@login_required
@require_POST
def inbox_mark_read(request):
    ids = None if request.POST.get("all") else [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    notification_mark_read(user=request.user, notification_ids=ids)
    if request.htmx:
        unread = Notification.objects.visible_to(request.user).unread().count()
        return render(request, "core/partials/unread_badge.html", {"unread_count": unread})
    return redirect("inbox")
