from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clinic_coder.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from clinic_coder.middleware import note_sign_in

        # The idle timeout counts from signing in; noting it then saves a write on the
        # first page.
        user_logged_in.connect(note_sign_in, dispatch_uid="idle-timeout-sign-in")
