"""factory_boy factories of the readiness app (counties, schools, users)."""

from __future__ import annotations

import factory

from readiness.models import County, School, User


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{371400 + n:06d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    kind = County.Kind.COUNTY
    order = factory.Sequence(lambda n: n)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"{2137000000 + n:010d}")
    name = factory.Sequence(lambda n: f"测试第{n}小学")
    county = factory.SubFactory(CountyFactory)
    level = School.Level.PRIMARY
    jurisdiction = School.Jurisdiction.COUNTY
    students = 600
    staff = 45
    principal = "王校长"
    risk_level = School.Risk.LOW


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.CITY_STAFF
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-2020")

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, minimal PDF (blank A7 pages), as a reader accepts it."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=210, height=298)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
