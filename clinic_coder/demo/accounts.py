"""Demo accounts and cohort, so every role can be tried on a fresh clone."""

from django.db import transaction

from clinic_coder.accounts.models import Role, User
from clinic_coder.cohorts.models import Cohort, Enrollment

DEMO_PASSWORD = "clinic-demo"

DEMO_USERS = [
    {"username": "student", "first_name": "Sam", "last_name": "Rivera", "role": Role.STUDENT},
    {"username": "student2", "first_name": "Alex", "last_name": "Chen", "role": Role.STUDENT},
    {
        "username": "instructor",
        "first_name": "Dana",
        "last_name": "Okafor",
        "role": Role.INSTRUCTOR,
    },
    {"username": "supervisor", "first_name": "Lee", "last_name": "Morgan", "role": Role.SUPERVISOR},
    {"username": "admin", "first_name": "Ada", "last_name": "Admin", "role": Role.INSTRUCTOR},
]
DEMO_COHORT = {"name": "Demo cohort", "term": "Spring clinic rotation"}


@transaction.atomic
def create_demo_accounts() -> dict[str, User]:
    """Create the demo users and cohort; running it again changes nothing but passwords."""
    users = {}
    for row in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=row["username"],
            defaults={
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "email": f"{row['username']}@demo.clinic-coder.invalid",
                "role": row["role"],
                "is_staff": row["username"] == "admin",
                "is_superuser": row["username"] == "admin",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users[user.username] = user

    cohort, _ = Cohort.objects.get_or_create(**DEMO_COHORT)
    cohort.instructors.add(users["instructor"])
    cohort.supervisors.add(users["supervisor"])
    for username in ("student", "student2"):
        Enrollment.objects.get_or_create(cohort=cohort, student=users[username])
    return users
