from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "clinic_coder.cases"
    label = "cases"
