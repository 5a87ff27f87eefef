"""A small router used only by the platform tests: it exercises the pipeline and the unit of work."""
from __future__ import annotations

from pydantic import Field

from shared.db import collection, stamp_new, stamp_update
from shared.errors import NotFound
from shared.http import ApiRequest, ApiResponse, Router
from shared.http.etag import check_if_match, etag
from shared.models import ApiModel
from shared.uow import run_in_transaction

router = Router("sample")
THINGS = "sampleThings"


class ThingIn(ApiModel):
    name: str = Field(min_length=1, max_length=50)
    quantity_kg: int = Field(ge=0)


class ThingOut(ApiModel):
    id: str
    name: str
    quantity_kg: int
    version: int


def _out(thing_id: str, data: dict) -> ThingOut:
    return ThingOut(id=thing_id, name=data["name"], quantity_kg=data["quantityKg"], version=data["version"])


@router.post("/api/sample/things", permission="sample:write", body=ThingIn, response=ThingOut, status=201,
             idempotent=True)
def create_thing(req: ApiRequest) -> ApiResponse:
    ref = collection(THINGS).document()

    def work(uow) -> dict:
        data = stamp_new({"name": req.body.name, "quantityKg": req.body.quantity_kg}, req.user.user_id)
        uow.create(ref, data)
        uow.audit("create", "sampleThing", ref.id, after=data)
        uow.emit("SampleThingCreated", {"thingId": ref.id}, subject=ref.id)
        return data

    data = run_in_transaction(work, req.actor)
    return ApiResponse(_out(ref.id, data), 201, {"ETag": etag(data["version"])})


@router.put("/api/sample/things/{thingId}", permission="sample:write", body=ThingIn, response=ThingOut)
def update_thing(req: ApiRequest, thingId: str) -> ApiResponse:
    ref = collection(THINGS).document(thingId)

    def work(uow) -> dict:
        snapshot = uow.get(ref)
        if not snapshot.exists:
            raise NotFound("THING_NOT_FOUND", "No such thing")
        current = snapshot.to_dict()
        check_if_match(req.if_match, current["version"])
        data = stamp_update({"name": req.body.name, "quantityKg": req.body.quantity_kg}, req.user.user_id,
                            current["version"])
        uow.update(ref, data)
        uow.audit("update", "sampleThing", thingId, before=current, after={**current, **data})
        return {**current, **data}

    data = run_in_transaction(work, req.actor)
    return ApiResponse(_out(thingId, data), 200, {"ETag": etag(data["version"])})


@router.post("/api/sample/explode", permission="sample:write", body=ThingIn)
def explode(req: ApiRequest) -> None:
    """Writes a thing, its audit entry and its event, then creates `guard` (which the test made
    beforehand): the commit itself fails, after every write reached the transaction. Nothing may remain."""
    ref = collection(THINGS).document("exploded")

    def work(uow) -> None:
        uow.create(ref, stamp_new({"name": req.body.name, "quantityKg": 0}, req.user.user_id))
        uow.audit("create", "sampleThing", ref.id)
        uow.emit("SampleThingCreated", {"thingId": ref.id}, subject=ref.id)
        uow.create(collection(THINGS).document("guard"), {"name": "second"})

    run_in_transaction(work, req.actor)


@router.get("/api/sample/unavailable", permission="sample:write")
def unavailable(req: ApiRequest) -> None:
    from google.api_core.exceptions import ServiceUnavailable

    raise ServiceUnavailable("firestore is down")


@router.get("/api/sample/public", public=True, rate_limit="none")
def public(req: ApiRequest) -> dict:
    return {"ok": True}


@router.post("/api/sample/singleton", permission="sample:write", body=ThingIn, status=201)
def create_singleton(req: ApiRequest) -> dict:
    """Creates a document with a fixed id: the second call's commit fails with AlreadyExists."""
    ref = collection(THINGS).document("singleton")
    run_in_transaction(lambda uow: uow.create(ref, {"name": req.body.name}), req.actor)
    return {"id": ref.id}


@router.post("/api/sample/things-then-fail", permission="sample:write", body=ThingIn, status=201, idempotent=True)
def create_thing_then_fail(req: ApiRequest) -> None:
    """Commits a thing, then fails in a later step (a mail, a second call): the work is done all the same."""
    ref = collection(THINGS).document()
    run_in_transaction(lambda uow: uow.create(ref, stamp_new({"name": req.body.name, "quantityKg": 0},
                                                               req.user.user_id)), req.actor)
    raise RuntimeError("a step after the commit failed")


# Set by a test to hold /api/sample/slow-things inside its handler (before it writes) until released.
slow_gate: dict = {}


@router.post("/api/sample/slow-things", permission="sample:write", body=ThingIn, response=ThingOut, status=201,
             idempotent=True)
def create_slow_thing(req: ApiRequest) -> ApiResponse:
    entered, release = slow_gate.get("entered"), slow_gate.get("release")
    if entered is not None:
        entered.set()
        assert release.wait(10), "the test never released the handler"
    return create_thing(req)


@router.post("/api/sample/fail-before-write", permission="sample:write", body=ThingIn, status=201, idempotent=True)
def fail_before_write(req: ApiRequest) -> None:
    raise RuntimeError("failed before writing anything")
