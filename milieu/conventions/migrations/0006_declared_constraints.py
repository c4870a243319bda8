"""`Convention.status` is one of its enum's values (a check constraint), and the exclusion
constraint on overlapping periods, created on PostgreSQL by 0002, declared on the model."""

import milieu.conventions.constraints
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conventions', '0005_state_logs'),
        ('hosts', '0003_host_and_tutor_created_in'),
        ('students', '0004_repeater_and_sector_evidence_as_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='convention',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'submitted', 'validated', 'approved', 'signing', 'signed', 'in-progress', 'finished', 'cancelled'])), name='convention_status_known', violation_error_message="L'état de la convention n'est pas un état connu."),
        ),
        # PostgreSQL has held it since 0002 (raw SQL, with btree_gist): the state learns it,
        # the database is left as it is (and SQLite never gets it)
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name='conventionperiod',
                    constraint=milieu.conventions.constraints.PostgresExclusionConstraint(condition=models.Q(('active', True)), expressions=[('student', '='), (milieu.conventions.constraints.DateRange('start', 'end', models.Value('[]')), '&&')], name='convention_period_no_overlap_per_student', violation_error_message="Cette période chevauche une autre période de l'élève : un élève ne peut être en stage à deux endroits à la fois."),
                ),
            ],
            database_operations=[],
        ),
    ]
