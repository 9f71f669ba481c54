"""REST API of inspections: the same selectors and services as the pages.

Actions validate an input serializer, call the service and return an output
serializer; the project's one exception handler (``readiness.exceptions``) turns
the service's errors into responses, so no action catches them itself.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from readiness import idempotency
from readiness import selectors as school_selectors
from readiness.api import SchoolFieldsMixin, user_or_400
from readiness.models import County, School, User

from . import selectors, services, staffing
from .access import require_member
from .models import (
    Aspect,
    Finding,
    InspectionSquad,
    KeyArea,
    RectificationNotice,
    RectificationReport,
    Visit,
    VisitCheck,
)


class VisitSerializer(SchoolFieldsMixin, serializers.ModelSerializer):
    squad = serializers.CharField(source="squad.name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "school_code",
            "school_name",
            "squad",
            "status",
            "planned_on",
            "visited_at",
        ]  # the squad's own summary stays with the squad, as on the pages


class FindingSerializer(SchoolFieldsMixin, serializers.ModelSerializer):
    # A finding is about a key area or an aspect: the other is null.
    key_area = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    aspect = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "visit",
            "school_code",
            "school_name",
            "description",
            "key_area",
            "aspect",
            "severity",
            "requirement",
            "deadline",
            "status",
            "overdue",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = RectificationNotice
        fields = [
            "id",
            "title",
            "visit",
            "year",
            "number",
            "version",
            "supersedes",
            "findings",
            "sha256",
            "code",
            "issued_at",
        ]


class ReportOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationReport
        fields = ["id", "finding", "text", "submitted_at", "decision", "reason", "decided_at"]
        read_only_fields = fields


class ReportInputSerializer(serializers.Serializer):
    finding = serializers.IntegerField(
        min_value=1, help_text="A finding of the user's own school: 404 for any other."
    )
    text = serializers.CharField(help_text="What the school did.")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FindingSerializer
    filterset_class = selectors.FindingFilter

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user).order_by("deadline", "pk")


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NoticeSerializer

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user, with_findings=True)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse:
        notice = self.get_object()
        response = FileResponse(notice.pdf.open("rb"), content_type="application/pdf")
        response["X-Content-SHA256"] = notice.sha256
        return response


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectification reports: the school submits, the squad accepts or rejects."""

    serializer_class = ReportOutputSerializer

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    @extend_schema(
        request=ReportInputSerializer,
        responses={
            201: ReportOutputSerializer,
            400: OpenApiResponse(description="The input or the finding's state is refused."),
            403: OpenApiResponse(description="Only the finding's school reports."),
            404: OpenApiResponse(description="No such finding among those the user sees."),
        },
    )
    def create(self, request: Request) -> Response:
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = selectors.finding_get_for_user(
            user=request.user, pk=data.validated_data["finding"]
        )
        report = services.report_submit(
            actor=request.user, finding=finding, text=data.validated_data["text"]
        )
        return Response(ReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReportOutputSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        report = services.report_accept(actor=request.user, report=self.get_object())
        return Response(ReportOutputSerializer(report).data)

    @extend_schema(request=ReasonInputSerializer, responses=ReportOutputSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()  # out of sight: 404 whatever was sent
        require_member(request.user, report.finding.visit.squad)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_reject(
            actor=request.user, report=report, reason=data.validated_data["reason"]
        )
        return Response(ReportOutputSerializer(report).data)


# --- the field app's work: planning, the draw, recording, findings, notices -----------------

DRAW_SECONDS = 60 * 60  # a proposal waits an hour for the squad's confirmation


class VisitPlanInputSerializer(serializers.Serializer):
    squad = serializers.IntegerField(help_text="A squad of the caller's: 404 for any other.")
    schools = serializers.ListField(
        child=serializers.CharField(max_length=10), min_length=1, max_length=50,
        help_text="School codes, each in the squad's counties.",
    )  # fmt: skip
    planned_on = serializers.DateField()


class DrawInputSerializer(serializers.Serializer):
    squad = serializers.IntegerField()
    count = serializers.IntegerField(min_value=1, max_value=50)
    skip_days = serializers.IntegerField(min_value=0, max_value=365, default=30)
    planned_on = serializers.DateField()


class DrawnSchoolSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField(help_text="risk level × (1 + past findings)")


class DrawOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it to draw/confirm/ within the hour.")
    squad = serializers.IntegerField()
    planned_on = serializers.DateField()
    schools = DrawnSchoolSerializer(many=True)


class DrawConfirmSerializer(serializers.Serializer):
    token = serializers.CharField()


class CheckSerializer(serializers.Serializer):
    key_area = serializers.CharField(required=False, help_text="a key area's code, or")
    aspect = serializers.CharField(required=False, help_text="an aspect's code")
    result = serializers.ChoiceField(choices=VisitCheck.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class RecordInputSerializer(serializers.Serializer):
    visited_at = serializers.DateTimeField()
    present = serializers.ListField(child=serializers.IntegerField(), min_length=1,
                                    help_text="User ids of the squad members present.")  # fmt: skip
    checks = CheckSerializer(many=True, help_text="A result for every key area and aspect.")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class FindingInputSerializer(serializers.Serializer):
    description = serializers.CharField()
    requirement = serializers.CharField(help_text="What must be done.")
    severity = serializers.ChoiceField(choices=Finding.Severity.choices)
    key_area = serializers.CharField(required=False, help_text="a key area's code, or")
    aspect = serializers.CharField(required=False, help_text="an aspect's code")
    deadline = serializers.DateField(
        required=False, help_text="By default the city's deadline for the severity."
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class NoticeInputSerializer(serializers.Serializer):
    findings = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    corrects = serializers.IntegerField(
        required=False,
        help_text="The notice in force this one corrects (same number, next version).",
    )


def _place(code_of_area: str | None, code_of_aspect: str | None) -> tuple:
    """(key area, aspect) from their codes; an unknown code is refused by name."""
    key_area = KeyArea.objects.filter(code=code_of_area).first() if code_of_area else None
    aspect = Aspect.objects.filter(code=code_of_aspect).first() if code_of_aspect else None
    if (code_of_area and key_area is None) or (code_of_aspect and aspect is None):
        raise serializers.ValidationError(
            {"place": [f"unknown key area or aspect: {code_of_area or code_of_aspect}"]}
        )
    return key_area, aspect


PLAN_EXAMPLE = {"squad": 1, "schools": ["2137020001", "2137020005"], "planned_on": "2026-12-08"}
RECORD_EXAMPLE = {
    "visited_at": "2026-12-08T09:40:00+08:00",
    "present": [31, 32],
    "checks": [
        {"key_area": "gate", "result": "ok"},
        {"key_area": "canteen", "result": "problem", "note": "留样记录缺两天"},
        {"aspect": "drills", "result": "skipped", "note": "演练记录在档案室，负责人不在"},
    ],
    "summary": "校门口测温点运转正常，食堂留样不全。",
}


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Visits; planned ones only for their squad and the city bureau (404 for
    everyone else). And what a squad does in the field, through the same services
    as the pages: plan visits, draw schools (a proposal, then its confirmation),
    record a visit, add findings with photos, issue a notice."""

    serializer_class = VisitSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user).order_by("-planned_on", "pk")

    def _require_squad(self) -> None:
        """Planning and drawing are a squad member's: 403 for anyone on no squad,
        before the input is read."""
        if not selectors.squad_list(user=self.request.user).exists():
            raise PermissionDenied

    def _own_visit(self) -> Visit:
        """The visit (404 out of sight), and 403 unless the caller is on its squad."""
        visit = self.get_object()
        require_member(self.request.user, visit.squad)
        return visit

    def _squad(self, pk: int) -> InspectionSquad:
        squad = selectors.squad_list(user=self.request.user).filter(pk=pk).first()
        if squad is None:
            raise Http404
        return squad

    def _schools(self, codes: list[str]) -> list[School]:
        found = {s.code: s for s in school_selectors.school_list(user=self.request.user)
                 .filter(code__in=codes)}  # fmt: skip
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(
                {"schools": [f"unknown or outside your scope: {', '.join(unknown)}"]}
            )
        return [found[code] for code in codes]

    @extend_schema(
        request=VisitPlanInputSerializer, responses={201: VisitSerializer(many=True)},
        examples=[OpenApiExample("Two schools on one day", value=PLAN_EXAMPLE, request_only=True)],
    )  # fmt: skip
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        self._require_squad()
        params = VisitPlanInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        visits = services.visit_plan(
            actor=request.user, squad=self._squad(data["squad"]),
            schools=self._schools(data["schools"]), planned_on=data["planned_on"],
        )  # fmt: skip
        return Response(VisitSerializer(visits, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DrawInputSerializer, responses=DrawOutputSerializer,
        examples=[OpenApiExample("Three schools", request_only=True,
                                 value={"squad": 1, "count": 3, "skip_days": 30, "planned_on": "2026-12-08"})],
    )  # fmt: skip
    @action(detail=False, methods=["post"])
    def draw(self, request: Request) -> Response:
        """Draws schools, weighted by risk and past findings; nothing is planned
        until the proposal's token comes back to ``draw/confirm/``."""
        self._require_squad()
        params = DrawInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        squad = self._squad(data["squad"])
        proposal = services.visit_draw_propose(
            actor=request.user, squad=squad, count=data["count"], skip_days=data["skip_days"]
        )
        token = secrets.token_urlsafe(16)
        kept = {"user": request.user.pk, "squad": squad.pk,
                "planned_on": data["planned_on"].isoformat(), "schools": [s.pk for s, _w in proposal]}  # fmt: skip
        cache.set(f"visit-draw:{token}", kept, DRAW_SECONDS)
        body = {
            "token": token, "squad": squad.pk, "planned_on": data["planned_on"],
            "schools": [{"code": s.code, "name": s.name, "weight": w} for s, w in proposal],
        }  # fmt: skip
        return Response(DrawOutputSerializer(body).data)

    @extend_schema(request=DrawConfirmSerializer, responses={201: VisitSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="draw/confirm")
    def draw_confirm(self, request: Request) -> Response:
        """Plans the proposal the squad saw (the one kept under its token, once)."""
        self._require_squad()
        params = DrawConfirmSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        key = f"visit-draw:{params.validated_data['token']}"
        kept = cache.get(key)
        if not kept or kept["user"] != request.user.pk:
            raise serializers.ValidationError(
                {"token": [_("This draw is no longer the latest one: draw again.")]}
            )
        schools = list(
            school_selectors.school_list(user=request.user)
            .filter(pk__in=kept["schools"])
            .order_by("code")
        )
        visits = services.visit_draw_confirm(
            actor=request.user, squad=self._squad(kept["squad"]), schools=schools,
            planned_on=dt.date.fromisoformat(kept["planned_on"]),
        )  # fmt: skip
        cache.delete(key)
        return Response(VisitSerializer(visits, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RecordInputSerializer, responses=VisitSerializer,
        parameters=[idempotency.PARAMETER],
        examples=[OpenApiExample("A morning visit", value=RECORD_EXAMPLE, request_only=True)],
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def record(self, request: Request, pk: str | None = None) -> Response:
        visit = self._own_visit()
        params = RecordInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        checks = []
        for row in data["checks"]:
            key_area, aspect = _place(row.get("key_area"), row.get("aspect"))
            checks.append(services.CheckInput(result=row["result"], note=row["note"],
                                              key_area=key_area, aspect=aspect))  # fmt: skip
        present = list(User.objects.filter(pk__in=data["present"]))
        if len(present) != len(set(data["present"])):
            raise serializers.ValidationError({"present": ["unknown user"]})
        visit = services.visit_record(
            actor=request.user, visit=visit, visited_at=data["visited_at"], present=present,
            checks=checks, summary=data["summary"],
        )  # fmt: skip
        return Response(VisitSerializer(visit).data)

    @extend_schema(
        request={"multipart/form-data": FindingInputSerializer},
        responses={201: FindingSerializer},
        parameters=[idempotency.PARAMETER],
    )
    @action(
        detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser]
    )
    @idempotency.idempotent
    def findings(self, request: Request, pk: str | None = None) -> Response:
        """A finding of the recorded visit, with its photos (all kept, or none)."""
        visit = self._own_visit()
        params = FindingInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        key_area, aspect = _place(data.get("key_area"), data.get("aspect"))
        photos = [(upload.name, upload.read()) for upload in data["photos"]]
        bad = [name for name, content in photos if not services.is_photo(content)]
        if bad:
            raise serializers.ValidationError({"photos": [f"not a photo: {', '.join(bad)}"]})
        finding = services.finding_add(
            actor=request.user, visit=visit, description=data["description"],
            severity=data["severity"], requirement=data["requirement"], key_area=key_area,
            aspect=aspect, deadline=data.get("deadline"), photos=photos,
        )  # fmt: skip
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=NoticeInputSerializer, responses={201: NoticeSerializer},
        parameters=[idempotency.PARAMETER],
        examples=[OpenApiExample("Two findings on one notice", request_only=True, value={"findings": [101, 102]}),
                  OpenApiExample("A correction of notice 12", request_only=True,
                                 value={"findings": [101, 102, 103], "corrects": 12})],
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def notices(self, request: Request, pk: str | None = None) -> Response:
        """A numbered rectification notice for findings of the visit (its PDF at
        ``notices/{id}/pdf/``); with ``corrects``, the next version of a notice."""
        visit = self._own_visit()
        params = NoticeInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        corrects = None
        if params.validated_data.get("corrects"):
            corrects = (
                selectors.notice_list(user=request.user)
                .filter(pk=params.validated_data["corrects"], visit=visit)
                .first()
            )
            if corrects is None:
                raise serializers.ValidationError({"corrects": ["no such notice of this visit"]})
        notice = services.notice_issue(
            actor=request.user, visit=visit, finding_ids=params.validated_data["findings"],
            corrects=corrects,
        )  # fmt: skip
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


# --- staffing: who is on each squad (inspections.staffing) ------------------------------------


class SquadOutputSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    counties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = InspectionSquad
        fields = ["id", "name", "leader", "members", "counties"]


class SquadUserSerializer(serializers.Serializer):
    user = serializers.IntegerField(allow_null=True)


class SquadCountiesSerializer(serializers.Serializer):
    counties = serializers.SlugRelatedField(
        slug_field="code", queryset=County.objects.all(), many=True,
        help_text="County codes; at least one.",
    )  # fmt: skip


class SquadViewSet(viewsets.ReadOnlyModelViewSet):
    """The squads, staffed by the city bureau alone: members, the leader among
    them, the counties covered; through the same services as the pages."""

    serializer_class = SquadOutputSerializer

    def get_queryset(self):
        return (
            staffing.squad_staffable(user=self.request.user)
            .prefetch_related("members", "counties")
            .order_by("name")
        )

    @extend_schema(request=SquadUserSerializer, responses={201: SquadOutputSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        squad = self.get_object()
        params = SquadUserSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        user = user_or_400(params.validated_data["user"])
        if user is None:
            raise serializers.ValidationError({"user": ["name the inspector"]})
        staffing.squad_member_add(actor=request.user, squad=squad, user=user)
        return Response(SquadOutputSerializer(self.get_object()).data, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>\d+)")
    def member_remove(
        self, request: Request, pk: str | None = None, user_id: str = ""
    ) -> Response:
        squad = self.get_object()
        staffing.squad_member_remove(
            actor=request.user, squad=squad, user=user_or_400(int(user_id))
        )
        return Response(status=204)

    @extend_schema(request=SquadUserSerializer, responses=SquadOutputSerializer)
    @action(detail=True, methods=["post"])
    def leader(self, request: Request, pk: str | None = None) -> Response:
        squad = self.get_object()
        params = SquadUserSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        staffing.squad_leader_set(
            actor=request.user, squad=squad, user=user_or_400(params.validated_data["user"])
        )
        return Response(SquadOutputSerializer(self.get_object()).data)

    @extend_schema(request=SquadCountiesSerializer, responses=SquadOutputSerializer)
    @action(detail=True, methods=["put"])
    def counties(self, request: Request, pk: str | None = None) -> Response:
        squad = self.get_object()
        params = SquadCountiesSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        staffing.squad_counties_set(
            actor=request.user, squad=squad, counties=params.validated_data["counties"]
        )
        return Response(SquadOutputSerializer(self.get_object()).data)
