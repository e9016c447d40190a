from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "clinic_coder.catalog"
    label = "catalog"
    verbose_name = "Code catalog"
