"""Target cards, appraisals, team targets and the monthly report (performance issue)."""
