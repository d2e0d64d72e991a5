"""The role templates a company starts with (the admin edits them afterwards)."""

from decimal import Decimal

# role, item, metric, unit, default target, weight (%)
DEFAULT_TEMPLATE_ITEMS = [
    ("consultant", "签约单数", "signings", "单", "4", 30),
    ("consultant", "合同金额", "contract_value", "元", "800000", 30),
    ("consultant", "回访按时完成率", "followups_on_time", "%", "95", 20),
    ("consultant", "投诉按时解决率", "complaints_resolved_in_time", "%", "90", 20),
    ("designer", "方案确认数", "manual", "套", "4", 40),
    ("designer", "设计满意度", "manual", "分", "4.5", 40),
    ("designer", "例会出勤率", "meeting_attendance", "%", "95", 20),
    ("assistant_designer", "出图按时率", "drawings_on_time", "%", "95", 60),
    ("assistant_designer", "例会出勤率", "meeting_attendance", "%", "95", 20),
    ("assistant_designer", "参加培训", "trainings_attended", "次", "1", 20),
    ("project_manager", "工序按期完成率", "phases_on_schedule", "%", "90", 35),
    ("project_manager", "验收一次通过率", "inspection_pass_rate", "%", "90", 35),
    ("project_manager", "施工队考核", "crew_evaluations", "次", "4", 15),
    ("project_manager", "例会出勤率", "meeting_attendance", "%", "95", 15),
    ("front_desk", "来电转达及时确认率", "calls_ack_in_time", "%", "95", 60),
    ("front_desk", "投诉登记表完整率", "manual", "%", "100", 40),
]


def ensure_default_templates(model) -> int:
    """Create the default items when there are none (``model``: RoleTemplateItem, or its migration state)."""
    if model.objects.exists():
        return 0
    created = model.objects.bulk_create(
        model(role=role, label=label, metric=metric, unit=unit, default_target=Decimal(target), weight=weight, order=i)
        for i, (role, label, metric, unit, target, weight) in enumerate(DEFAULT_TEMPLATE_ITEMS)
    )
    return len(created)
