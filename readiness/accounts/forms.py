from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from ..access import grantable_roles, scope_of
from ..models import AccountImport, County, School, User
from . import services


class AccountForm(forms.Form):
    """An account's details; the user name and the first password's delivery only
    when it is created. The county is chosen by the city bureau only: a county
    official's accounts are of their county."""

    username = forms.CharField(
        label=_("User name"), max_length=150,
        help_text=_("For a school contact, the school code does well."),
    )  # fmt: skip
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    role = forms.ChoiceField(label=_("Role"), initial=User.Role.SCHOOL)
    school = forms.CharField(
        label=_("School code"), max_length=10, required=False,
        help_text=_("For a school contact."),
    )  # fmt: skip
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.order_by("order", "code"), required=False,
        to_field_name="code", help_text=_("For a county official, or a county team's member."),
    )  # fmt: skip
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    delivery = forms.ChoiceField(
        label=_("First password"), choices=AccountImport.Delivery.choices,
        initial=AccountImport.Delivery.SHEET, widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(self, *args, actor: User, account: User | None = None, **kwargs) -> None:
        if account is not None:
            kwargs.setdefault("initial", {}).update(
                full_name=account.full_name, role=account.role, phone=account.phone,
                email=account.email, school=account.school.code if account.school else "",
                county=account.county.code if account.county else None,
            )  # fmt: skip
        super().__init__(*args, **kwargs)
        roles = grantable_roles(actor)
        self.fields["role"].choices = [(v, label) for v, label in User.Role.choices if v in roles]
        if account is not None:
            del self.fields["username"], self.fields["delivery"]
        if not scope_of(actor).is_city:
            del self.fields["county"]

    def clean_school(self) -> School | None:
        code = self.cleaned_data["school"].strip()
        if not code:
            return None
        school = School.objects.select_related("county").filter(code=code).first()
        if school is None:
            raise forms.ValidationError(
                _("No school has the code %(code)s."), params={"code": code}
            )
        return school

    def details(self) -> services.AccountDetails:
        data = self.cleaned_data
        return services.AccountDetails(
            full_name=data["full_name"], role=data["role"], county=data.get("county"),
            school=data.get("school"), phone=data["phone"], email=data["email"],
        )  # fmt: skip


class OwnDetailsForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (xlsx or csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    delivery = forms.ChoiceField(
        label=_("First password"), choices=AccountImport.Delivery.choices,
        initial=AccountImport.Delivery.LINK, widget=forms.RadioSelect,
    )  # fmt: skip


class HolderPasswordMixin:
    """The holder chose a password: through the service, so that an initial
    password is no longer in force and the change is audited."""

    def save(self, commit: bool = True) -> User:
        return services.password_set_by_holder(
            actor=self.user, password=self.cleaned_data["new_password1"]
        )


class PasswordChangeForm(HolderPasswordMixin, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(HolderPasswordMixin, auth_forms.SetPasswordForm):
    pass
