"""Fixed-window rate limits kept in Firestore, per identity (per IP for anonymous calls).

A call is counted with one write and no read: one commit increments the counters of the current minute,
hour and day windows with field transforms, and Firestore answers their new values in the commit's write
result. A call's new count in a window is its place in that window: concurrent calls get distinct places,
no increment is lost and nothing retries (there is no transaction to contend on, DESIGN.md §7). The call
is refused when a place is beyond its window's limit: 429 with `Retry-After` to the end of the fullest
window. Calls in flight together in one instance share one commit (a group commit, shared/groupcall.py):
each document is incremented once by the number of its calls, and each call's place is the count right
after its own increment.

Documents: `rateLimits/{policy}:{hash of identity}:{UTC day start}`, one per identity and day (TTL on
`expiresAt`, an hour after the day's end: the next day's first minute still reads it), with the counters
`m<minute start>`, `h<hour start>` and `d` in the map `w` (not indexed: a new minute's counter would
otherwise add index entries to every write).

A refused call has been counted too (its one write is the increment). So that refused calls do not push
later ones over:
- a process that refused an identity refuses it again, without writing, until the refusing window ends;
- the +1 that a refused call left in the windows that still had room is this process's debt, repaid by
  subtracting it from its next increment of that window. A counter is therefore never below the accepted
  calls of its window (a debt lost with its process only makes the limit stricter), so no window ever lets
  more than its limit through.

Policies with `min_gap_seconds` (OTP and reset sends: "once a minute", per_minute 1) also refuse a call
within that many seconds of the previous minute's first call, so two sends cannot fall just either side of
a minute boundary. Each minute's first call time is kept by a Minimum transform (`a<minute start>`), and
the previous minute's is read back by an Increment(0) in the same commit (from yesterday's document in
the first minute of a UTC day: a second write then). An early attempt uses up its minute, so the next send
is allowed `min_gap_seconds` after it; `Retry-After` says when.
"""
from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shared import clock
from shared.db import client
from shared.errors import TooManyRequests
from shared.groupcall import GroupCall

if TYPE_CHECKING:
    from shared.http.request import ApiRequest

RATE_LIMITS = "rateLimits"
WINDOWS = (("minute", 60), ("hour", 3600), ("day", 86400))
_FIELD_PREFIX = {"minute": "m", "hour": "h", "day": "d"}
COUNTERS = "w"       # the map of counters; exempt from indexing (infra/terraform/firestore.tf): never queried
COMMIT_TIMEOUT_SECONDS = 5.0
KEPT_AFTER_DAY = 3600             # seconds a day's document outlives its day (TTL): the gap check reads it
_LOCAL_IDENTITIES = 10_000        # how many identities one process remembers refusals and debts of


@dataclass(frozen=True)
class Policy:
    per_minute: int
    per_hour: int
    per_day: int
    min_gap_seconds: int = 0       # at least this long after the previous minute's first call

    def __post_init__(self) -> None:
        if self.min_gap_seconds and (self.per_minute != 1 or not 0 < self.min_gap_seconds <= 60):
            raise ValueError("min_gap_seconds needs per_minute=1 and at most 60 seconds")

    def limit(self, window: str) -> int:
        return {"minute": self.per_minute, "hour": self.per_hour, "day": self.per_day}[window]


POLICIES: dict[str, Policy] = {
    "api": Policy(100, 1_000, 10_000),
    # Sign-in: "login" (DOMAIN.md's numbers) counts per (IP, e-mail) in functions/auth/login.py;
    # "login_ip" per IP alone is looser, so an office behind one address can sign in together, yet one
    # address cannot spray a password over many accounts (30 guesses a minute, 1,000 a day).
    "login": Policy(5, 20, 100),
    "login_ip": Policy(30, 300, 1_000),
    "password_reset": Policy(1, 3, 10, min_gap_seconds=60),
    "otp_send": Policy(1, 3, 10, min_gap_seconds=60),
    # OTP sends per caller against SMS pumping: DOMAIN.md's numbers per IP when anonymous and per user
    # when signed in, counted for each channel (one applicant verifies an e-mail and a mobile together).
    "otp_send_ip": Policy(1, 3, 10, min_gap_seconds=60),
    "otp_send_user": Policy(1, 3, 10, min_gap_seconds=60),
}
UNLIMITED = "none"


# ---- the decision (pure) --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counted:
    """What one call's commit answered: its place in each window (after subtracting repaid debts), and for
    gap policies the first call time (epoch ms) of the current and of the previous minute (0: none)."""

    epoch_ms: int
    places: dict[str, int]
    minute_first_ms: int = 0
    previous_minute_first_ms: int = 0


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0                      # seconds, when refused
    refused_by: tuple[str, ...] = ()          # the windows that refused it ("gap" for the minimum gap)


def window_start(epoch: int, seconds: int) -> int:
    return epoch - epoch % seconds


def decide(policy: Policy, counted: Counted) -> Decision:
    """Allowed when every place is within its window's limit (and, with a gap, the previous minute's first
    call is long enough ago); otherwise when to try again."""
    epoch = counted.epoch_ms // 1000
    refused_by, retry_at = [], 0.0
    for name, seconds in WINDOWS:
        if counted.places[name] > policy.limit(name):
            refused_by.append(name)
            retry_at = max(retry_at, window_start(epoch, seconds) + seconds)
    if policy.min_gap_seconds:
        previous = counted.previous_minute_first_ms
        if previous and counted.epoch_ms - previous < policy.min_gap_seconds * 1000:
            refused_by.append("gap")
        if refused_by:
            # This call used up its minute: the next one needs a later minute and the gap after its first call.
            first = counted.minute_first_ms or counted.epoch_ms
            retry_at = max(retry_at, (first + policy.min_gap_seconds * 1000) / 1000)
    if not refused_by:
        return Decision(True)
    return Decision(False, max(1, math.ceil(retry_at - counted.epoch_ms / 1000)), tuple(refused_by))


# ---- what this process remembers ------------------------------------------------------------------------------

class _LocalState:
    """Per identity: until when it is known to be refused, and the debts (window start -> +1s to take back)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def _entry(self, key: str) -> dict[str, Any]:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = {"blocked_until": 0.0, "debts": {}}
            while len(self._entries) > _LOCAL_IDENTITIES:
                self._entries.popitem(last=False)
        self._entries.move_to_end(key)
        return entry

    def blocked_for(self, key: str, now: float) -> int:
        with self._lock:
            entry = self._entries.get(key)
            until = entry["blocked_until"] if entry else 0.0
        return math.ceil(until - now) if until > now else 0

    def take_debts(self, key: str, starts: dict[str, int]) -> dict[str, int]:
        """The debts of the current windows, removed (they are repaid by the increment being built)."""
        with self._lock:
            entry = self._entry(key)
            debts = entry["debts"]
            taken = {name: debts.pop((name, start), 0) for name, start in starts.items()}
            entry["debts"] = {k: v for k, v in debts.items() if k[1] >= starts.get(k[0], 0)}
            return taken

    def refused(self, key: str, until: float, starts: dict[str, int], full: tuple[str, ...]) -> None:
        with self._lock:
            entry = self._entry(key)
            entry["blocked_until"] = max(entry["blocked_until"], until)
            for name, start in starts.items():
                if name not in full:
                    entry["debts"][(name, start)] = entry["debts"].get((name, start), 0) + 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_local = _LocalState()


def reset_local_state() -> None:
    """Forget remembered refusals and debts (tests that empty Firestore and move the clock back)."""
    _local.clear()


# ---- the hooks ------------------------------------------------------------------------------------------------

def enforce(policy_name: str, request: ApiRequest) -> None:
    """The pipeline's hook: limit by user when authenticated, by IP otherwise."""
    if policy_name == UNLIMITED:
        return
    identity = f"user:{request.principal.user_id}" if request.principal else f"ip:{request.ip}"
    check(policy_name, identity)


def check(policy_name: str, identity: str) -> None:
    """Count one call of `identity` under `policy_name`; 429 when a window is full."""
    policy = POLICIES[policy_name]
    key = f"{policy_name}:{hashlib.sha256(identity.encode()).hexdigest()[:40]}"
    now = clock.now()
    epoch_ms = int(now.timestamp() * 1000)
    blocked = _local.blocked_for(key, epoch_ms / 1000)
    if blocked:
        _refuse(policy_name, blocked)
    epoch = epoch_ms // 1000
    starts = {name: window_start(epoch, seconds) for name, seconds in WINDOWS}
    debts = _local.take_debts(key, starts)
    counted = _count(policy, key, epoch_ms, starts, debts)
    decision = decide(policy, counted)
    if not decision.allowed:
        _local.refused(key, epoch_ms / 1000 + decision.retry_after, starts, decision.refused_by)
        _refuse(policy_name, decision.retry_after)


def _refuse(policy_name: str, retry_after: int) -> None:
    raise TooManyRequests("RATE_LIMITED", f"Too many requests ({policy_name}); try again later",
                          {"policy": policy_name}, retry_after=retry_after)


def _counter_fields(starts: dict[str, int]) -> dict[str, str]:
    """window -> its counter's name in the map."""
    return {name: f"{_FIELD_PREFIX[name]}{start if name != 'day' else ''}" for name, start in starts.items()}


def _expires_at(day: int) -> datetime:
    return datetime.fromtimestamp(day + 86400 + KEPT_AFTER_DAY, tz=UTC)


@dataclass(frozen=True)
class _Increment:
    """One call's increments of one day document: counter name -> amount (1 less its repaid debt)."""

    document_id: str
    policy: str
    day: int
    amounts: dict[str, int]


def _increment_write(db: Any, document_id: str, policy: str, day: int, amounts: dict[str, int]) -> Any:
    """The Write protobuf of `set({COUNTERS: {name: Increment(amount)}, "policy", "expiresAt"}, merge=True)`,
    built directly: the client's merge-set machinery costs more CPU than the rest of the call. Its transforms
    are sorted by name, as the client sorts them (their results come back in that order)."""
    from google.cloud.firestore_v1.types import Write

    write = Write.pb()()
    write.update.name = f"{db._database_string}/documents/{RATE_LIMITS}/{document_id}"
    write.update.fields["policy"].string_value = policy
    write.update.fields["expiresAt"].timestamp_value.FromDatetime(_expires_at(day))
    write.update_mask.field_paths.extend(("expiresAt", "policy"))
    for name in sorted(amounts):
        transform = write.update_transforms.add()
        transform.field_path = f"{COUNTERS}.{name}"
        transform.increment.integer_value = amounts[name]
    return write


def _commit_increments(increments: list[_Increment]) -> list[dict[str, int]]:
    """One commit for the calls of a group (shared/groupcall.py): each document incremented once by the sum
    of its calls' amounts. Each call gets the counters as they stood right after its own increment (the calls
    of a document counted in their arrival order), so concurrent calls still get distinct places."""
    from google.cloud.firestore_v1.types import CommitRequest, CommitResponse

    calls: dict[str, list[int]] = {}
    for index, increment in enumerate(increments):
        calls.setdefault(increment.document_id, []).append(index)
    db = client()
    writes = []
    sums: dict[str, dict[str, int]] = {}
    for document_id, indexes in calls.items():
        total = sums[document_id] = {}
        for index in indexes:
            for name, amount in increments[index].amounts.items():
                total[name] = total.get(name, 0) + amount
        first = increments[indexes[0]]
        writes.append(_increment_write(db, document_id, first.policy, first.day, total))
    request = CommitRequest.wrap(CommitRequest.pb()(database=db._database_string, writes=writes))
    response = CommitResponse.pb(db._firestore_api.commit(request=request, metadata=db._rpc_metadata, retry=None,
                                                          timeout=COMMIT_TIMEOUT_SECONDS))
    answers: list[dict[str, int]] = [{} for _ in increments]
    for result, (document_id, indexes) in zip(response.write_results, calls.items(), strict=True):
        # Transform results come in the order of the transforms: sorted by the counters' names.
        after = dict(zip(sorted(sums[document_id]), (value.integer_value for value in result.transform_results),
                         strict=True))
        for index in reversed(indexes):
            answers[index] = dict(after)
            for name, amount in increments[index].amounts.items():
                after[name] -= amount
    return answers


# Concurrent calls of this instance share one commit (one RPC however many requests are in flight); each is
# still counted as its own one write.
_increments: GroupCall[_Increment, dict[str, int]] = GroupCall(_commit_increments, writes=1)


def _count(policy: Policy, key: str, epoch_ms: int, starts: dict[str, int], debts: dict[str, int]) -> Counted:
    """Increment the current windows (less repaid debts) and read back the new values: one commit."""
    names = _counter_fields(starts)
    amounts = {names[name]: 1 - debts.get(name, 0) for name in starts}
    if not policy.min_gap_seconds:
        values = _increments(_Increment(f"{key}:{starts['day']}", key.split(":", 1)[0], starts["day"], amounts))
        return Counted(epoch_ms, {name: values[field] for name, field in names.items()})
    return _count_with_gap(key, epoch_ms, starts, amounts, names)


def _count_with_gap(key: str, epoch_ms: int, starts: dict[str, int], amounts: dict[str, int],
                    names: dict[str, str]) -> Counted:
    """The commit of a gap policy, alone: it also keeps the minute's first call time and reads back the
    previous minute's (from yesterday's document in the first minute of a UTC day)."""
    from google.cloud.firestore import Increment, Minimum

    day = starts["day"]
    fields: dict[str, Any] = {name: Increment(amount) for name, amount in amounts.items()}
    db = client()
    batch = db.batch()
    ref = db.collection(RATE_LIMITS).document(f"{key}:{day}")
    previous_minute = starts["minute"] - 60
    previous_ref = None
    fields[f"a{starts['minute']}"] = Minimum(epoch_ms)
    if previous_minute >= day:
        fields[f"a{previous_minute}"] = Increment(0)            # reads the value back, changes nothing
    else:
        previous_ref = db.collection(RATE_LIMITS).document(f"{key}:{day - 86400}")
        batch.set(previous_ref, {COUNTERS: {f"a{previous_minute}": Increment(0)},
                                 "expiresAt": datetime.fromtimestamp(day + KEPT_AFTER_DAY, tz=UTC)},
                  merge=True)
    batch.set(ref, {COUNTERS: fields, "policy": key.split(":", 1)[0], "expiresAt": _expires_at(day)}, merge=True)
    results = batch.commit(retry=None, timeout=COMMIT_TIMEOUT_SECONDS)
    # Transform results come in the order of the field paths (sorted by name: see _commit_increments).
    values = dict(zip(sorted(fields), (value.integer_value for value in results[-1].transform_results),
                      strict=True))
    previous_first = values.get(f"a{previous_minute}", 0)
    if previous_ref is not None:
        previous_first = results[0].transform_results[0].integer_value
    return Counted(epoch_ms, {name: values[field] for name, field in names.items()},
                   values.get(f"a{starts['minute']}", 0), previous_first)
