"""infra/firestore.rules in a Firestore emulator of its own, read and written through the REST API with the
unsigned ID tokens the emulator accepts (one per user), seeded with the emulator's owner credential.

The session's main emulator runs without rules (the functions use the server client, which bypasses
them), so these tests start a separate emulator with `--rules`.
"""
from __future__ import annotations

import base64
import json
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.support.browser import stop

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "infra" / "firestore.rules"
PROJECT = "demo-tradehub-rules"


@pytest.fixture(scope="module")
def rules_emulator(tmp_path_factory):
    from local.emulators import EmulatorsMissing, free_port, google_emulators, wait_http

    try:
        jar, _ = google_emulators()
    except EmulatorsMissing as missing:
        pytest.skip(str(missing))
    port = free_port()
    log = open(tmp_path_factory.mktemp("rules") / "firestore-rules.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        ["java", "-Duser.language=en", "-Xmx256m", "-cp", str(jar),
         "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "start", "--host=127.0.0.1",
         f"--port={port}", f"--rules={RULES}"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/", 60, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, log)


def id_token(uid: str | None = None, **claims) -> str:
    """An unsigned Firebase ID token (alg none), as the Auth emulator issues for a custom token."""
    now = int(time.time())
    payload = {"iss": f"https://securetoken.google.com/{PROJECT}", "aud": PROJECT, "iat": now, "exp": now + 3600,
               "auth_time": now, "firebase": {"sign_in_provider": "custom", "identities": {}}, **claims}
    if uid is not None:
        payload.update(sub=uid, user_id=uid, userId=uid)

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


OWNER = "owner"   # the emulator's admin credential: bypasses the rules
ASHA = id_token("asha", partnerId="P1", role="PARTNER_PRIMARY", organizationIds=[])
RAVI = id_token("ravi", partnerId="P2", role="PARTNER_PRIMARY", organizationIds=[])
STAFF = id_token("staff", partnerId=None, role="SALES", organizationIds=["org-1"])
NO_CLAIMS = id_token("nobody")


def encode(value):
    if value is None:
        return {"nullValue": None}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"integerValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, dict):
        return {"mapValue": {"fields": {k: encode(v) for k, v in value.items()}}}
    if isinstance(value, list | tuple):
        return {"arrayValue": {"values": [encode(v) for v in value]}}
    return {"stringValue": str(value)}


class Rest:
    def __init__(self, base: str) -> None:
        self.documents = f"{base}/v1/projects/{PROJECT}/databases/(default)/documents"

    def call(self, method, path, token=None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.documents}/{path}" if path else self.documents,
                                headers=headers, timeout=10, **kwargs)

    def put(self, path, data, token=OWNER):
        return self.call("PATCH", path, token, json={"fields": {k: encode(v) for k, v in data.items()}})

    def get(self, path, token=None):
        return self.call("GET", path, token)

    def query(self, parent, collection, token, where=None):
        structured = {"from": [{"collectionId": collection}]}
        if where:
            field, value = where
            structured["where"] = {"fieldFilter": {"field": {"fieldPath": field}, "op": "EQUAL",
                                                   "value": encode(value)}}
        url = f"{self.documents}/{parent}:runQuery" if parent else f"{self.documents}:runQuery"
        return requests.post(url, headers={"Authorization": f"Bearer {token}"}, timeout=10,
                             json={"structuredQuery": structured})


@pytest.fixture(scope="module")
def rest(rules_emulator):
    client = Rest(rules_emulator)
    requests.delete(f"{rules_emulator}/emulator/v1/projects/{PROJECT}/databases/(default)/documents", timeout=10)
    seeds = {
        "users/asha": {"email": "asha@example.com", "partnerId": "P1"},
        "users/asha/notifications/n1": {"title": "KYC due", "read": False},
        "users/asha/notifications/n2": {"title": "Offer", "read": True},
        "users/ravi/notifications/r1": {"title": "Ravi's", "read": False},
        # the raw documents name both parties: no client reads them
        "trades/t1": {"buyerPartnerId": "P1", "sellerPartnerId": None, "status": "POSTED"},
        "offers/o1": {"buyerPartnerId": "P2", "sellerPartnerId": "P1", "status": "PENDING"},
        # per-partner views (functions/tradedesk/anonymity.py decides their content)
        "partnerViews/P1/trades/t1": {"status": "POSTED", "number": "TR-25-26-000001"},
        "partnerViews/P1/offers/o1": {"status": "PENDING", "ownerHandle": "Buyer-AAAAAA"},
        "partnerViews/P2/offers/o1": {"status": "PENDING", "makerHandle": "Seller-BBBBBB"},
        "partnerViews/P2/trades/t2": {"status": "POSTED"},
        "partnerViews/P1/secrets/x": {"status": "NOT_A_VIEW"},
        "partnerViews/P1/contracts/c1": {"status": "ACTIVE", "number": "SC/26-27/00001"},
        "partnerViews/P2/contracts/c1": {"status": "ACTIVE", "number": "SC/26-27/00001"},
        "contracts/c1": {"status": "ACTIVE", "buyer": {"partnerId": "P1"}, "seller": {"partnerId": "P2"}},
        "sessions/s1": {"userId": "asha"},
        "notificationPreferences/asha": {"language": "en"},
        "partners/P1": {"code": "BP-000001"},
    }
    for path, data in seeds.items():
        response = client.put(path, data)
        assert response.status_code == 200, response.text
    return client


def test_a_user_reads_its_own_notifications(rest):
    response = rest.get("users/asha/notifications/n1", ASHA)
    assert response.status_code == 200, response.text
    assert response.json()["fields"]["title"] == {"stringValue": "KYC due"}
    listing = rest.get("users/asha/notifications", ASHA)
    assert listing.status_code == 200
    assert sorted(doc["name"].rsplit("/", 1)[-1] for doc in listing.json()["documents"]) == ["n1", "n2"]
    unread = rest.query("users/asha", "notifications", ASHA, where=("read", False))
    assert unread.status_code == 200
    assert [row["document"]["name"].rsplit("/", 1)[-1] for row in unread.json() if "document" in row] == ["n1"]


def test_another_users_notifications_are_denied(rest):
    assert rest.get("users/ravi/notifications/r1", ASHA).status_code == 403
    assert rest.get("users/ravi/notifications", ASHA).status_code == 403
    assert rest.get("users/asha/notifications/n1", RAVI).status_code == 403
    assert rest.get("users/asha/notifications/n1", STAFF).status_code == 403
    assert rest.get("users/asha/notifications/n1").status_code == 403          # not signed in
    # A collection-group query over everyone's notifications is denied too.
    assert rest.query(None, "notifications", ASHA).status_code == 403


def test_trade_desk_views_of_the_own_partner_only(rest):
    assert rest.get("partnerViews/P1/trades/t1", ASHA).status_code == 200
    assert rest.get("partnerViews/P1/offers/o1", ASHA).status_code == 200
    assert rest.get("partnerViews/P2/offers/o1", RAVI).status_code == 200
    assert rest.get("partnerViews/P2/offers/o1", ASHA).status_code == 403       # the other party's view
    assert rest.get("partnerViews/P2/trades/t2", ASHA).status_code == 403
    assert rest.get("partnerViews/P1/offers/o1").status_code == 403              # not signed in
    assert rest.get("partnerViews/P1/secrets/x", ASHA).status_code == 403       # only trades, offers, contracts


def test_contract_views_of_the_own_partner_only(rest):
    mine = rest.get("partnerViews/P1/contracts/c1", ASHA)
    assert mine.status_code == 200 and mine.json()["fields"]["status"] == {"stringValue": "ACTIVE"}
    assert rest.get("partnerViews/P2/contracts/c1", RAVI).status_code == 200
    assert rest.get("partnerViews/P2/contracts/c1", ASHA).status_code == 403
    assert rest.get("partnerViews/P1/contracts/c1", STAFF).status_code == 403
    assert rest.get("contracts/c1", ASHA).status_code == 403                     # the raw contract: nobody


def test_raw_trade_desk_documents_are_readable_by_no_client(rest):
    for token in (ASHA, RAVI, STAFF, NO_CLAIMS, None):
        assert rest.get("trades/t1", token).status_code == 403
        assert rest.get("offers/o1", token).status_code == 403
    assert rest.query(None, "offers", ASHA, where=("sellerPartnerId", "P1")).status_code == 403


def test_a_missing_or_null_partner_claim_never_matches(rest):
    assert rest.get("partnerViews/P1/offers/o1", STAFF).status_code == 403
    assert rest.get("partnerViews/P1/offers/o1", NO_CLAIMS).status_code == 403
    assert rest.get("partnerViews/null/offers/o1", STAFF).status_code == 403


def test_listeners_list_their_own_partners_views_only(rest):
    mine = rest.query("partnerViews/P1", "offers", ASHA)
    assert mine.status_code == 200, mine.text
    assert [row["document"]["name"].rsplit("/", 1)[-1] for row in mine.json() if "document" in row] == ["o1"]
    assert rest.query("partnerViews/P2", "offers", ASHA).status_code == 403
    assert rest.query(None, "offers", ASHA).status_code == 403                  # a collection group over everyone


def test_nothing_else_is_readable(rest):
    for path in ("users/asha", "sessions/s1", "notificationPreferences/asha", "partners/P1"):
        assert rest.get(path, ASHA).status_code == 403, path


WRITES = [
    ("PATCH", "users/asha/notifications/n1", {"read": True}),                 # mark own notification read
    ("PATCH", "users/asha/notifications/new", {"title": "forged"}),           # create in own inbox
    ("DELETE", "users/asha/notifications/n2", None),
    ("PATCH", "users/ravi/notifications/r1", {"read": True}),
    ("PATCH", "trades/t1", {"status": "CANCELLED"}),                          # own partner's trade
    ("PATCH", "offers/o1", {"status": "ACCEPTED"}),
    ("PATCH", "offers/new", {"buyerPartnerId": "P1", "sellerPartnerId": "P1"}),
    ("PATCH", "partnerViews/P1/offers/o1", {"status": "ACCEPTED"}),          # own partner's view
    ("PATCH", "partnerViews/P1/offers/new", {"status": "ACCEPTED"}),
    ("DELETE", "trades/t1", None),
    ("PATCH", "users/asha", {"role": "ADMIN"}),
    ("PATCH", "notificationPreferences/asha", {"language": "hi"}),
]


@pytest.mark.parametrize("method,path,data", WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
@pytest.mark.parametrize("token", [ASHA, RAVI, STAFF, None], ids=["own-user", "other-partner", "back-office",
                                                                   "anonymous"])
def test_every_write_is_denied(rest, method, path, data, token):
    before = rest.get(path, OWNER)
    body = {"fields": {k: encode(v) for k, v in data.items()}} if data else None
    response = rest.call(method, path, token, json=body)
    assert response.status_code == 403, response.text
    after = rest.get(path, OWNER)
    assert after.status_code == before.status_code
    if before.status_code == 200:
        assert after.json()["fields"] == before.json()["fields"]


# The documents the trade desk's view writer stores (functions/tradedesk/views.py), for a request of P1
# and P2's offer on it, next to the raw documents they are projected from.
RAW_TRADE = {"id": "t9", "number": "TR-25-26-000009", "side": "BUY", "status": "NEGOTIATING", "ownerPartnerId": "P1",
             "createdBy": "asha", "updatedBy": "asha", "ownerHandleSecret": "k9", "version": 3,
             "quality": {"stapleMm": {"min": "29", "max": "30"}}}
RAW_OFFER = {"id": "o9", "tradeId": "t9", "status": "COUNTERED", "ownerPartnerId": "P1", "makerPartnerId": "P2",
             "makerUserId": "ravi", "createdBy": "ravi", "updatedBy": "asha", "makerHandle": "Seller-CCCCCC",
             "terms": {"price": "55800"}, "negotiationVersion": 3, "version": 3}


@pytest.fixture(scope="module")
def written_views(rest):
    from functions.tradedesk.views import view_documents

    documents = view_documents(RAW_TRADE, [RAW_OFFER])
    assert set(documents) == {"partnerViews/P1/trades/t9", "partnerViews/P1/offers/o9",
                              "partnerViews/P2/trades/t9", "partnerViews/P2/offers/o9"}
    for path, data in {**documents, "trades/t9": RAW_TRADE, "offers/o9": RAW_OFFER}.items():
        response = rest.put(path, data)
        assert response.status_code == 200, response.text
    return documents


def test_a_partner_user_reads_its_own_written_views_and_nothing_of_the_other_partys(rest, written_views):
    for token, mine, theirs in ((ASHA, "P1", "P2"), (RAVI, "P2", "P1")):
        for kind, doc_id in (("trades", "t9"), ("offers", "o9")):
            own = rest.get(f"partnerViews/{mine}/{kind}/{doc_id}", token)
            assert own.status_code == 200, own.text
            assert own.json()["fields"]["status"]["stringValue"] == written_views[
                f"partnerViews/{mine}/{kind}/{doc_id}"]["status"]
            assert rest.get(f"partnerViews/{theirs}/{kind}/{doc_id}", token).status_code == 403
        listed = rest.query(f"partnerViews/{mine}", "offers", token)
        assert listed.status_code == 200, listed.text
        assert "o9" in [row["document"]["name"].rsplit("/", 1)[-1] for row in listed.json() if "document" in row]
        assert rest.query(f"partnerViews/{theirs}", "offers", token).status_code == 403
        assert rest.get("trades/t9", token).status_code == 403 and rest.get("offers/o9", token).status_code == 403
    # what each reads of the other side before acceptance: the handle and the terms, no id or user
    seen_by_buyer = rest.get("partnerViews/P1/offers/o9", ASHA).text
    assert "Seller-CCCCCC" in seen_by_buyer and "55800" in seen_by_buyer
    assert '"P2"' not in seen_by_buyer and '"ravi"' not in seen_by_buyer
    seen_by_seller = rest.get("partnerViews/P2/trades/t9", RAVI).text + rest.get("partnerViews/P2/offers/o9", RAVI).text
    assert '"P1"' not in seen_by_seller and '"asha"' not in seen_by_seller and "k9" not in seen_by_seller
