"""The composite indexes the contracts queries need (declared in infra/terraform/firestore_indexes.json).

- lists (service.list_contracts), newest first: a partner's (partyIds CONTAINS), an organization's
  (orgId, or orgId IN the caller's), each optionally by status; a back office user's by partner too;
- invoice lists: a partner's or an organization's, by contract and/or status, newest first; the same for
  the back office's commission list;
- the financial-year close counts (year_end.py): orgId, financialYear, status per collection;
- the payments list (payments.list_payments), newest first: by orgId (or none), with any of buyer,
  mode and invoice (invoiceIds CONTAINS);
- the partner statement (statement.py): a buyer's invoices (status IN issued), notes (by kind for the
  opening sums) and payments by date, optionally within orgId IN;
- the daily overdue job (overdue.py): status IN (UNPAID, PARTIALLY_PAID), dueDate before today;
- dispute lists (disputes.list_disputes): a partner's or an organization's, by contract and/or status,
  newest first; a dispute's comments for a partner (SHARED only), oldest first;
- the abandoned-upload sweep (dispute_evidence.sweep_abandoned_evidence): collection-group evidence still
  PENDING_UPLOAD by upload expiry.
"""
from __future__ import annotations

import itertools
from typing import Any

from shared.indexes import CONTAINS
from shared.indexes import composite as _index

_NEWEST = ("createdAt", "DESCENDING")


def _lists() -> list[dict[str, Any]]:
    out = []
    for prefix in ([("partyIds", CONTAINS)], [("orgId", "ASCENDING")], [("orgId", "ASCENDING"), ("partyIds", CONTAINS)],
                   []):
        out.append(_index("contracts", [*prefix, ("status", "ASCENDING"), _NEWEST]))
        if prefix:
            out.append(_index("contracts", [*prefix, _NEWEST]))
    return out


def _by_contract_and_status(group: str, scopes: list[list[tuple[str, str]]]) -> list[dict[str, Any]]:
    out = []
    for prefix in scopes:
        for middle in ([("contractId", "ASCENDING")], [("status", "ASCENDING")],
                       [("contractId", "ASCENDING"), ("status", "ASCENDING")], []):
            if prefix or middle:
                out.append(_index(group, [*prefix, *middle, _NEWEST]))
    return out


def _payments() -> list[dict[str, Any]]:
    filters = [("buyerPartnerId", "ASCENDING"), ("mode", "ASCENDING"), ("invoiceIds", CONTAINS)]
    out = []
    for prefix in ([("orgId", "ASCENDING")], []):
        for chosen in itertools.chain.from_iterable(itertools.combinations(filters, n) for n in range(4)):
            if prefix or chosen:
                out.append(_index("payments", [*prefix, *chosen, _NEWEST]))
    return out


def _statement() -> list[dict[str, Any]]:
    buyer = ("buyerPartnerId", "ASCENDING")
    out = []
    for prefix in ([("orgId", "ASCENDING")], []):
        out.append(_index("invoices", [*prefix, buyer, ("status", "ASCENDING"), ("invoiceDate", "ASCENDING")]))
        out.append(_index("invoiceNotes", [*prefix, buyer, ("noteDate", "ASCENDING")]))
        out.append(_index("invoiceNotes", [*prefix, buyer, ("kind", "ASCENDING"), ("noteDate", "ASCENDING")]))
        out.append(_index("payments", [*prefix, buyer, ("paymentDate", "ASCENDING")]))
    return out


INDEXES: list[dict[str, Any]] = [
    *_lists(),
    *_by_contract_and_status("invoices", [[("partyIds", CONTAINS)], [("orgId", "ASCENDING")], []]),
    *_by_contract_and_status("commissions", [[("orgId", "ASCENDING")], []]),
    *(_index(group, [("orgId", "ASCENDING"), ("financialYear", "ASCENDING"), ("status", "ASCENDING")])
      for group in ("contracts", "invoices", "commissions", "disputes")),
    _index("invoices", [("status", "ASCENDING"), ("dueDate", "ASCENDING")]),
    *_payments(),
    *_statement(),
    *_by_contract_and_status("disputes", [[("partyIds", CONTAINS)], [("orgId", "ASCENDING")], []]),
    _index("comments", [("visibility", "ASCENDING"), ("createdAt", "ASCENDING")]),
    _index("evidence", [("status", "ASCENDING"), ("uploadExpiresAt", "ASCENDING")], "COLLECTION_GROUP"),
]
