from django.contrib import admin

from clinic_coder.admin_inlines import LabelledTabularInline

from .models import Case, CaseSet, CaseSetItem, DocumentedService


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
