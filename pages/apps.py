from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        # Registers the deploy checks: a privacy notice must name who runs the site.
        from pages import checks  # noqa: F401
