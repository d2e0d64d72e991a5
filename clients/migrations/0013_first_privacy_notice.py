from django.db import migrations

TEXT = (
    "我们收集您的姓名、电话、微信、房屋地址及装修需求，仅用于为您提供设计、施工与售后服务（含回访）。"
    "信息仅限服务您的客户服务团队及相关部门查看，不向第三方提供。未签约的咨询信息保存 24 个月、"
    "来电记录保存 12 个月后匿名化处理；已签约客户的合同信息按法律要求保存。"
    "您可随时联系我们查阅、更正或删除您的个人信息。"
)


def forwards(apps, schema_editor):
    PrivacyNotice = apps.get_model("clients", "PrivacyNotice")
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(version=1, text=TEXT)


def backwards(apps, schema_editor):
    apps.get_model("clients", "PrivacyNotice").objects.filter(version=1, text=TEXT).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0012_client_consent_and_privacy_notice")]
    operations = [migrations.RunPython(forwards, backwards)]
