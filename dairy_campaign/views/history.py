from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..services.audit import audited_model, hidden_fields, history_of


@login_required
def record_history(request, label, pk):
    """Every version of one record, scoped like the record itself (404 for outsiders)."""
    model = audited_model(label)
    obj = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    page = Paginator(history_of(obj, hidden_fields(obj, request.user)), 25).get_page(request.GET.get("page"))
    return render(request, "core/history.html", {"object": obj, "model": model._meta, "page_obj": page})
