"""Return plans and drills under /api/v1/: the same selectors and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from readiness import selectors as core_selectors
from readiness.access import may_edit_school

from . import selectors, services
from .models import Drill, PlanPart, PlanStage, ReopeningPlan


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanStage
        fields = ["grades", "return_on"]


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanPart
        fields = ["part", "person", "phone"]


class PlanOutputSerializer(serializers.ModelSerializer):
    school = serializers.SlugRelatedField(slug_field="code", read_only=True)
    stages = StageSerializer(many=True, read_only=True)
    parts = PartSerializer(many=True, read_only=True)
    has_emergency_plan = serializers.SerializerMethodField()

    class Meta:
        model = ReopeningPlan
        fields = [
            "id", "school", "status", "factors", "considerations", "stages", "parts",
            "has_emergency_plan", "return_reason", "submitted_at", "decided_at",
        ]  # fmt: skip

    def get_has_emergency_plan(self, plan: ReopeningPlan) -> bool:
        return bool(plan.emergency_plan)


class PlanInputSerializer(serializers.Serializer):
    factors = serializers.ListField(
        child=serializers.ChoiceField(choices=[c for c, _l in ReopeningPlan.FACTORS]),
        required=False,
        default=list,
    )
    considerations = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    stages = StageSerializer(many=True, required=False, default=list)
    parts = PartSerializer(many=True, required=False, default=list)
    emergency_plan = serializers.FileField(required=False)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Return plans in the caller's scope. A school writes and submits its own
    (``POST plans/``, ``POST plans/{id}/submit/``); its county (the city bureau
    for city-direct schools) approves or returns it (``POST plans/{id}/decide/``)."""

    serializer_class = PlanOutputSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            selectors.plan_list(user=self.request.user)
            .prefetch_related("stages", "parts")
            .order_by("school__code")
        )

    def get_object(self) -> ReopeningPlan:
        return selectors.plan_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=PlanInputSerializer, responses=PlanOutputSerializer)
    def create(self, request):
        if request.user.role != "school":
            raise PermissionDenied
        params = PlanInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        upload = data.get("emergency_plan")
        plan = services.plan_save(
            actor=request.user,
            school=core_selectors.school_get_for_user(
                user=request.user, pk=request.user.school_id
            ),
            factors=data["factors"],
            considerations=data["considerations"],
            stages=[(s["grades"], s["return_on"]) for s in data["stages"]],
            parts=[(p["part"], p["person"], p.get("phone", "")) for p in data["parts"]],
            emergency_plan=(upload.name, upload.read()) if upload else None,
        )
        return Response(PlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PlanOutputSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        plan = services.plan_submit(actor=request.user, plan=self.get_object())
        return Response(PlanOutputSerializer(plan).data)

    @extend_schema(request=DecisionInputSerializer, responses=PlanOutputSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        plan = self.get_object()
        if not may_edit_school(request.user, plan.school):
            raise PermissionDenied
        params = DecisionInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        plan = services.plan_decide(
            actor=request.user,
            plan=plan,
            approve=params.validated_data["decision"] == "approve",
            reason=params.validated_data["reason"],
        )
        return Response(PlanOutputSerializer(plan).data)


class DrillOutputSerializer(serializers.ModelSerializer):
    host = serializers.SlugRelatedField(slug_field="code", read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Drill
        fields = ["id", "kind", "title", "on_date", "host", "attendees"]


class DrillInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Drill.Kind.choices)
    title = serializers.CharField(max_length=100)
    on_date = serializers.DateField()
    host = serializers.CharField(max_length=10, help_text="the host school's code")
    attendees = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, default=list
    )

    def validate(self, data: dict) -> dict:
        """School codes become schools, within the caller's scope."""
        schools = core_selectors.school_list(user=self.context["request"].user)
        codes = {data["host"], *data["attendees"]}
        found = {s.code: s for s in schools.filter(code__in=codes)}
        missing = sorted(codes - set(found))
        if missing:
            raise serializers.ValidationError(
                {"attendees": [f"unknown or outside your scope: {', '.join(missing)}"]}
            )
        data["host"] = found[data["host"]]
        data["attendees"] = [found[c] for c in dict.fromkeys(data["attendees"])]
        return data


class DrillViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Drills and trainings that touch the caller's scope; the city bureau and
    county officials record them."""

    serializer_class = DrillOutputSerializer

    def get_queryset(self):
        return (
            selectors.drill_list(user=self.request.user)
            .prefetch_related("attendees")
            .order_by("-on_date", "pk")
        )

    @extend_schema(request=DrillInputSerializer, responses=DrillOutputSerializer)
    def create(self, request):
        params = DrillInputSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        drill = services.drill_record(actor=request.user, **params.validated_data)
        return Response(DrillOutputSerializer(drill).data, status=status.HTTP_201_CREATED)
