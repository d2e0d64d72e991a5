"""The editable lists' starting content: lost reasons and the default follow-up visit
plan (README.md, "Clients"). The data migration and ``ensure_defaults`` both use these."""

LOST_REASONS = [
    ("price", "价格"),
    ("design", "设计"),
    ("competitor", "竞争对手"),
    ("timing", "时间安排"),
    ("service", "服务"),
    ("unreachable", "联系不上"),
    ("other", "其他"),
]

DEFAULT_PLAN_NAME = "标准回访计划"
# point, counted from (signed / start / finish), days after, channel
DEFAULT_PLAN = [
    ("设计确认回访", "signed", 14, "phone"),
    ("开工回访", "start", 0, "on_site"),
    ("水电验收回访", "start", 20, "on_site"),
    ("竣工回访", "finish", 0, "on_site"),
    ("竣工一个月回访", "finish", 30, "phone"),
    ("竣工六个月回访", "finish", 182, "phone"),
    ("竣工一年回访", "finish", 365, "phone"),
]


def ensure_defaults(apps=None) -> None:
    """Create the lost reasons and the default visit plan if missing (idempotent)."""
    if apps is None:
        from django.apps import apps
    LostReason = apps.get_model("clients", "LostReason")
    VisitTemplate = apps.get_model("clients", "VisitTemplate")
    VisitTemplatePoint = apps.get_model("clients", "VisitTemplatePoint")
    for order, (code, name) in enumerate(LOST_REASONS):
        LostReason.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    template, created = VisitTemplate.objects.get_or_create(name=DEFAULT_PLAN_NAME, defaults={"is_default": True})
    if created:
        VisitTemplatePoint.objects.bulk_create(
            VisitTemplatePoint(
                template=template, point=point, anchor=anchor, offset_days=offset, channel=channel, order=i
            )
            for i, (point, anchor, offset, channel) in enumerate(DEFAULT_PLAN)
        )
