"""Staff tooling for interviews: looking things up when a student or an employer writes in.

Rounds, invitations and interviews are read-only here. Every change of them goes through the
services (``interviews.services``): a booking takes row locks, a move or a cancellation sends the
calendar update with a higher SEQUENCE to both sides. An edit or a deletion here would leave the
parties' calendars and emails telling something else, so the admin only shows them. A weekly
window is plain configuration: staff may correct one (the database checks the day and the hours).
"""

from django.contrib import admin

from .models import Availability, Interview, InterviewInvite, InterviewRound, InterviewSlot


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted from the admin (see the module's docstring)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SlotInline(ReadOnlyInline):
    model = InterviewSlot
    fields = ["starts_at", "ends_at", "status"]
    readonly_fields = fields
    show_change_link = False


class InviteInline(ReadOnlyInline):
    model = InterviewInvite
    fields = ["application", "status", "created_at", "closed_at"]
    readonly_fields = fields


@admin.register(InterviewRound)
class InterviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "listing", "organization", "created_by", "time_zone", "respond_by", "created_at"]
    list_filter = ["created_at", "respond_by"]
    search_fields = ["listing__title", "listing__organization__name", "created_by__email"]
    list_select_related = ["listing__organization", "created_by"]
    date_hierarchy = "created_at"
    fields = ["listing", "created_by", "time_zone", "location", "respond_by", "created_at"]
    readonly_fields = fields
    inlines = [SlotInline, InviteInline]

    @admin.display(description="Organization", ordering="listing__organization__name")
    def organization(self, obj):
        return obj.listing.organization


@admin.register(InterviewInvite)
class InterviewInviteAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "application", "round", "status", "created_at", "closed_at"]
    list_filter = ["status", "created_at"]
    search_fields = [
        "application__student__email",
        "application__student__name",
        "application__listing__title",
        "application__listing__organization__name",
    ]
    list_select_related = ["application__student", "application__listing", "round"]
    fields = ["round", "application", "status", "created_at", "closed_at"]
    readonly_fields = fields


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "student", "listing", "starts_at", "status", "sequence", "no_show"]
    list_filter = ["status", "no_show", "starts_at"]
    search_fields = [
        "application__student__email",
        "application__student__name",
        "application__listing__title",
        "application__listing__organization__name",
    ]
    list_select_related = ["application__student", "application__listing"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (
            None,
            {"fields": ["application", "invite", "slot", "status", "starts_at", "ends_at", "time_zone", "location"]},
        ),
        ("Calendar", {"fields": ["sequence", "day_reminded_at", "hour_reminded_at"]}),
        ("Audit", {"fields": ["booked_by", "booked_at", "changed_by", "changed_at", "cancel_reason"]}),
        ("No-show", {"fields": ["no_show", "no_show_recorded_by", "no_show_recorded_at"]}),
    ]
    readonly_fields = [f for _, options in fieldsets for f in options["fields"]]

    @admin.display(description="Student", ordering="application__student__name")
    def student(self, obj):
        return obj.application.student or "Former user"

    @admin.display(description="Listing", ordering="application__listing__title")
    def listing(self, obj):
        return obj.application.listing


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["organization", "weekday_name", "start", "end", "time_zone", "created_at"]
    list_filter = ["weekday", "time_zone"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["organization", "created_at"]  # a window stays with the organization it was made for

    def has_add_permission(self, request):
        return False  # organizations add their windows (at most 50, ``availability_add``)

    @admin.display(description="Day", ordering="weekday")
    def weekday_name(self, obj):
        return obj.get_weekday_display()
