"""Staff roles as groups, created by migrations so every database has them."""

from django.contrib.auth.management import create_permissions


def grant(apps, group_name, app_label, codenames):
    """Give the group these permissions of one app, creating the group if needed.

    Django creates permissions only after all migrations have run; create the
    app's permissions first, so the group is complete on a fresh database.
    """
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def remove(apps, *group_names):
    apps.get_model("auth", "Group").objects.filter(name__in=group_names).delete()
