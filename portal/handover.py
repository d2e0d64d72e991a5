"""The client page's staff fields are facts, not open work (teams/handover.py)."""

from teams.handover import register_not_open_work


def register():
    register_not_open_work(
        {
            "portal.PortalLink.created_by": "who issued the client's link: a fact",
            "portal.PortalLink.revoked_by": "who revoked it: a fact",
        }
    )
