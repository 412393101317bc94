from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language


class ChineseByDefaultLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose otherwise with the language switch.

    The browser's Accept-Language is ignored on purpose: officials share office machines
    with English system settings, and the platform's working language is Chinese.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not language or not check_for_language(language):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
