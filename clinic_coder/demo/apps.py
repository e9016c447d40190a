from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a fresh clone: sits above every other app and is imported by none."""

    name = "clinic_coder.demo"
    label = "demo"
