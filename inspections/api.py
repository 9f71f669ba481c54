"""REST API of inspections: the same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from . import selectors, services
from .models import Finding, RectificationNotice, RectificationReport, Visit


class VisitSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
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


class FindingSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    key_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    aspect = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "visit",
            "school_code",
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


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationReport
        fields = ["id", "finding", "text", "submitted_at", "decision", "reason", "decided_at"]
        read_only_fields = ["submitted_at", "decision", "reason", "decided_at"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoBodySerializer(serializers.Serializer):
    """Accepting a report takes no body."""


def _run(call):
    try:
        return call()
    except ValidationError as error:
        raise ApiValidationError(error.messages) from None


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
        return selectors.notice_list(user=self.request.user).prefetch_related("findings")

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        notice = self.get_object()
        response = FileResponse(notice.pdf.open("rb"), content_type="application/pdf")
        response["X-Content-SHA256"] = notice.sha256
        return response


class ReportViewSet(viewsets.ModelViewSet):
    """Rectification reports: the school submits, the squad accepts or rejects."""

    serializer_class = ReportSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        visible = selectors.finding_list(user=user)
        return RectificationReport.objects.filter(finding__in=visible).order_by("-submitted_at")

    def perform_create(self, serializer):
        finding = selectors.finding_get_for_user(
            user=self.request.user, pk=serializer.validated_data["finding"].pk
        )
        serializer.instance = _run(
            lambda: services.report_submit(
                actor=self.request.user, finding=finding, text=serializer.validated_data["text"]
            )
        )

    @action(detail=True, methods=["post"], serializer_class=NoBodySerializer)
    def accept(self, request, pk=None):
        report = self.get_object()
        return Response(
            ReportSerializer(
                _run(lambda: services.report_accept(actor=request.user, report=report))
            ).data
        )

    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def reject(self, request, pk=None):
        report = self.get_object()
        params = ReasonSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return Response(
            ReportSerializer(
                _run(
                    lambda: services.report_reject(
                        actor=request.user, report=report, reason=params.validated_data["reason"]
                    )
                )
            ).data
        )
