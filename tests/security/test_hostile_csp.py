"""Content-Security-Policy: every response carries `default-src 'self'` with scripts from our
own files only; no template holds an inline script, an on*= handler or a javascript: link; and
the main pages, driven in Chromium, run under the policy without a single violation."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_strict_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "no unsafe-inline, unsafe-eval or other origin for scripts"
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy(client, county_inspector):
    anonymous = [
        reverse("login"),
        reverse("home"),  # a redirect to the login page
        "/no-such-page/",
        "/api/v1/me/",  # 401
        reverse("healthz"),
        "/admin/login/",
        reverse("schema"),
    ]
    for url in anonymous:
        assert_strict_policy(client.get(url))
    client.force_login(county_inspector)
    for url in [reverse("home"), reverse("operator_list"), "/api/v1/operators/", reverse("api-docs"), "/cases/99999/"]:
        assert_strict_policy(client.get(url))
    assert_strict_policy(client.post(reverse("operator_new"), {"name": "\x00"}))


# --- no inline script in the templates --------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\shx-on[:-]|\shx-vals\s*=\s*['\"]\s*js:|\shx-vars\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from folder.rglob("*.html")


@pytest.mark.parametrize(
    "pattern",
    [INLINE_SCRIPT, EVENT_HANDLER, HTMX_EVAL, JAVASCRIPT_URL],
    ids=["inline-script", "event-handler", "htmx-eval", "javascript-url"],
)
def test_no_template_holds_script_the_policy_would_block(pattern):
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in templates()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)


def test_htmx_runs_without_eval():
    base = (ROOT / "templates" / "base.html").read_text()
    assert '<meta name="htmx-config" content=\'{"allowEval": false}\'>' in base


@pytest.mark.django_db
def test_the_api_docs_load_their_script_as_a_file(client, county_inspector):
    client.force_login(county_inspector)
    page = client.get(reverse("api-docs")).content.decode()
    script = re.search(r'<script src="([^"]*\?script=[^"]*)"', page)
    assert script, "the Swagger page must load its set-up script from a URL"
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "javascript" in response["Content-Type"]


# --- the main pages in Chromium ---------------------------------------------------------------

# Collected in the page before any of its scripts run (an init script is not subject to CSP).
