"""The deputy GM keeps the standard answers (常用语) in the admin: her group gets their permissions; a first
library to start from."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_standardanswer", "add_standardanswer", "change_standardanswer", "delete_standardanswer"]

# (field, category, title, text)
FIRST_ANSWERS = [
    ("description", "quality", "墙砖空鼓", "客户反映卫生间/厨房墙砖空鼓，敲击有空响，担心脱落。"),
    ("description", "quality", "地板起拱", "客户反映客厅木地板起拱、踩踏有异响。"),
    ("description", "schedule", "工期延误", "客户反映施工进度慢于计划，要求说明原因并给出新的完工时间。"),
    ("description", "attitude", "服务态度", "客户反映工作人员沟通态度不好，回复不及时。"),
    ("description", "", "要求回电", "客户要求负责人今天内回电说明处理方案。"),
    ("resolution", "quality", "返工修复", "已安排施工队上门返工修复，客户现场确认合格。"),
    ("resolution", "schedule", "调整进度", "已与客户确认调整后的施工进度计划，并增加人手保证节点。"),
    ("resolution", "", "致歉说明", "已向客户当面致歉并说明原因与改进措施，客户表示接受。"),
    ("cause_analysis", "quality", "工艺不规范", "施工工艺未按规范执行（基层处理/铺贴不到位），现场验收把关不严。"),
    ("cause_analysis", "schedule", "材料延误", "材料到货延误，进度计划未预留缓冲，未及时告知客户。"),
    ("cause_analysis", "", "沟通不及时", "信息传递不及时，客户诉求未在第一时间转达到责任人。"),
]


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="deputy_gm")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="complaints", codename__in=CODENAMES))
    StandardAnswer = apps.get_model("complaints", "StandardAnswer")
    if not StandardAnswer.objects.exists():
        StandardAnswer.objects.bulk_create(
            StandardAnswer(field=field, category=category, title=title, text=text, order=n)
            for n, (field, category, title, text) in enumerate(FIRST_ANSWERS)
        )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="deputy_gm").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0012_add_standard_answers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("teams", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
