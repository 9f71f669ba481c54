from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Verification of reopening conditions")

    def ready(self) -> None:
        from . import selectors
        from .models import Department

        # The items each worker keeps carry their departments (selectors.template_items).
        post_save.connect(
            selectors.department_changed, sender=Department,
            dispatch_uid="verification.department_saved",
        )  # fmt: skip
        post_delete.connect(
            selectors.department_changed, sender=Department,
            dispatch_uid="verification.department_deleted",
        )  # fmt: skip
