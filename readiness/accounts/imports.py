"""Accounts from a spreadsheet, one row an account (most often one per school:
its contact). Each row goes through ``services.account_create``, so a row is
checked exactly as the form checks it; the file is written whole or not at all."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import may_edit_school
from ..imports import PREVIEW_ROWS, Headers, ImportOutcome, choice_spellings
from ..models import AccountImport, County, School, User
from ..spreadsheets import SpreadsheetError, read_sheet
from . import services

COLUMNS = {
    "school": (gettext_lazy("School code"), "学校代码", "school"),
    "full_name": (gettext_lazy("Full name"), "姓名", "name"),
    "phone": (gettext_lazy("Phone"), "电话", "手机", "手机号"),
    "email": (gettext_lazy("Email"), "邮箱", "电子邮箱", "e-mail"),
    "role": (gettext_lazy("Role"), "角色"),
    "username": (gettext_lazy("User name"), "用户名", "账号"),
    "county": (gettext_lazy("County"), "县区", "区县"),
}
HEADERS = Headers(COLUMNS, required=("full_name",))
ROLES = choice_spellings(User.Role.choices) | {"学校": "school", "学校联络员": "school"}
EXAMPLE = ["1137000001", "王明", "13905391234", "wangming@example.cn", "学校联络员", "", ""]
# A form field's name, as the service reports it, to the file's column.
FIELD_COLUMN = {"username": "username", "full_name": "full_name", "phone": "phone",
                "email": "email", "school": "school", "county": "county"}  # fmt: skip


def account_import(job: AccountImport, data: bytes, dry_run: bool) -> ImportOutcome:
    """Creates the file's accounts in one transaction, kept only when every row is
    right and ``dry_run`` is False; then each gets its link by mail, or waits for
    the printed sheet."""
    try:
        sheet = read_sheet(job.original_name, data)
    except SpreadsheetError as error:
        outcome = ImportOutcome()
        outcome.add_error(None, "", str(error))
        return outcome
    keys, missing, unknown = HEADERS.match(sheet.dataset.headers)
    outcome = ImportOutcome(total=len(sheet.dataset), unknown_columns=unknown)
    if missing:
        outcome.add_error(1, "", HEADERS.missing_message(missing))
        return outcome
    codes = (
        {str(row[keys.index("school")] or "").strip() for row in sheet.dataset}
        if "school" in keys
        else set()
    )
    schools = {
        s.code: s for s in School.objects.filter(code__in=codes - {""}).select_related("county")
    }
    counties = {}
    for county in County.objects.all():
        counties[county.code] = counties[county.name] = county
    seen: dict[str, int] = {}
    created: list[User] = []
    with transaction.atomic():
        for index, row in enumerate(sheet.dataset, start=1):
            line = sheet.line(index)
            cells = {
                key: str(value or "").strip() for key, value in zip(keys, row, strict=True) if key
            }
            account = _row(job, outcome, line, cells, schools, counties, seen)
            if account is not None:
                created.append(account)
                if len(outcome.preview) < PREVIEW_ROWS:
                    outcome.preview.append(_preview(account))
        if outcome.ok and not dry_run:
            job.accounts.add(*created)
            if job.delivery == AccountImport.Delivery.LINK:
                services.links_send(accounts=created)
        if dry_run or not outcome.ok:
            transaction.set_rollback(True)
    outcome.new = len(created) if outcome.ok else 0
    if not outcome.ok:
        outcome.preview = []
    return outcome


def _row(job, outcome, line, cells, schools, counties, seen) -> User | None:
    """The row's account, created (in the import's transaction), or None with the
    row's errors added to ``outcome``."""
    actor = job.owner
    errors = 0

    def refuse(key: str, message: str) -> None:
        nonlocal errors
        errors += 1
        outcome.add_error(line, HEADERS.label(key) if key else "", message)

    role = ROLES.get(cells.get("role", "").lower()) if cells.get("role") else User.Role.SCHOOL
    if role is None:
        refuse("role", _("Unknown role %(role)s.") % {"role": cells["role"]})
    school = None
    code = cells.get("school", "")
    if role == User.Role.SCHOOL:
        school = schools.get(code)
        if not code:
            refuse("school", _("A school contact needs the school's code."))
        elif school is None:
            refuse("school", _("No school has the code %(code)s.") % {"code": code})
        elif not may_edit_school(actor, school):
            refuse("school", _("%(school)s is not a school of yours.") % {"school": school.name})
            school = None
    county = None
    if cells.get("county"):
        county = counties.get(cells["county"])
        if county is None:
            refuse("county", _("No county is called %(county)s.") % {"county": cells["county"]})
    username = cells.get("username") or code
    if not username:
        refuse("username", _("Give a user name (or the school code, which becomes one)."))
    elif username.lower() in seen:
        refuse("username", _("The user name %(name)s is on row %(row)d already.")
               % {"name": username, "row": seen[username.lower()]})  # fmt: skip
    else:
        seen[username.lower()] = line
    if job.delivery == AccountImport.Delivery.LINK and not cells.get("email"):
        refuse(
            "email",
            _("The link is sent by mail: give an email address, or print initial passwords."),
        )
    if errors or role is None:
        return None
    details = services.AccountDetails(
        full_name=cells.get("full_name", ""), role=role, county=county, school=school,
        phone=cells.get("phone", ""), email=cells.get("email", ""),
    )  # fmt: skip
    try:
        with transaction.atomic():
            return services.account_create(actor=actor, username=username, details=details)
    except PermissionDenied:
        refuse("role", _("You may not give the role %(role)s.") % {"role": User.Role(role).label})
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            refuse(FIELD_COLUMN.get(field, ""), " ".join(messages))
    return None


def _preview(account: User) -> dict:
    return {
        str(HEADERS.label("username")): account.username,
        str(HEADERS.label("full_name")): account.full_name,
        str(HEADERS.label("role")): account.get_role_display(),
        str(HEADERS.label("school")): account.school.name if account.school else "",
        str(HEADERS.label("county")): account.county.name if account.county else "",
        str(HEADERS.label("email")): account.email,
    }
