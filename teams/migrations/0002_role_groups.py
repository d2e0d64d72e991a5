"""One Django group per role, with the permissions in teams.roles.ROLE_GROUP_PERMISSIONS."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from teams.roles import ROLE_GROUP_PERMISSIONS


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role.value))
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[r.value for r in ROLE_GROUP_PERMISSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("clients", "0002_initial"),
        ("projects", "0002_initial"),
        ("reception", "0002_initial"),
        ("complaints", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
