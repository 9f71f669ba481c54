"""REST API of inspections: the same selectors and services as the pages.

Actions validate an input serializer, call the service and return an output
serializer; the project's one exception handler (``readiness.exceptions``) turns
the service's errors into responses, so no action catches them itself.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from readiness.api import SchoolFieldsMixin

from . import selectors, services
from .access import require_member
from .models import Finding, RectificationNotice, RectificationReport, Visit


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


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Visits; planned ones only for their squad and the city bureau."""

    serializer_class = VisitSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user).order_by("-planned_on", "pk")


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
