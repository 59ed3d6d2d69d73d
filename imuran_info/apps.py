from django.contrib.admin.apps import AdminConfig


class ImuranAdminConfig(AdminConfig):
    # Our admin site adds the "needs attention" reminders to the index page.
    default_site = "imuran_info.admin.ImuranAdminSite"
