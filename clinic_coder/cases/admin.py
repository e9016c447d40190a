from django.contrib import admin
from django.http import HttpRequest

from clinic_coder.admin_inlines import LabelledTabularInline

from .models import Case, CaseSet, CaseSetItem, DocumentedService, PayerProfile


class DocumentedServiceInline(LabelledTabularInline):
    model = DocumentedService
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "difficulty", "payer_profile", "status", "version"]
    list_filter = ["status", "difficulty", "payer_profile", "provider"]
    search_fields = ["title", "slug", "note"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DocumentedServiceInline]


class CaseSetItemInline(LabelledTabularInline):
    model = CaseSetItem
    extra = 0
    autocomplete_fields = ["case"]


@admin.register(CaseSet)
class CaseSetAdmin(admin.ModelAdmin):
    list_display = ["title", "slug"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CaseSetItemInline]


@admin.register(PayerProfile)
class PayerProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "builtin", "owner", "unit_method", "distinct_modifiers"]
    list_filter = ["builtin", "unit_method", "medicare"]
    search_fields = ["name", "key"]

    def has_change_permission(self, request: HttpRequest, obj: PayerProfile | None = None) -> bool:
        # Built-ins are reloaded from fixtures/payer_profiles.json: an edit here would not last.
        return (obj is None or not obj.builtin) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PayerProfile | None = None) -> bool:
        return (obj is None or not obj.builtin) and super().has_delete_permission(request, obj)
