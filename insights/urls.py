from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("stories/insights/", views.insights_page, name="insights"),
    path("themes/", views.theme_list, name="themes"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("themes/<slug:slug>/preview/", views.theme_preview, name="theme_preview"),
]
