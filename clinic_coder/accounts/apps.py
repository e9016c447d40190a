from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clinic_coder.accounts"
    label = "accounts"
