"""Shared building blocks of every kind: the envelope, references, dates, money.

The models are the one source of truth: ``schemas/*.schema.json`` are generated from them.
They are strict (no ``"12"`` for 12, no unknown keys) so that what passes here also passes the
published schema an editor checks against, and the other way round.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic.json_schema import GenerateJsonSchema

from pmo_lint.model.names import API_VERSION, NAME_PATTERN, REF_PATTERN, SCHEMA_BASE_URL

__all__ = ["API_VERSION", "SCHEMA_BASE_URL"]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # compiled once: this runs for every date of every entity


def _iso_date(value: Any) -> Any:
    # YAML 1.2 has no timestamp type: dates arrive as strings and must be exactly YYYY-MM-DD.
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise ValueError("use an ISO date, YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a calendar date") from None
    return value


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=63)]
Ref = Annotated[
    str,
    StringConstraints(pattern=REF_PATTERN, max_length=160),
    Field(description="Reference `[kind:][namespace/]name`, e.g. `person:jdoe` or `risk:crm/r-007`."),
]
Text = Annotated[str, StringConstraints(max_length=10_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Amount = Annotated[float, Field(ge=0)]
SignedAmount = float
Percent = Annotated[float, Field(ge=0, le=100)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217 code, e.g. EUR")]
Period = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-(?:0[1-9]|1[0-2])$"),
    Field(description="A month, YYYY-MM"),
]


def _repo_path(value: str) -> str:
    if value.startswith("/") or ".." in value.split("/"):
        raise ValueError("use a path relative to the portfolio root, without '..'")
    return value


RepoPath = Annotated[
    str,
    StringConstraints(pattern=r"^[^/\x00-\x1f][^\x00-\x1f]*$", max_length=500),
    AfterValidator(_repo_path),
    # the published pattern says the same with a look-ahead, which pydantic's Rust regex lacks
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 500,
            "pattern": r"^(?!/)(?!(?:.*/)?\.\.(?:/|$))[^\x00-\x1f]+$",
            "description": "A path relative to the portfolio root; no '..' and not absolute",
        }
    ),
]
Rag = Literal["green", "amber", "red"]
Role = Literal[
    "pmo-director",
    "project-manager",
    "business-analyst",
    "project-coordinator",
    "technical-expert",
    "support-staff",
    "trainer",
]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
RoleId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}$"),
    Field(
        description="A PMO role (pmo-director, project-manager, …) or a governance role that pmo.yaml declares "
        "in `governanceRoles` (e.g. cfo, steering-committee)."
    ),
]


class _SharedEmptyList(list[Any]):
    """The one empty-list default every model shares. pydantic deep-copies an unhashable default
    (``= []``) for every instance it builds (~1.8 million copies for a 10,000-project portfolio,
    measured); this hashable, read-only stand-in is used as is."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return id(self)

    def _read_only(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("this default list is shared by every entity; build a new list instead")

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> _SharedEmptyList:
        return self


class _SharedEmptyDict(dict[Any, Any]):
    """The empty-mapping counterpart of :class:`_SharedEmptyList` (``= {}`` defaults)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return id(self)

    def _read_only(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("this default mapping is shared by every entity; build a new one instead")

    update = setdefault = pop = popitem = clear = _read_only
    __setitem__ = __delitem__ = __ior__ = _read_only

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> _SharedEmptyDict:
        return self


_EMPTY_LIST = _SharedEmptyList()
_EMPTY_DICT = _SharedEmptyDict()


class _SchemaGenerator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        # the published schemas show the shared empty defaults as plain [] and {}
        if isinstance(dft, _SharedEmptyList):
            dft = []
        elif isinstance(dft, _SharedEmptyDict):
            dft = {}
        return super().encode_default(dft)


class Record(BaseModel):
    """Base of every model: strict, frozen, camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        alias_generator=to_camel,
        populate_by_name=False,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # before pydantic collects the fields: swap `= []` / `= {}` defaults for the shared ones
        for name in vars(cls).get("__annotations__", {}):
            value = vars(cls).get(name)
            if type(value) is list and not value:
                setattr(cls, name, _EMPTY_LIST)
            elif type(value) is dict and not value:
                setattr(cls, name, _EMPTY_DICT)
        super().__init_subclass__(**kwargs)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("schema_generator", _SchemaGenerator)
        return super().model_json_schema(*args, **kwargs)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Record:
        # pydantic deep-copies a model-valued default (``= Thresholds()``) for every entity it
        # builds; these models are frozen, so the shared default is safe and the copy was ~20% of
        # validation time (measured with pyinstrument on bench/generate.py portfolios)
        return self


class Link(Record):
    url: Annotated[str, StringConstraints(max_length=2000)]
    title: ShortText | None = None
    type: ShortText | None = None


class Metadata(Record):
    name: Name
    """Identity, unique per kind and namespace; lowercase words joined by '-'."""
    namespace: Name | None = None
    """For project-scoped kinds (Risk, Issue, ChangeRequest, StatusReport, Benefit): the project's name."""
    title: ShortText | None = None
    description: Text | None = None
    labels: dict[
        Annotated[str, StringConstraints(max_length=120)], Annotated[str, StringConstraints(max_length=300)]
    ] = {}
    annotations: dict[Annotated[str, StringConstraints(max_length=120)], Text] = {}
    tags: list[Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=63)]] = []
    links: list[Link] = []


class Money(Record):
    amount: Amount
    currency: Currency


class Entity(Record):
    """The envelope every file has, after Backstage's descriptor format."""

    KIND: ClassVar[str] = ""
    FOLDER: ClassVar[str] = ""  # path pattern of the file, see repository layout
    NAMESPACED: ClassVar[bool] = False

    api_version: Literal["pmo-lint/v1"] = Field(alias="apiVersion")
    metadata: Metadata

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def ref(self) -> str:
        ns = f"{self.metadata.namespace}/" if self.metadata.namespace else ""
        return f"{self.KIND.lower()}:{ns}{self.metadata.name}"

    @property
    def display(self) -> str:
        return self.metadata.title or self.metadata.name
