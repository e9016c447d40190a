from django.contrib import admin

from clinic_coder.admin_inlines import LabelledTabularInline

from .models import Deployment, LtiAssignment, LtiContext, LtiUser, Passback, Platform, ToolKey


class DeploymentInline(LabelledTabularInline):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "created_at"]
    readonly_fields = ["kid", "public_pem", "created_at"]
    exclude = ["private_pem"]  # never shown, not even to admins

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(LtiUser)
class LtiUserAdmin(admin.ModelAdmin):
    list_display = ["user", "platform", "sub"]
    list_select_related = ["user", "platform"]
    search_fields = ["sub", "user__username"]
    raw_id_fields = ["user"]


@admin.register(LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ["title", "platform", "context_id", "cohort"]
    list_select_related = ["platform", "cohort"]
    raw_id_fields = ["cohort"]


@admin.register(LtiAssignment)
class LtiAssignmentAdmin(admin.ModelAdmin):
    list_display = ["assignment", "context", "lineitem_url"]
    raw_id_fields = ["assignment"]


@admin.register(Passback)
class PassbackAdmin(admin.ModelAdmin):
    list_display = ["student", "lti_assignment", "status", "score_sent", "tries", "created_at"]
    list_filter = ["status"]
    list_select_related = ["student", "lti_assignment__assignment__case_set"]
    raw_id_fields = ["student", "lti_assignment"]
