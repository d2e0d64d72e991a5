from django.db import migrations


def copy_forward(apps, schema_editor):
    """One ComplaintResolution per complaint that has a resolution today; by whom and when
    from its last "resolve" timeline event (else the handler and the resolution time)."""
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    ComplaintResolution = apps.get_model("complaints", "ComplaintResolution")
    complaints = Complaint.objects.exclude(resolution="", cause_category="", cause_analysis="")
    for complaint in complaints.iterator():
        event = (
            ComplaintEvent.objects.filter(complaint_id=complaint.pk, action="resolve")
            .order_by("-created_at", "-pk")
            .first()
        )
        resolution = ComplaintResolution.objects.create(
            complaint_id=complaint.pk,
            resolution=complaint.resolution,
            cause_category=complaint.cause_category or "other",
            cause_analysis=complaint.cause_analysis,
            preventive_action=complaint.preventive_action,
            resolved_by_id=event.actor_id if event else complaint.handler_id,
            resolved_at=complaint.resolved_at or (event.created_at if event else complaint.registered_at),
        )
        if complaint.resolved_at is not None:  # still resolved (not reopened since)
            Complaint.objects.filter(pk=complaint.pk).update(current_resolution=resolution)


def copy_back(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintResolution = apps.get_model("complaints", "ComplaintResolution")
    for resolution in ComplaintResolution.objects.order_by("complaint_id", "-resolved_at", "-pk").iterator():
        Complaint.objects.filter(pk=resolution.complaint_id, resolution="", cause_analysis="").update(
            resolution=resolution.resolution,
            cause_category=resolution.cause_category,
            cause_analysis=resolution.cause_analysis,
            preventive_action=resolution.preventive_action,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_add_complaint_resolution_history"),
    ]

    operations = [migrations.RunPython(copy_forward, copy_back)]
