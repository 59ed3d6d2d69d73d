from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("stories/insights/", views.insights_page, name="insights"),
]
