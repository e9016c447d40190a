from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "clinic_coder.progress"
    label = "progress"
