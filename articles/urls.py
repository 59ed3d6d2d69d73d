from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/preview/", views.article_preview, name="preview"),
    path("<slug:slug>/report-a-problem/", views.report_problem, name="report_problem"),
]
