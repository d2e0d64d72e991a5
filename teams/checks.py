"""System checks of the settings that protect client data (run by ``manage.py check`` and at start-up)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def two_factor_roles_check(app_configs, **kwargs):
    """Every role that may export client data is in TWO_FACTOR_ROLES."""
    from teams.exports import CLIENT_DATA_EXPORTS, EXPORTS

    exporting = {str(role) for kind in CLIENT_DATA_EXPORTS for role in EXPORTS[kind].roles}
    missing = sorted(exporting - set(settings.TWO_FACTOR_ROLES))
    if missing:
        return [
            Error(
                f"TWO_FACTOR_ROLES leaves out roles that may export client data: {', '.join(missing)}.",
                hint="Add them to TWO_FACTOR_ROLES (teams/exports.py EXPORTS lists who may export what).",
                id="teams.E001",
            )
        ]
    return []


# The Cybersecurity Law (网络安全法 Art. 21) asks for network logs kept at least six months.
ACCESS_LOG_MIN_MONTHS = 6


@register()
def retention_check(app_configs, **kwargs):
    errors = []
    if settings.RETENTION_ACCESS_LOG_MONTHS < ACCESS_LOG_MIN_MONTHS:
        errors.append(
            Error(
                f"RETENTION_ACCESS_LOG_MONTHS is {settings.RETENTION_ACCESS_LOG_MONTHS}: the access log must be kept"
                f" at least {ACCESS_LOG_MIN_MONTHS} months.",
                id="teams.E002",
            )
        )
    for name in ("RETENTION_LOST_LEAD_MONTHS", "RETENTION_CALLER_MONTHS"):
        if getattr(settings, name) < 1:
            errors.append(Error(f"{name} must be at least 1 month.", id="teams.E003"))
    return errors
