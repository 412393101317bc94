# Work in progress.
from django.http import Http404
from django.views import View


def task_list(request, *args, **kwargs):
    raise Http404


def assignment_new(request, *args, **kwargs):
    raise Http404


def assignment_plan(request, *args, **kwargs):
    raise Http404


def assignment_start(request, *args, **kwargs):
    raise Http404


def assignment_cancel(request, *args, **kwargs):
    raise Http404


class AssignmentListView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
