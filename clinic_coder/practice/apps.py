from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "clinic_coder.practice"
    label = "practice"
