"""Contract events in the client timeline no longer carry the amount (the archive clerk and
the project staff read the timeline); strip it from the events written before."""

import re

from django.db import migrations

# "Contract HT-2026-00001 signed: 188000.00 yuan" / "签订合同 HT-2026-00001：188000.00 元"
AMOUNT = re.compile(r"\s*[:：]\s*[\d,.]+\s*(yuan|元)\s*$")


def strip_amounts(apps, schema_editor):
    ClientEvent = apps.get_model("clients", "ClientEvent")
    for event in ClientEvent.objects.filter(kind="contract").only("text").iterator():
        text = AMOUNT.sub("", event.text)
        if text != event.text:
            ClientEvent.objects.filter(pk=event.pk).update(text=text)


class Migration(migrations.Migration):
    dependencies = [("clients", "0009_access_log_rows_and_refusals")]

    operations = [migrations.RunPython(strip_amounts, migrations.RunPython.noop)]
