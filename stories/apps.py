from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Patient stories"

    def ready(self):
        from stories import checks  # noqa: F401 (registers the deploy checks)
