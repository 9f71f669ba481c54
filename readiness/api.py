"""REST API under /api/v1/: the same selectors and services as the pages."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from . import selectors, services
from .filters import SchoolFilter
from .models import County, School


class SchoolFieldsMixin(serializers.Serializer):
    """The school a row belongs to, by code and name, named the same in every API."""

    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["id", "code", "name", "kind", "order"]


class SchoolSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(slug_field="code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "county",
            "county_name",
            *services.SCHOOL_EDITABLE_FIELDS,
            "updated_at",
        ]
        read_only_fields = ["id", "code", "county", "county_name", "updated_at"]


class CountyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CountySerializer
    filterset_fields = ["kind"]
    ordering_fields = ["order", "code"]

    def get_queryset(self):
        return selectors.county_list(user=self.request.user).order_by("order", "code")


class SchoolViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Schools in the caller's scope. PATCH edits a school the caller may edit."""

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    ordering_fields = ["code", "name", "students", "staff"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.school_list(user=self.request.user).order_by("county__order", "code")

    def get_object(self):
        if self.request.method == "PATCH":
            return selectors.school_get_for_edit(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.school_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = services.school_update(
            actor=self.request.user,
            school=serializer.instance,
            data=dict(serializer.validated_data),
        )
