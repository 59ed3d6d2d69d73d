"""`check --deploy` fails when production would not really tell authors a decision."""

from django.conf import settings
from django.core import checks

NOT_DELIVERED = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@checks.register("mail", deploy=True)
def mail_is_delivered(app_configs, **kwargs):
    errors = []
    if settings.EMAIL_BACKEND in NOT_DELIVERED:
        errors.append(
            checks.Error(
                f"E-mail would not be delivered: EMAIL_BACKEND is {settings.EMAIL_BACKEND}. Authors' private "
                "links and addresses would go to the logs while the admin says they were told.",
                hint="Set EMAIL_URL (for example smtp+tls://user:password@smtp.example.org:587) "
                "or DJANGO_EMAIL_HOST and the other DJANGO_EMAIL_* variables.",
                id="stories.E001",
            )
        )
    return errors
