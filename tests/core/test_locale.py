"""Django's own wording wins for the messages another installed app translates too.

Every installed app's catalogue is merged over Django's, so Django REST framework's zh_Hans catalogue
used to turn every form's 这个字段是必填项。 into 该字段是必填项。. locale/zh_Hans restores Django's
wording (LOCALE_PATHS wins over every app); these tests fail when an upgrade adds a shared message
that the catalogue does not cover yet.
"""

import gettext
from pathlib import Path

import django
import pytest
from django import forms
from django.apps import apps
from django.utils import translation

DJANGO_MO = Path(django.__file__).parent / "conf" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def catalogue(path):
    with open(path, "rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def shared_messages():
    """(app, msgid, Django's msgstr) for every msgid an installed app translates differently from Django."""
    own = catalogue(DJANGO_MO)
    shared = []
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if not path.exists():
            continue
        for msgid, msgstr in catalogue(path).items():
            if isinstance(msgid, str) and msgid and own.get(msgid, msgstr) != msgstr:
                shared.append((config.name, msgid, own[msgid]))
    return shared


def test_rest_framework_shares_messages_with_django():
    # The guard below must have something to guard: DRF is installed and overrides Django's wording.
    assert ("rest_framework", "This field is required.", "这个字段是必填项。") in shared_messages()


@pytest.mark.parametrize("app,msgid,wording", shared_messages())
def test_django_wording_wins(app, msgid, wording):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == wording, f"add {msgid!r} to locale/zh_Hans (overridden by {app})"


def test_a_form_says_django_wording():
    class Form(forms.Form):
        name = forms.CharField()

    with translation.override("zh-hans"):
        assert Form({}).errors["name"] == ["这个字段是必填项。"]
