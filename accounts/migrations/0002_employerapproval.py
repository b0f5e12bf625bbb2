# Adopts the table the reports app created (reports 0001) for the institution's decision about an
# organization: only Django's state changes, the rows stay.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reports", "0003_employerapproval_moved_to_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EmployerApproval",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "decision",
                            models.CharField(choices=[("approved", "Approved"), ("blocked", "Blocked")], max_length=10),
                        ),
                        ("reason", models.TextField(blank=True, max_length=2000)),
                        ("decided_at", models.DateTimeField(auto_now=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "institution",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="employer_approvals",
                                to="accounts.institution",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="institution_approvals",
                                to="accounts.organization",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_employerapproval",
                        "indexes": [models.Index(fields=["institution", "decision"], name="approval_institution_decision")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("institution", "organization"), name="one_decision_per_institution_and_org"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
