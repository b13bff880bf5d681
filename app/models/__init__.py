"""Every table model, imported here so metadata is complete wherever ``app.models`` is used."""

from app.models.amount import AmountSource, ServiceAmount
from app.models.base import metadata
from app.models.field_value import FieldValueSource, ServiceFieldValue
from app.models.meta import DatasetMeta
from app.models.provider import (
    CorrectionReport,
    Location,
    LocationSource,
    Organization,
    ServiceAtLocation,
)
from app.models.region import Region
from app.models.service import (
    Service,
    ServiceLifeEvent,
    ServiceSource,
    ServiceStandardRef,
    StandardRefSource,
)
from app.models.source import Source
from app.models.taxonomy import Area, Category, EditionSource, LifeEvent, StandardEdition

__all__ = [
    "AmountSource",
    "Area",
    "Category",
    "CorrectionReport",
    "DatasetMeta",
    "EditionSource",
    "FieldValueSource",
    "LifeEvent",
    "Location",
    "LocationSource",
    "Organization",
    "Region",
    "Service",
    "ServiceAmount",
    "ServiceAtLocation",
    "ServiceFieldValue",
    "ServiceLifeEvent",
    "ServiceSource",
    "ServiceStandardRef",
    "Source",
    "StandardEdition",
    "StandardRefSource",
    "metadata",
]
