from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from stories import views

policy_context = {"terms_version": settings.STORY_TERMS_VERSION, "retention_days": settings.STORY_RETENTION_DAYS}

app_name = "stories"
urlpatterns = [
    path("", views.story_list, name="list"),
    path("<int:pk>/", views.story_detail, name="detail"),
    path("<int:pk>/report/", views.story_report, name="report"),
    path("share/", views.story_share, name="share"),
    path("thanks/<slug:token>/", views.story_thanks, name="thanks"),
    path("status/<slug:token>/", views.story_status, name="status"),
    path("status/<slug:token>/withdraw/", views.story_withdraw, name="withdraw"),
    path(
        "guidelines/",
        TemplateView.as_view(template_name="pages/guidelines.html", extra_context=policy_context),
        name="guidelines",
    ),
    path(
        "privacy/",
        TemplateView.as_view(template_name="pages/privacy.html", extra_context=policy_context),
        name="privacy",
    ),
]
