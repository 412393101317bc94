from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms import LetterForm
from ..models import ResponsibilityLetter
from ..scoping import may_write
from ..services.campaigns import campaign_current, letter_record, letters_status, local_today, phases_on
from .forms_support import add_service_errors


@login_required
def campaign_detail(request):
    today = local_today()
    campaign = campaign_current(today)
    if campaign is None:
        raise Http404(_("No campaign has been set up yet."))
    return render(
        request,
        "core/campaign.html",
        {
            "campaign": campaign,
            "today": today,
            "phases": campaign.phases.all(),
            "current_phases": phases_on(campaign, today),
            "days_left": campaign.days_to_deadline(today),
        },
    )


@login_required
def letters(request):
    """P2: the letters this level signed with each level below it, and those still missing."""
    campaign = campaign_current()
    issuer = request.user.jurisdiction
    if campaign is None or issuer is None:
        raise Http404(_("No campaign or jurisdiction."))
    can_record = may_write(request.user, "responsibility_letter")
    form = LetterForm(request.POST or None, request.FILES or None, issuer=issuer) if can_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            letter_record(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Responsibility letter recorded."))
            return redirect("letters")
    statuses = letters_status(campaign=campaign, issuer=issuer)
    own = ResponsibilityLetter.objects.filter(campaign=campaign, jurisdiction=issuer).first()
    return render(
        request,
        "core/letters.html",
        {
            "campaign": campaign,
            "issuer": issuer,
            "statuses": statuses,
            "form": form,
            "own_letter": own,
            "missing": [child for child, letter in statuses if letter is None],
        },
    )


@login_required
def letter_document(request, pk):
    letter = get_object_or_404(ResponsibilityLetter.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        letter.document.open("rb"), as_attachment=True, filename=letter.document.name.rsplit("/", 1)[-1]
    )
