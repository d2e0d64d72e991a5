"""Every write of the projects app (services), one module per area; import them from here.

A signed contract opens its project through ``project_open_for_contract`` (the ``contract_signed``
hook registered in projects/apps.py).
"""

from projects.services.construction import (  # noqa: F401
    completion_collect,
    completion_hand_over,
    crew_evaluate,
    crew_save,
    inspection_record,
    maintenance_confirm,
    maintenance_create,
    maintenance_done,
    site_log_update,
    site_log_write,
)
from projects.services.design import (  # noqa: F401
    budget_request_create,
    budget_return,
    change_decide,
    change_propose,
    consultation_record,
    disclosure_confirm,
    disclosure_record,
    drawing_task_create,
    drawing_task_deliver,
    drawing_task_revise,
    plan_create,
    plan_record_answer,
    plan_submit,
    review_record,
)
from projects.services.money import (  # noqa: F401, E402
    change_order_approve,
    change_order_client_sign,
    change_order_create,
    change_order_next_number,
    change_order_reject,
    change_order_revise,
    stage_link_phase,
    stages_link_gating_phase,
    stages_on_completion,
    stages_on_inspection_passed,
    warranty_stages_scan,
)
from projects.services.project import (  # noqa: F401
    WARRANTY_YEARS,
    construction_plan_save,
    phase_add,
    phase_remove,
    phase_update,
    project_advance,
    project_blockers,
    project_open,
    project_open_for_contract,
    project_update,
    schedule_apply_template,
)
from projects.services.scans import (  # noqa: F401
    drawing_reminders_send,
    maintenance_escalate,
)
