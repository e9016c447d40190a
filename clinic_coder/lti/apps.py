from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "clinic_coder.lti"
    label = "lti"
    verbose_name = "LTI (LMS connections)"

    def ready(self) -> None:
        from clinic_coder.practice.scores import score_changed

        from .passback import queue_passback

        # Grade passback follows every score change; the receiver only queues a task.
        score_changed.connect(queue_passback, dispatch_uid="lti-grade-passback")
