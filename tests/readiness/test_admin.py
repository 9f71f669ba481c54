from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from readiness.models import School


def test_every_model_has_an_admin_that_opens(login, superuser, school_a):
    client = login(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_the_admin_is_closed_to_staff_who_are_not_superusers(login, make_user, county_a):
    official = make_user("county_official", county=county_a, is_staff=True)
    response = login(official).get(reverse("admin:readiness_school_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_admin_import_reads_a_gbk_csv(login, superuser, county_a):
    data = "学校代码,学校名称,县区代码,学段\r\n2137029901,兰山区后台导入小学,371302,小学\r\n"
    client = login(superuser)
    response = client.post(
        reverse("admin:readiness_school_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("s.csv", data.encode("gbk")),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "兰山区后台导入小学" in body
    form = response.context["confirm_form"]
    confirm = client.post(
        reverse("admin:readiness_school_process_import"),
        {**form.initial, "resource": "0"},
    )
    assert confirm.status_code == 302
    assert School.objects.get(code="2137029901").name == "兰山区后台导入小学"
    assert list(School.objects.values_list("code", "name", "county__code", "level")) == [
        ("2137029901", "兰山区后台导入小学", "371302", "primary")
    ]


def test_admin_import_refuses_an_unknown_county(login, superuser, county_a):
    data = "学校代码,学校名称,县区代码,学段\r\n2137029901,某小学,379999,小学\r\n"
    response = login(superuser).post(
        reverse("admin:readiness_school_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("s.csv", data.encode()),
        },
    )
    assert "未知的县区代码“379999”" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not School.objects.exists()


def test_admin_confirm_writes_nothing_when_a_row_turned_invalid(
    login, superuser, county_a, county_b
):
    data = (
        "学校代码,学校名称,县区代码,学段\r\n"
        "2137029901,兰山区甲小学,371302,小学\r\n2137029902,沂水县乙小学,371323,小学\r\n"
    )
    client = login(superuser)
    response = client.post(
        reverse("admin:readiness_school_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("s.csv", data.encode()),
        },
    )
    form = response.context["confirm_form"]
    county_b.delete()  # meanwhile the second row's county is gone
    confirm = client.post(
        reverse("admin:readiness_school_process_import"), {**form.initial, "resource": "0"}
    )
    assert confirm.status_code == 302
    assert not School.objects.filter(code="2137029901").exists()
    assert not School.objects.exists()


def test_an_admin_edit_of_a_school_goes_through_its_service(login, superuser, school_a):
    url = reverse("admin:readiness_school_change", args=[school_a.pk])
    client = login(superuser)
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["principal"] = "李校长"
    assert client.post(url, data).status_code == 302
    school_a.refresh_from_db()
    assert school_a.principal == "李校长"
    latest = school_a.history.latest()
    assert (latest.history_user, latest.principal) == (superuser, "李校长")


def test_schools_are_not_added_in_the_admin(login, superuser):
    assert login(superuser).get(reverse("admin:readiness_school_add")).status_code == 403
