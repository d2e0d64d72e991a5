"""The schedule template's starting content (施工进度模板): the seven standard phases in order.

The data migration and ``ensure_phase_template`` (demo data, tests after a flush) both use these;
afterwards the rows are edited in the admin. Names are left empty so each phase shows the
standard name of its kind in the user's language.
"""

# kind, default duration (calendar days), whether its inspection gates the later phases
STANDARD_PHASES = [
    ("demolition", 3, False),
    ("plumbing_electrical", 10, True),
    ("masonry_tiling", 15, False),
    ("carpentry", 15, False),
    ("painting", 12, False),
    ("installation", 7, False),
    ("cleaning", 2, False),
]


def ensure_phase_template(apps=None) -> None:
    """Seed the standard phases if the template is empty (idempotent; an edited template is left alone)."""
    if apps is None:
        from django.apps import apps
    PhaseTemplate = apps.get_model("projects", "PhaseTemplate")
    if PhaseTemplate.objects.exists():
        return
    PhaseTemplate.objects.bulk_create(
        PhaseTemplate(kind=kind, order=order, duration=days, duration_unit="calendar", gates_later=gates)
        for order, (kind, days, gates) in enumerate(STANDARD_PHASES, start=1)
    )
