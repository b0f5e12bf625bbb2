from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError

from marketplace.forms import TextRuleMixin

from . import services
from .models import Listing, ListingReport, ListingStatusChange, SavedListing, SavedSearch, ScreeningQuestion


class ModerationActionForm(TextRuleMixin, ActionForm):
    reason = forms.CharField(required=False, label="Reason (for rejecting)", max_length=2000)


class QuestionInline(admin.TabularInline):
    model = ScreeningQuestion
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = ListingStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    """Status is read-only here: moves go through the moderation actions (the listing services)."""

    list_display = ["title", "organization", "kind", "status", "hidden_for_review", "published_at"]
    list_filter = ["status", "kind", "hidden_for_review", "organization__verification"]
    search_fields = ["title", "organization__name"]
    readonly_fields = ["status", "published_at", "expires_at", "closed_at", "moderation_note", "skill_names"]
    exclude = ["skills"]
    list_select_related = ["organization"]
    inlines = [QuestionInline, StatusChangeInline]
    action_form = ModerationActionForm
    actions = ["approve", "reject"]

    def has_change_permission(self, request, obj=None):
        # Content edits go through the employer's form (which maintains the search vector).
        return False

    @admin.action(description="Approve and publish the selected listings")
    def approve(self, request, queryset):
        done = 0
        for listing in queryset.filter(status=Listing.Status.PENDING_REVIEW):
            services.listing_approve(listing=listing, actor=request.user)
            done += 1
        self.message_user(request, f"{done} listing(s) approved.")

    @admin.action(description="Reject the selected listings (give a reason)")
    def reject(self, request, queryset):
        reason = request.POST.get("reason", "")
        done = 0
        for listing in queryset.filter(status=Listing.Status.PENDING_REVIEW):
            try:
                services.listing_reject(listing=listing, actor=request.user, reason=reason)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
                return
            done += 1
        self.message_user(request, f"{done} listing(s) rejected.")


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    list_display = ["listing", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
    readonly_fields = ["listing", "reporter", "reason", "details", "status", "created_at", "resolved_at", "resolved_by"]
    list_select_related = ["listing"]
    actions = ["uphold", "dismiss"]

    @admin.action(description="Uphold: close the reported listings")
    def uphold(self, request, queryset):
        for listing in Listing.objects.filter(pk__in=queryset.values("listing_id")):
            services.listing_reports_resolve(listing=listing, actor=request.user, uphold=True)
        self.message_user(request, "Reports upheld.")

    @admin.action(description="Dismiss: show the listings again")
    def dismiss(self, request, queryset):
        for listing in Listing.objects.filter(pk__in=queryset.values("listing_id")):
            services.listing_reports_resolve(listing=listing, actor=request.user, uphold=False)
        self.message_user(request, "Reports dismissed.")


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "frequency", "created_at"]
    list_filter = ["frequency"]


@admin.register(SavedListing)
class SavedListingAdmin(admin.ModelAdmin):
    list_display = ["listing", "user", "created_at"]
    raw_id_fields = ["listing", "user"]
