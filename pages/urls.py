from django.urls import path

from pages import views

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("urgent-help/", views.urgent_help, name="urgent_help"),
]
