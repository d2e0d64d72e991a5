"""Projects opened by a signed contract: design, drawing tasks, schedule, inspections, crews.

Fields marked "spine" are read by other apps (clients, complaints, performance
metrics and the monthly report): keep their names and meaning
(docs/architecture.md, "Spine fields").
The models live in one module per area; import them from here.
"""

from projects.models.after import (  # noqa: F401
    MAINTENANCE_TRANSITIONS,
    Attachment,
    CompletionItem,
    MaintenanceRequest,
    _upload_to,
)
from projects.models.construction import (  # noqa: F401
    SCORE,
    Crew,
    CrewEvaluation,
    Inspection,
    PhaseTemplate,
    SchedulePhase,
    SiteLog,
)
from projects.models.design import (  # noqa: F401
    PLAN_TRANSITIONS,
    BudgetRequest,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    TechnicalDisclosure,
)
from projects.models.money import (  # noqa: F401, E402
    ChangeOrder,
    ChangeOrderLine,
    ChangeOrderQuerySet,
    StagePhase,
)
from projects.models.project import (  # noqa: F401
    PHASE_TRANSITIONS,
    Project,
    ProjectEvent,
    ProjectQuerySet,
)
