"""Versions of the rules: published versions are frozen, one draft at a time."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from verification import selectors, services


def test_verifications_keep_the_version_they_started_with(verification, template, county_members):
    draft = services.template_new_draft(template=template)
    draft.items.filter(code="05").update(text="已修改的要求")
    services.template_publish(template=draft)
    template.refresh_from_db()
    assert template.status == "retired"
    codes = {row.item.template_id for row in selectors.checklist(verification=verification).rows}
    assert codes == {template.pk}


def test_a_published_template_cannot_be_published_again_and_one_draft_at_a_time(template):
    with pytest.raises(ValidationError):
        services.template_publish(template=template)
    services.template_new_draft(template=template)
    with pytest.raises(ValidationError):
        services.template_new_draft(template=template)
