from django.contrib import admin

from .models import ProcedureCode


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "descriptor", "timed", "family", "clinic_internal"]
    list_filter = ["timed", "family", "clinic_internal"]
    search_fields = ["code", "descriptor"]
