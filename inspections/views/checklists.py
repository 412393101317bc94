# Work in progress.
from django.http import Http404
from django.views import View


def inspection_new(request, *args, **kwargs):
    raise Http404


def inspection_detail(request, *args, **kwargs):
    raise Http404


def inspection_edit(request, *args, **kwargs):
    raise Http404


def inspection_autosave(request, *args, **kwargs):
    raise Http404


def photo_upload(request, *args, **kwargs):
    raise Http404


def inspection_sign(request, *args, **kwargs):
    raise Http404


def inspection_review(request, *args, **kwargs):
    raise Http404


def photo_file(request, *args, **kwargs):
    raise Http404


def photo_delete(request, *args, **kwargs):
    raise Http404


class InspectionListView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
