from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clinic_coder.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from clinic_coder.database import refresh_after_migrate
        from clinic_coder.middleware import note_sign_in

        # The idle timeout counts from signing in; noting it then saves a write on the
        # first page.
        user_logged_in.connect(note_sign_in, dispatch_uid="idle-timeout-sign-in")
        # Once per migrate (post_migrate is sent for each app): every table exists by then.
        post_migrate.connect(refresh_after_migrate, sender=self, dispatch_uid="refresh-statistics")
