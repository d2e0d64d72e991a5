from django.db import migrations

from teams.migration_ops import TRIGRAM_EXTENSION, trigram_index


class Migration(migrations.Migration):

    dependencies = [
        ('reception', '0010_phone_call_reached_by_call'),
    ]

    # The call log's search (reception/filters.py) also looks at the caller's name: with its own pg_trgm index
    # every branch of the OR has one (PostgreSQL only; on SQLite the search scans).
    operations = [
        TRIGRAM_EXTENSION,
        trigram_index("call_caller_name_trgm", "reception_call", "caller_name", upper=True),
    ]
