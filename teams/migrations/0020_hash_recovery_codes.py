"""Recovery codes kept as a keyed hash (teams/two_factor.py recovery_code_stored) instead of in plain text.

A plain code is 8 base-32 characters; a stored one 16 hex digits: only the former are converted, so the step is
safe to run on a database where some already are. Not reversible: a hash does not give the code back (codes
renewed after a rollback work again)."""

import re

from django.db import migrations

PLAIN = re.compile(r"^[a-z2-7]{8}$")


def hash_plain_codes(apps, schema_editor):
    from teams.two_factor import recovery_code_stored

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().only("pk", "token"):
        if PLAIN.match(token.token):
            token.token = recovery_code_stored(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0019_add_group_robots"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
