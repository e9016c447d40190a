from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "clinic_coder.cohorts"
    label = "cohorts"
