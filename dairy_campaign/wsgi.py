import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dairy_campaign.settings")
application = get_wsgi_application()

from dairy_campaign.warm import load_and_freeze  # noqa: E402 - needs the settings above

load_and_freeze()
