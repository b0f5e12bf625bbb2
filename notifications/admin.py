from django.contrib import admin

from .models import Notification, NotificationPreference, OutboxEmail, PeriodicTaskRun


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["event", "to_email", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["to_email", "key", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "event", "title", "created_at", "read_at"]
    list_filter = ["event"]
    raw_id_fields = ["recipient"]


admin.site.register(NotificationPreference)


@admin.register(PeriodicTaskRun)
class PeriodicTaskRunAdmin(admin.ModelAdmin):
    list_display = ["task", "last_started_at", "last_finished_at", "last_state"]
