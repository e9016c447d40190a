from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Clinic Coder", {"fields": ["role"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, ("Clinic Coder", {"fields": ["role"]})]
