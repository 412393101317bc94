"""Account administration in the browser, for admins of a jurisdiction and below."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..filters import AgencyFilter, UserFilter
from ..forms import PasswordResetForm, UserCreateForm, UserEditForm
from ..models import Agency, User
from ..services.users import require_admin, user_create, user_set_password, user_token_revoke, user_update
from .forms_support import add_service_errors
from .lists import ScopedListView


class UserListView(ScopedListView):
    model = User
    filterset_class = UserFilter
    template_name = "core/user_list.html"
    related = ("agency__jurisdiction",)
    export_name = "users"
    export_columns = [
        (gettext_lazy("username"), lambda u: u.username),
        (gettext_lazy("full name"), lambda u: u.full_name),
        (gettext_lazy("agency"), lambda u: u.agency),
        (gettext_lazy("role"), lambda u: u.get_role_display()),
        (gettext_lazy("active"), lambda u: _("yes") if u.is_active else _("no")),
        (gettext_lazy("last login"), lambda u: u.last_login),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_admin(request.user)
        return super().dispatch(request, *args, **kwargs)


class AgencyListView(ScopedListView):
    model = Agency
    filterset_class = AgencyFilter
    template_name = "core/agency_list.html"
    related = ("jurisdiction",)
    export_name = "agencies"
    export_columns = [
        (gettext_lazy("jurisdiction code"), lambda a: a.jurisdiction_id),
        (gettext_lazy("jurisdiction"), lambda a: a.jurisdiction.name),
        (gettext_lazy("kind"), lambda a: a.get_kind_display()),
        (gettext_lazy("name"), lambda a: a.name),
    ]


@login_required
def user_new(request):
    require_admin(request.user)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("user_list")
    return render(request, "core/user_form.html", {"form": form, "title": _("New account")})


@login_required
def user_edit(request, pk):
    require_admin(request.user)
    account = get_object_or_404(User.objects.visible_to(request.user).select_related("agency"), pk=pk)
    initial = {f: getattr(account, f) for f in ("full_name", "email", "phone", "agency", "role", "is_active")}
    form = UserEditForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            user_update(actor=request.user, user=account, reason=reason, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Account %(name)s updated.") % {"name": account.username})
            return redirect("user_list")
    context = {"form": form, "account": account, "title": account.username, "token_revocable": True}
    return render(request, "core/user_form.html", context)


@login_required
@require_POST
def user_token_revoke_view(request, pk):
    require_admin(request.user)
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    if user_token_revoke(actor=request.user, user=account):
        messages.success(request, _("API token of %(name)s revoked.") % {"name": account.username})
    else:
        messages.info(request, _("%(name)s has no API token.") % {"name": account.username})
    return redirect("user_edit", pk=account.pk)


@login_required
def user_password(request, pk):
    require_admin(request.user)
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(actor=request.user, user=account, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Password of %(name)s reset.") % {"name": account.username})
            return redirect("user_list")
    return render(request, "core/user_form.html", {"form": form, "account": account, "title": _("Reset password")})
