"""Deploy checks: the privacy notice and the contact form need real details from the operator."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@register("privacy", deploy=True)
def operator_details_are_set(app_configs, **kwargs):
    errors = []
    if not settings.SITE_DATA_CONTROLLER:
        errors.append(
            Error(
                "SITE_DATA_CONTROLLER is not set, so the privacy notice cannot say who is responsible for your data.",
                hint="Set it to the name and postal address of the organisation or person who runs this site.",
                id="pages.E001",
            )
        )
    try:
        validate_email(settings.SITE_CONTACT_EMAIL)
    except ValidationError:
        errors.append(
            Error(
                "SITE_CONTACT_EMAIL is not a valid e-mail address, so the contact form has nowhere to send messages "
                "and the privacy notice gives no address for data requests.",
                hint="Set it to the editors' inbox, for example editors@your-organisation.example.",
                id="pages.E002",
            )
        )
    return errors
