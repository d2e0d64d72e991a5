"""Seed the editable lists: lost reasons and the default follow-up visit plan (DOMAIN.md)."""

from django.db import migrations

LOST_REASONS = [
    ("price", "价格"),
    ("design", "设计"),
    ("competitor", "竞争对手"),
    ("timing", "时间安排"),
    ("service", "服务"),
    ("unreachable", "联系不上"),
    ("other", "其他"),
]

# point, anchor, offset days, channel
DEFAULT_PLAN = [
    ("设计确认回访", "signed", 14, "phone"),
    ("开工回访", "start", 0, "on_site"),
    ("水电验收回访", "start", 20, "on_site"),
    ("竣工回访", "finish", 0, "on_site"),
    ("竣工一个月回访", "finish", 30, "phone"),
    ("竣工六个月回访", "finish", 182, "phone"),
    ("竣工一年回访", "finish", 365, "phone"),
]


def forward(apps, schema_editor):
    LostReason = apps.get_model("clients", "LostReason")
    for order, (code, name) in enumerate(LOST_REASONS):
        LostReason.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    VisitTemplate = apps.get_model("clients", "VisitTemplate")
    VisitTemplatePoint = apps.get_model("clients", "VisitTemplatePoint")
    template, created = VisitTemplate.objects.get_or_create(name="标准回访计划", defaults={"is_default": True})
    if created:
        for order, (point, anchor, offset, channel) in enumerate(DEFAULT_PLAN):
            VisitTemplatePoint.objects.create(
                template=template, point=point, anchor=anchor, offset_days=offset, channel=channel, order=order
            )


def backward(apps, schema_editor):
    apps.get_model("clients", "VisitTemplate").objects.filter(name="标准回访计划").delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_add_client_file_contracts_visits_archive")]

    operations = [migrations.RunPython(forward, backward)]
