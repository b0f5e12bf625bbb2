# The versions (ETags) of the placement workspace's edits: every write sets ``updated_at``.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_evaluation_moves_to_evaluations"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        )
        for model in ("placement", "goal", "checkin")
    ]
