"""Team life: the daily meeting (沟通协调会议), training (培训) and the team board.

``is_working_day(date)`` (the company holiday / workday calendar) is the public
entry point other apps may use.
"""

from teams.meetings.workdays import is_working_day

__all__ = ["is_working_day"]
