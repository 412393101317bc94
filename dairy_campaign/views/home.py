from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..models import Notification
from ..services.campaigns import campaign_current, letters_status, local_today, phases_on


@login_required
def home(request):
    today = local_today()
    campaign = campaign_current(today)
    ctx = {"today": today, "campaign": campaign}
    if campaign:
        ctx["phases"] = list(campaign.phases.all())
        ctx["current_phases"] = phases_on(campaign, today)
        ctx["days_left"] = campaign.days_to_deadline(today)
        ctx["days_overdue"] = max(0, -ctx["days_left"])
        jurisdiction = request.user.jurisdiction
        if jurisdiction is not None:
            statuses = letters_status(campaign=campaign, issuer=jurisdiction)
            ctx["letters_missing"] = sum(1 for _, letter in statuses if letter is None)
            ctx["letters_total"] = len(statuses)
    ctx["recent_notifications"] = Notification.objects.visible_to(request.user)[:5]
    return render(request, "core/home.html", ctx)
