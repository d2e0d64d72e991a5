"""The moved tables take the meetings app's names, and their content types (permissions, admin history)
follow them, so an existing database keeps every row."""

from django.db import migrations

MODELS = [
    "meeting",
    "chairswap",
    "agendaitem",
    "actionitem",
    "meetingattendance",
    "meetingschedule",
    "memberleave",
    "training",
    "trainingattendance",
]


def move_content_types(apps, schema_editor, old="teams", new="meetings"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A content type created for the new label (e.g. by a post_migrate signal) gives way to the old one.
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def restore_content_types(apps, schema_editor):
    move_content_types(apps, schema_editor, old="meetings", new="teams")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0001_move_team_life"),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MODELS],
        migrations.RunPython(move_content_types, restore_content_types),
    ]
