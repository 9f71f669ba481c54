"""The inspection settings the city bureau sets (readiness.city_settings): how many
days a school has to rectify a finding of each severity, unless the squad sets a
date of its own."""

from django.utils.translation import gettext_lazy as _

from readiness.city_settings import Setting

GROUP = _("Rectification deadlines")

SETTINGS = [
    Setting(
        "inspections.deadline.critical", _("Critical finding"), 3, low=1, high=30, group=GROUP
    ),
    Setting("inspections.deadline.major", _("Major finding"), 7, low=1, high=60, group=GROUP),
    Setting("inspections.deadline.minor", _("Minor finding"), 14, low=1, high=90, group=GROUP),
]
