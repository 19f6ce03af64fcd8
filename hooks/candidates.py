"""Which active hooks might want an event: looked up by (account, event type), and remembered.

The fan-out asks this for every stored batch. With 5,000 accounts and 100,000 hooks a batch
must cost what it costs with ten hooks: so the answer is kept per (account, type), a dict
lookup, and the database is asked only for the keys not held (one indexed query, the
`hook_fanout` index). What is held is forgotten
- at once in this process when a hook, its owner or the owner's Kazoo profile is saved or
  deleted (signals), and in every process sharing the cache (Redis) through a version key;
- for which hooks are active (a queryset `.update()` no signal reports: a 410, a staff resume;
  a hook created by another process), by asking the index for the batch's active hook ids at
  every batch: a held answer is used only while it names exactly those hooks;
- after `HOOK_CANDIDATES_TTL_SECONDS` at the latest, for other changes signals never see (a
  hook's filters or its owner's role changed by another process without a shared cache).
Memory is bounded: at most `HOOK_CANDIDATES_MAX_HOOKS` hooks are held, the least recently used
keys go first.

The rest of the matching (tenancy, administrators, filters) stays with the fan-out: this only
narrows the hooks to the account and the type.
"""

import logging
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from hooks.models import Hook

logger = logging.getLogger(__name__)

Key = tuple[str, str]  # (account_id, event type)

VERSION_KEY = "hooks:candidates:version"


class CandidateCache:
    def __init__(self, *, max_hooks: int, ttl: float) -> None:
        self.max_hooks = max_hooks
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, tuple[Hook, ...]] = OrderedDict()
        self._held = 0
        self._loaded_at = time.monotonic()
        self._version: object = None
        self.hits = 0
        self.misses = 0

    def lookup(self, keys: Iterable[Key]) -> dict[Key, tuple[Hook, ...]]:
        wanted = set(keys)
        self._check_fresh()
        found: dict[Key, tuple[Hook, ...]] = {}
        with self._lock:
            for key in wanted:
                hooks = self._entries.get(key)
                if hooks is not None:
                    self._entries.move_to_end(key)
                    found[key] = hooks
        if found:  # nothing held: the load below is fresh by itself (one query either way)
            current = _active_ids(wanted)
            found = {
                key: hooks
                for key, hooks in found.items()
                if tuple(hook.pk for hook in hooks) == current.get(key, ())
            }
        missing = wanted - found.keys()
        self.hits += len(found)
        self.misses += len(missing)
        if missing:
            loaded = _load(missing)
            with self._lock:
                for key in missing:
                    self._store(key, loaded.get(key, ()))
            found.update((key, loaded.get(key, ())) for key in missing)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0
            self._loaded_at = time.monotonic()

    def _check_fresh(self) -> None:
        version = _shared_version()
        if version != self._version or time.monotonic() - self._loaded_at > self.ttl:
            self.clear()
            self._version = version

    def _store(self, key: Key, hooks: tuple[Hook, ...]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._held -= max(1, len(old))
        self._entries[key] = hooks
        self._held += max(1, len(hooks))  # an empty answer is worth keeping too
        while self._held > self.max_hooks and len(self._entries) > 1:
            _, evicted = self._entries.popitem(last=False)
            self._held -= max(1, len(evicted))


def _active_ids(keys: set[Key]) -> dict[Key, tuple[int, ...]]:
    """The ids of the active hooks of these keys, now: one index-only query per batch.

    What is held is used only while it names exactly these hooks, so that a hook stopped or
    (re)activated by a queryset update, or by another process, is seen at the next batch: a
    hook resumed by staff, or created through the API while the listener runs, loses no event.
    """
    rows = (
        Hook.objects.filter(
            status=Hook.Status.ACTIVE,
            account_id__in={account for account, _ in keys},
            event__in={kind for _, kind in keys},
        )
        .order_by("id")
        .values_list("account_id", "event", "id")
    )
    found: dict[Key, list[int]] = defaultdict(list)
    for account_id, event, pk in rows:
        if (account_id, event) in keys:
            found[(account_id, event)].append(pk)
    return {key: tuple(ids) for key, ids in found.items()}


def _load(keys: set[Key]) -> dict[Key, tuple[Hook, ...]]:
    """One query for these keys: their accounts x their types, the few extra pairs dropped."""
    rows = (
        Hook.objects.filter(
            status=Hook.Status.ACTIVE,
            account_id__in={account for account, _ in keys},
            event__in={kind for _, kind in keys},
        )
        .select_related("owner__kazoo__account")
        .order_by("id")
    )
    found: dict[Key, list[Hook]] = defaultdict(list)
    for hook in rows:
        key = (hook.account_id, hook.event)
        if key in keys:
            found[key].append(hook)
    return {key: tuple(hooks) for key, hooks in found.items()}


def _shared_version() -> object:
    try:
        return cache.get(VERSION_KEY)
    except Exception:  # the cache is away: the TTL still bounds what is held
        return None


_cache = CandidateCache(
    max_hooks=getattr(settings, "HOOK_CANDIDATES_MAX_HOOKS", 20_000),
    ttl=getattr(settings, "HOOK_CANDIDATES_TTL_SECONDS", 2.0),
)


def candidate_hooks(keys: Iterable[Key]) -> dict[Key, tuple[Hook, ...]]:
    """The active hooks of each (account, type), in creation order."""
    return _cache.lookup(keys)


def forget_candidates(**_signal_arguments) -> None:
    """A hook (or who owns it) changed: nothing held may be used again, here or elsewhere."""
    _cache.clear()
    try:
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception as error:  # without the shared cache, other processes rely on the TTL
        logger.debug("hook candidates: version not shared (%s)", error)


def connect_signals() -> None:
    """Called from HooksConfig.ready() or on import: hooks, users and Kazoo profiles."""
    from django.contrib.auth import get_user_model

    from accounts.models import KazooUser

    for model in (Hook, get_user_model(), KazooUser):
        uid = f"hooks.candidates.{model._meta.label}"
        post_save.connect(forget_candidates, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(forget_candidates, sender=model, dispatch_uid=f"{uid}.delete")


connect_signals()
