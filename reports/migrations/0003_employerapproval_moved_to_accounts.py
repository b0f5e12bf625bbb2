# The institution's decision about an organization moved to the accounts app (listings and
# applications read it, and they sit below reports). Only Django's state changes: the table,
# its rows, constraint and index stay where they are (accounts 0002 adopts them).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_reportexport_exportauditlog_outcomerecord_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EmployerApproval")],
            database_operations=[],
        ),
    ]
