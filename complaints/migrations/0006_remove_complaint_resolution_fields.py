from django.db import migrations


class Migration(migrations.Migration):
    """The resolution fields now live in ComplaintResolution (copied by 0005)."""

    dependencies = [
        ("complaints", "0005_copy_resolutions_to_history"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="complaint",
            name="cause_analysis",
        ),
        migrations.RemoveField(
            model_name="complaint",
            name="cause_category",
        ),
        migrations.RemoveField(
            model_name="complaint",
            name="preventive_action",
        ),
        migrations.RemoveField(
            model_name="complaint",
            name="resolution",
        ),
    ]
