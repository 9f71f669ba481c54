"""Supplies under /api/v1/: items, balances, the ledger, plans and requests, through
the same selectors and services as the pages. Quantities are in the item's stock
unit, as decimal strings."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import access, quantities, selectors, services
from .access import Right
from .models import AllocationLine, AllocationPlan, Balance, Item, Movement, SupplyRequest

QUANTITY = {"max_digits": 14, "decimal_places": 3, "coerce_to_string": True}


def _in_stock_units(data: dict, field: str) -> dict:
    """``data[field]``, typed in the item's stock unit, read exactly (or a 400 on it)."""
    try:
        data[field] = quantities.parse(data["item"], data[field])
    except DjangoValidationError as error:
        raise serializers.ValidationError({field: list(error.messages)}) from None
    return data


class SupplyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = [
            "code", "name", "stock_unit", "display_unit", "per_display", "decimals",
            "expires", "essential",
        ]  # fmt: skip


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    """The supply items; quantities elsewhere are in their stock unit."""

    serializer_class = SupplyItemSerializer
    queryset = Item.objects.none()
    lookup_field = "code"

    def get_queryset(self):
        return selectors.item_list(user=self.request.user)


class SupplyBalanceSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.__str__", read_only=True)
    holder_id = serializers.IntegerField(read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    lot = serializers.CharField(source="lot.number", read_only=True)
    expires_on = serializers.DateField(source="lot.expires_on", read_only=True, allow_null=True)
    quantity = serializers.DecimalField(**QUANTITY, read_only=True)

    class Meta:
        model = Balance
        fields = ["holder_id", "holder", "item", "lot", "expires_on", "quantity"]


class BalanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stock held in the caller's scope, per holder, item and lot (nothing held is left out)."""

    serializer_class = SupplyBalanceSerializer
    queryset = Balance.objects.none()
    filterset_fields = ["holder", "item__code"]

    def get_queryset(self):
        return (
            selectors.balance_list(user=self.request.user)
            .filter(quantity__gt=0)
            .order_by("holder_id", "item__order", "lot__expires_on", "pk")
        )


class SupplyMovementSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.__str__", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    lot = serializers.CharField(source="lot.number", read_only=True)
    quantity = serializers.DecimalField(**QUANTITY, read_only=True)

    class Meta:
        model = Movement
        fields = [
            "id", "at", "kind", "holder_id", "holder", "item", "lot", "quantity", "origin",
            "supplier", "reason", "reference", "note", "reverses_id", "shipment_id",
        ]  # fmt: skip


class SupplyReceiptInputSerializer(serializers.Serializer):
    holder = serializers.IntegerField(min_value=1, help_text="the holder receiving the stock")
    item = serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.all())
    quantity = serializers.CharField(max_length=30, help_text="in the item's stock unit")
    origin = serializers.ChoiceField(choices=Movement.Origin.choices)
    supplier = serializers.CharField(max_length=100)
    lot_number = serializers.CharField(max_length=40)
    produced_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data: dict) -> dict:
        return _in_stock_units(data, "quantity")


class MovementViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The ledger in the caller's scope, newest first. ``POST`` records a receipt
    (purchase or donation) through the same service as the page."""

    serializer_class = SupplyMovementSerializer
    queryset = Movement.objects.none()
    filterset_fields = ["holder", "kind", "item__code"]

    def get_queryset(self):
        return selectors.movement_list(user=self.request.user).order_by("-at", "-pk")

    def get_object(self) -> Movement:
        return selectors.movement_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=SupplyReceiptInputSerializer, responses=SupplyMovementSerializer)
    def create(self, request):
        access.require(request.user, Right.SUPPLY_MANAGE)
        params = SupplyReceiptInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        holder = selectors.holder_get_for_user(user=request.user, pk=data.pop("holder"))
        movement = services.receipt_record(actor=request.user, holder=holder, **data)
        return Response(SupplyMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


class SupplyLineSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target.__str__", read_only=True)
    gap = serializers.DecimalField(**QUANTITY, read_only=True)
    proposed = serializers.DecimalField(**QUANTITY, read_only=True)
    quantity = serializers.DecimalField(**QUANTITY, read_only=True)

    class Meta:
        model = AllocationLine
        fields = ["id", "target_id", "target", "gap", "proposed", "quantity"]


class SupplyPlanSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    amount = serializers.DecimalField(**QUANTITY, read_only=True)
    lines = SupplyLineSerializer(many=True, read_only=True)

    class Meta:
        model = AllocationPlan
        fields = [
            "id", "title", "item", "source_id", "amount", "status", "created_at",
            "approved_at", "lines",
        ]  # fmt: skip


class SupplyPlanListSerializer(SupplyPlanSerializer):
    """A plan in the list: how many lines, not the lines (a city plan has one per
    school, 437 lines weighed 57 KB in a list of three); the plan's own URL has them."""

    lines = serializers.IntegerField(source="line_count", read_only=True)


class SupplyPlanInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    source = serializers.IntegerField(min_value=1)
    item = serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.all())
    amount = serializers.CharField(max_length=30, help_text="in the item's stock unit")

    def validate(self, data: dict) -> dict:
        return _in_stock_units(data, "amount")


class PlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Allocation plans from holders in the caller's scope. ``POST`` proposes one
    (split by gap); ``POST {id}/approve/`` sends it."""

    serializer_class = SupplyPlanSerializer
    queryset = AllocationPlan.objects.none()
    filterset_fields = ["status"]

    def get_serializer_class(self):
        return SupplyPlanListSerializer if self.action == "list" else SupplyPlanSerializer

    def get_queryset(self):
        plans = selectors.plan_list(user=self.request.user).order_by("-created_at", "-pk")
        if self.action == "list":
            return plans.annotate(line_count=Count("lines"))
        return plans.prefetch_related("lines__target__county", "lines__target__school")

    def get_object(self) -> AllocationPlan:
        return selectors.plan_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=SupplyPlanInputSerializer, responses=SupplyPlanSerializer)
    def create(self, request):
        access.require(request.user, Right.SUPPLY_MANAGE)
        params = SupplyPlanInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        source = selectors.holder_get_for_user(user=request.user, pk=data.pop("source"))
        plan = services.plan_propose(actor=request.user, source=source, **data)
        return Response(SupplyPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SupplyPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        access.require(request.user, Right.SUPPLY_MANAGE, plan.source)
        plan = services.plan_approve(actor=request.user, plan=plan)
        return Response(SupplyPlanSerializer(plan).data)


class SupplyRequestSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="holder.__str__", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True)
    quantity = serializers.DecimalField(**QUANTITY, read_only=True)

    class Meta:
        model = SupplyRequest
        fields = [
            "id", "holder_id", "holder", "item", "quantity", "reason", "cause_kind", "cause_id",
            "status", "resolution", "created_at", "resolved_at",
        ]  # fmt: skip


class SupplyRequestInputSerializer(serializers.Serializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.all())
    quantity = serializers.CharField(max_length=30, help_text="in the item's stock unit")
    reason = serializers.CharField(max_length=200)
    cause_kind = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    cause_id = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)

    def validate(self, data: dict) -> dict:
        return _in_stock_units(data, "quantity")


class RequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Requests in the caller's scope. ``POST`` asks for the caller's school or depot."""

    serializer_class = SupplyRequestSerializer
    queryset = SupplyRequest.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.request_list(user=self.request.user).order_by("-created_at", "-pk")

    def get_object(self) -> SupplyRequest:
        return selectors.request_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=SupplyRequestInputSerializer, responses=SupplyRequestSerializer)
    def create(self, request):
        access.require(request.user, Right.SUPPLY_REQUEST)
        params = SupplyRequestInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        supply_request = services.request_create(
            actor=request.user,
            holder=selectors.own_holder(user=request.user),
            **params.validated_data,
        )
        return Response(
            SupplyRequestSerializer(supply_request).data, status=status.HTTP_201_CREATED
        )
