"""Team life: the daily meeting (沟通协调会议), its agenda, chair rotation, attendance, minutes and action
items, training (培训) and the team board. See docs/architecture.md."""
