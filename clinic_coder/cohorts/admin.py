from django.contrib import admin

from clinic_coder.admin_inlines import LabelledTabularInline

from .models import Assignment, Cohort, Enrollment


class EnrollmentInline(LabelledTabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["student"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "created_at"]
    search_fields = ["name", "term"]
    filter_horizontal = ["instructors", "supervisors"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["student", "cohort", "active", "enrolled_at"]
    list_filter = ["active", "cohort"]
    search_fields = ["student__username", "student__last_name", "cohort__name"]
    autocomplete_fields = ["student"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["case_set", "cohort", "opens_at", "due_at", "attempts_allowed", "feedback"]
    list_filter = ["cohort", "feedback", "late_policy"]
