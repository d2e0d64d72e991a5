from django.db import migrations

from clients.search import search_keys


def fill(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    batch = []
    for client in Client.objects.only("pk", "name", "phone", "phone2").iterator(chunk_size=2000):
        for field, value in search_keys(name=client.name, phone=client.phone, phone2=client.phone2).items():
            setattr(client, field, value)
        batch.append(client)
        if len(batch) >= 2000:
            Client.objects.bulk_update(batch, ["name_pinyin", "name_initials", "phone_digits"])
            batch = []
    if batch:
        Client.objects.bulk_update(batch, ["name_pinyin", "name_initials", "phone_digits"])


def empty(apps, schema_editor):
    apps.get_model("clients", "Client").objects.update(name_pinyin="", name_initials="", phone_digits="")


class Migration(migrations.Migration):
    dependencies = [("clients", "0017_add_client_search_keys")]

    operations = [migrations.RunPython(fill, empty)]
