"""Every model module, imported once so the metadata (and Alembic) knows all tables."""
from audit import models as audit_models  # noqa: F401
from caseapp.accounts import models as accounts_models  # noqa: F401
from caseapp.auth import models as auth_models  # noqa: F401
from caseapp.breakglass import models as breakglass_models  # noqa: F401
from caseapp.cases import models as cases_models  # noqa: F401
from caseapp.caseload import models as caseload_models  # noqa: F401
from caseapp.participants import lookup as participants_lookup  # noqa: F401  (index upkeep)
from caseapp.contacts import models as contacts_models  # noqa: F401
from caseapp.handovers import models as handovers_models  # noqa: F401
from caseapp.jobs import models as jobs_models  # noqa: F401
from caseapp.messages import models as messages_models  # noqa: F401
from caseapp.outcomes import models as outcomes_models  # noqa: F401
from caseapp.participants import models as participants_models  # noqa: F401
from caseapp.plans import models as plans_models  # noqa: F401
from caseapp.portal import models as portal_models  # noqa: F401
from caseapp.privacy import models as privacy_models  # noqa: F401
from caseapp.revisions import models as revisions_models  # noqa: F401
from caseapp.transitions import models as transitions_models  # noqa: F401
from caseapp.units import models as units_models  # noqa: F401
from consent import models as consent_models  # noqa: F401
