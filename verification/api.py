"""REST API of verification: the same selectors and services as the pages.

Each action validates its input serializer, calls one service and returns its
output serializer. Refusals are not caught here: the project's exception handler
(``readiness.exceptions``) answers a ValidationError with 400, PermissionDenied
with 403, an unseen verification with 404 and a stale answer with 409.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from readiness import idempotency
from readiness.api import SchoolFieldsMixin, user_or_400

from . import selectors, services, staffing
from .access import require_leader, require_member
from .models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Department,
    Evidence,
    Response,
    TeamMember,
    Verification,
    VerificationTeam,
)

# --- the rules -------------------------------------------------------------------------


class ItemOutputSerializer(serializers.ModelSerializer):
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


class SectionOutputSerializer(serializers.ModelSerializer):
    items = ItemOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistSection
        fields = ["code", "title", "items"]


class TemplateOutputSerializer(serializers.ModelSerializer):
    sections = SectionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "version", "status", "published_at", "sections"]


class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """The published (and retired) versions of the rules."""

    serializer_class = TemplateOutputSerializer

    def get_queryset(self):
        return selectors.template_list(user=self.request.user)


# --- verifications ---------------------------------------------------------------------


class VerificationOutputSerializer(SchoolFieldsMixin, serializers.ModelSerializer):
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


class ProgressOutputSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class ChecklistRowOutputSerializer(serializers.Serializer):
    """One applicable item with its answer (``null`` and revision 0 when unanswered)."""

    item = serializers.IntegerField(source="item.pk")
    code = serializers.CharField(source="item.code")
    department = serializers.CharField(source="item.department.code")
    answer = serializers.ChoiceField(
        source="response.answer", choices=Response.Answer.choices, allow_null=True
    )
    note = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    by_leader = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    def get_by_leader(self, row: selectors.Row) -> bool:
        """Answered by the team leader for the item's department."""
        return bool(row.response and row.response.by_leader)

    def get_note(self, row: selectors.Row) -> str:
        return row.response.note if row.response else ""

    def get_revision(self, row: selectors.Row) -> int:
        return row.response.revision if row.response else 0

    def get_evidence(self, row: selectors.Row) -> int:
        """How many photos or PDFs are attached."""
        return len(row.evidence)


def checklist_rows(rows: list[selectors.Row]) -> list[dict]:
    """The rows as ChecklistRowOutputSerializer writes them, built directly.

    A phone reads its checklist before each save: dozens of rows of eight fields,
    which the serializer's field-by-field machinery made a tenth of the read's work
    (4.8 against 0.4 million instructions for 46 rows, counted by callgrind). The
    serializer stays the schema, and a test keeps the two equal."""
    return [
        {
            "item": row.item.pk,
            "code": row.item.code,
            "department": row.item.department.code,
            "answer": row.response.answer if row.response else None,
            "note": row.response.note if row.response else "",
            "revision": row.response.revision if row.response else 0,
            "by_leader": bool(row.response and row.response.by_leader),
            "evidence": len(row.evidence),
        }
        for row in rows
    ]


class VerificationDetailOutputSerializer(VerificationOutputSerializer):
    """A verification with its checklist; the checklist comes in the context as ``sheet``.
    The API writes it with ``verification_detail``."""

    progress = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(VerificationOutputSerializer.Meta):
        fields = [*VerificationOutputSerializer.Meta.fields, "progress", "answers"]

    @extend_schema_field(ProgressOutputSerializer)
    def get_progress(self, verification: Verification) -> dict:
        sheet = self.context["sheet"]
        return {"answered": sheet.answered, "total": sheet.total}

    @extend_schema_field(ChecklistRowOutputSerializer(many=True))
    def get_answers(self, verification: Verification) -> list:
        return checklist_rows(self.context["sheet"].rows)


_MOMENT = serializers.DateTimeField()  # in the city's time zone, as every serializer writes it


def verification_detail(verification: Verification, sheet: selectors.Checklist) -> dict:
    """The verification as VerificationDetailOutputSerializer writes it, built directly.

    A phone reads it before each save; building the model serializer's fields anew
    for each read cost 3.6 million instructions, a seventh of the read (counted by
    callgrind). The serializer stays the schema, and a test keeps the two equal."""

    def moment(value):
        return None if value is None else _MOMENT.to_representation(value)

    def day(value):
        return None if value is None else value.isoformat()

    school = verification.school
    return {
        "id": verification.pk,
        "school_code": school.code,
        "school_name": school.name,
        "county": school.county.code,
        "team": verification.team.name,
        "template": verification.template_id,
        "status": verification.status,
        "planned_on": day(verification.planned_on),
        "result": verification.result,
        "reverify_due": day(verification.reverify_due),
        "previous": verification.previous_id,
        "return_reason": verification.return_reason,
        "submitted_at": moment(verification.submitted_at),
        "approved_at": moment(verification.approved_at),
        "progress": {"answered": sheet.answered, "total": sheet.total},
        "answers": checklist_rows(sheet.rows),
    }


class AnswerInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    answer = serializers.ChoiceField(choices=Response.Answer.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    revision = serializers.IntegerField(
        min_value=0, help_text="The revision the client saw: 0 for an item not yet answered."
    )


class AnswerOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["item", "answer", "note", "revision", "by_leader"]


def answer_output(response: Response) -> dict:
    """The saved answer as AnswerOutputSerializer writes it, built directly: the answer
    to each of a phone's saves (the serializer stays the schema, and a test keeps the
    two equal)."""
    return {
        "item": response.item_id,
        "answer": response.answer,
        "note": response.note,
        "revision": response.revision,
        "by_leader": response.by_leader,
    }


class StaleAnswerCurrentOutputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=Response.Answer.choices)
    note = serializers.CharField()
    revision = serializers.IntegerField()


class StaleAnswerOutputSerializer(serializers.Serializer):
    """409: someone changed the answer since the client read it; nothing was written."""

    detail = serializers.CharField(help_text='Always "stale".')
    current = StaleAnswerCurrentOutputSerializer(help_text="The answer as it is now.")


class EvidenceInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text="An item already answered.")
    file = serializers.FileField(help_text="A photo (JPEG, PNG, WebP) or a PDF, 10 MB at most.")


class EvidenceOutputSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="response.item_id")
    name = serializers.CharField(source="original_name")
    url = serializers.CharField(source="get_absolute_url")
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "item", "name", "content_type", "size", "url", "thumbnail"]

    def get_thumbnail(self, evidence: Evidence) -> str | None:
        return evidence.get_thumbnail_url() if evidence.thumbnail else None


class ConfirmOutputSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code")


class ApproveInputSerializer(serializers.Serializer):
    reverify_due = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class VerificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Verifications in the caller's scope; answers and the workflow as actions."""

    serializer_class = VerificationOutputSerializer
    filterset_fields = ["status", "result"]

    def get_queryset(self):
        return selectors.verification_list(user=self.request.user).order_by("-planned_on", "pk")

    def get_object(self) -> Verification:
        return selectors.verification_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def _for_write(self) -> Verification:
        """The verification in scope, its row alone: a phone's answer or photo goes to a
        service that reads it again, under its lock, with what it needs."""
        return selectors.verification_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"], with_related=False
        )

    @extend_schema(responses=VerificationDetailOutputSerializer)
    def retrieve(self, request: Request, *args, **kwargs) -> ApiResponse:
        verification = self.get_object()
        sheet = selectors.checklist(verification=verification, authors=False)
        return ApiResponse(verification_detail(verification, sheet))

    @extend_schema(
        request=AnswerInputSerializer,
        responses={200: AnswerOutputSerializer, 409: StaleAnswerOutputSerializer},
        parameters=[idempotency.PARAMETER],
    )
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def answers(self, request: Request, pk: str | None = None) -> ApiResponse:
        verification = self._for_write()
        require_member(request.user, verification)
        params = AnswerInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        response = services.response_save(
            actor=request.user,
            verification=verification,
            item_id=params.validated_data["item"],
            answer=params.validated_data["answer"],
            note=params.validated_data["note"],
            revision=params.validated_data["revision"],
        )
        return ApiResponse(answer_output(response))

    @extend_schema(
        request={"multipart/form-data": EvidenceInputSerializer},
        responses={201: EvidenceOutputSerializer},
        parameters=[idempotency.PARAMETER],
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    @idempotency.idempotent
    def evidence(self, request: Request, pk: str | None = None) -> ApiResponse:
        """A photo or PDF for an answered item (a phone resizes its photos first)."""
        verification = self._for_write()
        require_member(request.user, verification)
        params = EvidenceInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        evidence = services.evidence_add(
            actor=request.user,
            verification=verification,
            item_id=params.validated_data["item"],
            name=upload.name,
            data=upload.read(),
        )
        output = EvidenceOutputSerializer(evidence, context={"request": request})
        return ApiResponse(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ConfirmOutputSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> ApiResponse:
        signoff = services.department_confirm(actor=request.user, verification=self.get_object())
        return ApiResponse(ConfirmOutputSerializer(signoff).data)

    @extend_schema(request=None, responses=VerificationOutputSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> ApiResponse:
        verification = services.verification_submit(
            actor=request.user, verification=self.get_object()
        )
        return ApiResponse(VerificationOutputSerializer(verification).data)

    @extend_schema(request=ApproveInputSerializer, responses=VerificationOutputSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> ApiResponse:
        verification = self.get_object()
        require_leader(request.user, verification)
        params = ApproveInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        verification = services.verification_approve(
            actor=request.user,
            verification=verification,
            reverify_due=params.validated_data["reverify_due"],
        )
        return ApiResponse(VerificationOutputSerializer(verification).data)

    @extend_schema(request=ReturnInputSerializer, responses=VerificationOutputSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: str | None = None) -> ApiResponse:
        verification = self.get_object()
        require_leader(request.user, verification)
        params = ReturnInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        verification = services.verification_return(
            actor=request.user, verification=verification, reason=params.validated_data["reason"]
        )
        return ApiResponse(VerificationOutputSerializer(verification).data)


# --- staffing: who is on each team (verification.staffing) -----------------------------------


class TeamMemberOutputSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.full_name")
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["user", "name", "department"]


class TeamOutputSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    members = TeamMemberOutputSerializer(many=True, read_only=True)

    class Meta:
        model = VerificationTeam
        fields = ["id", "name", "level", "county", "leader", "members"]


class MemberInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(
        help_text="An active verifier of the team's county (or the city's)."
    )
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())


class LeaderInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(allow_null=True, help_text="A member of the team, or null.")


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """The teams the caller staffs (the city bureau every team, a county official
    the county's own), with their members; members added and removed, the leader
    set, through the same services as the pages."""

    serializer_class = TeamOutputSerializer

    def get_queryset(self):
        return (
            staffing.team_staffable(user=self.request.user)
            .prefetch_related("members__user", "members__department")
            .order_by("level", "name")
        )

    @extend_schema(
        request=MemberInputSerializer, responses={201: TeamOutputSerializer},
        examples=[OpenApiExample("A health bureau member", request_only=True,
                                 value={"user": 57, "department": "health"})],
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str | None = None) -> ApiResponse:
        team = self.get_object()
        params = MemberInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        staffing.team_member_add(
            actor=request.user, team=team, user=user_or_400(params.validated_data["user"]),
            department=params.validated_data["department"],
        )  # fmt: skip
        return ApiResponse(TeamOutputSerializer(self.get_object()).data, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>\d+)")
    def member_remove(
        self, request: Request, pk: str | None = None, user_id: str = ""
    ) -> ApiResponse:
        """Ends the user's place in the team; their past work keeps their name."""
        team = self.get_object()
        staffing.team_member_remove(actor=request.user, team=team, user=user_or_400(int(user_id)))
        return ApiResponse(status=204)

    @extend_schema(request=LeaderInputSerializer, responses=TeamOutputSerializer)
    @action(detail=True, methods=["post"])
    def leader(self, request: Request, pk: str | None = None) -> ApiResponse:
        team = self.get_object()
        params = LeaderInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        staffing.team_leader_set(
            actor=request.user, team=team, user=user_or_400(params.validated_data["user"])
        )
        return ApiResponse(TeamOutputSerializer(self.get_object()).data)
