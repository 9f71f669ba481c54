import importlib

from django.conf import settings
from django.core.management.base import BaseCommand

from readiness import demo
from readiness.models import User


class Command(BaseCommand):
    help = "Prints the portal's address and the demo logins."

    def handle(self, *args, **options) -> None:
        self.stdout.write("\n  临沂市学校开学条件核验平台  http://127.0.0.1:8000/\n")
        self.stdout.write(f"  Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        names = [
            name
            for path in settings.DEMO_SEEDERS
            for name in getattr(importlib.import_module(path), "LOGINS", [])
        ]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        for username in names:
            user = users.get(username)
            if user is not None:
                role = user.get_role_display() or "superuser"
                self.stdout.write(f"    {username:<16} {role}  {user.full_name}")
        self.stdout.write("")
