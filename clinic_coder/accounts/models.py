from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    INSTRUCTOR = "instructor", "Instructor"
    SUPERVISOR = "supervisor", "Clinic supervisor"


class User(AbstractUser):
    """A person using Clinic Coder. Admins are staff/superusers; everyone else has one role."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT and not self.is_staff

    @property
    def is_instructor(self) -> bool:
        return self.role == Role.INSTRUCTOR

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_admin(self) -> bool:
        return self.is_staff or self.is_superuser

    def has_role(self, *roles: str) -> bool:
        """Admins pass every role check: they may do anything in the product."""
        return self.is_admin or self.role in roles

    @property
    def start_url_name(self) -> str:
        if self.is_admin:
            return "admin:index"
        return {
            Role.INSTRUCTOR: "cohorts:instructor_home",
            Role.SUPERVISOR: "progress:supervisor_dashboard",
        }.get(self.role, "practice:student_home")
