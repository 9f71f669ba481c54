"""REST API of verification: the same selectors and services as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response as ApiResponse

from . import selectors, services
from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, Response, Verification


class ItemSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "code",
            "text",
            "guidance",
            "department",
            "veto",
            "evidence_required",
            "levels",
            "boarding_only",
        ]


class SectionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistSection
        fields = ["code", "title", "items"]


class TemplateSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "version", "status", "published_at", "sections"]


class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """The published (and retired) versions of the rules."""

    serializer_class = TemplateSerializer

    def get_queryset(self):
        items = ChecklistItem.objects.select_related("department").order_by("order", "code")
        return selectors.template_list().prefetch_related(
            Prefetch("sections", ChecklistSection.objects.order_by("order")),
            Prefetch("sections__items", items),
        )


class VerificationSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    county = serializers.CharField(source="school.county.code", read_only=True)
    team = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Verification
        fields = [
            "id",
            "school_code",
            "school_name",
            "county",
            "team",
            "template",
            "status",
            "planned_on",
            "result",
            "reverify_due",
            "previous",
            "return_reason",
            "submitted_at",
            "approved_at",
        ]


class AnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    answer = serializers.ChoiceField(choices=Response.Answer.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    revision = serializers.IntegerField(
        help_text="The revision the client saw: 0 for an item not yet answered."
    )


class NoBodySerializer(serializers.Serializer):
    """The workflow actions take no body."""


class ApproveSerializer(serializers.Serializer):
    reverify_due = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


def _rows(sheet) -> list[dict]:
    return [
        {
            "item": row.item.pk,
            "code": row.item.code,
            "department": row.item.department.code,
            "answer": row.response.answer if row.response else None,
            "note": row.response.note if row.response else "",
            "revision": row.response.revision if row.response else 0,
            "evidence": len(row.evidence),
        }
        for row in sheet.rows
    ]


class VerificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Verifications in the caller's scope; answers and the workflow as actions."""

    serializer_class = VerificationSerializer
    filterset_fields = ["status", "result"]

    def get_queryset(self):
        return selectors.verification_list(user=self.request.user).order_by("-planned_on", "pk")

    def get_object(self):
        return selectors.verification_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        verification = self.get_object()
        sheet = selectors.checklist(verification=verification)
        data = self.get_serializer(verification).data
        data["progress"] = {"answered": sheet.answered, "total": sheet.total}
        data["answers"] = _rows(sheet)
        return ApiResponse(data)

    def _run(self, serializer_class, run):
        verification = self.get_object()
        params = serializer_class(data=self.request.data) if serializer_class else None
        if params is not None:
            params.is_valid(raise_exception=True)
        try:
            result = run(verification, params.validated_data if params else {})
        except ValidationError as error:
            raise ApiValidationError(error.messages) from None
        return result

    @action(detail=True, methods=["post"], serializer_class=AnswerSerializer)
    def answers(self, request, pk=None):
        def run(verification, data):
            try:
                response = services.response_save(
                    actor=request.user,
                    verification=verification,
                    item_id=data["item"],
                    answer=data["answer"],
                    note=data["note"],
                    revision=data["revision"],
                )
            except services.StaleAnswer as stale:
                return ApiResponse(
                    {"detail": "stale", "current": stale.payload()},
                    status=status.HTTP_409_CONFLICT,
                )
            return ApiResponse(
                {
                    "item": response.item_id,
                    "answer": response.answer,
                    "note": response.note,
                    "revision": response.revision,
                }
            )

        return self._run(AnswerSerializer, run)

    @action(detail=True, methods=["post"], serializer_class=NoBodySerializer)
    def confirm(self, request, pk=None):
        def run(verification, _data):
            signoff = services.department_confirm(actor=request.user, verification=verification)
            return ApiResponse({"department": signoff.department.code})

        return self._run(None, run)

    @action(detail=True, methods=["post"], serializer_class=NoBodySerializer)
    def submit(self, request, pk=None):
        return self._run(
            None,
            lambda v, _d: ApiResponse(
                VerificationSerializer(
                    services.verification_submit(actor=request.user, verification=v)
                ).data
            ),
        )

    @action(detail=True, methods=["post"], serializer_class=ApproveSerializer)
    def approve(self, request, pk=None):
        return self._run(
            ApproveSerializer,
            lambda v, d: ApiResponse(
                VerificationSerializer(
                    services.verification_approve(
                        actor=request.user, verification=v, reverify_due=d["reverify_due"]
                    )
                ).data
            ),
        )

    @action(detail=True, methods=["post"], serializer_class=ReturnSerializer, url_path="return")
    def send_back(self, request, pk=None):
        return self._run(
            ReturnSerializer,
            lambda v, d: ApiResponse(
                VerificationSerializer(
                    services.verification_return(
                        actor=request.user, verification=v, reason=d["reason"]
                    )
                ).data
            ),
        )
