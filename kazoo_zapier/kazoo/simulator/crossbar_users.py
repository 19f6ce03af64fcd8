"""User documents as Zapier's actions change them, and a user's CDRs, for the simulator.

- `PATCH /users/{USER_ID}` deep-merges `data` into the document (the request wins, a null
  removes a key) and validates the whole result against the users schema's rules for what the
  actions touch (call_forward, do_not_disturb, the required names) (REFERENCE §8.7).
- `GET /users/{USER_ID}/cdrs`: the CDRs whose owner is the user (cdrs/listing_by_owner), with the
  account listing's range rules (§8.4).
"""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from kazoo_zapier.kazoo.simulator.actions_state import merge_patch

if TYPE_CHECKING:
    from kazoo_zapier.kazoo.simulator.crossbar import CrossbarApi

CALL_FORWARD_FLAGS = (
    "enabled",
    "keep_caller_id",
    "require_keypress",
    "direct_calls_only",
    "substitute",
    "failover",
    "ignore_early_media",
)
MAX_FORWARD_NUMBER = 35


def schema_errors(doc: dict[str, Any]) -> dict[str, Any]:
    """jesse's errors, keyed by the dotted path of the property, as Crossbar reports them."""
    errors: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if not isinstance(doc.get(name), str) or not doc[name]:
            errors[name] = {"required": {"message": "Field is required but missing"}}
    forward = doc.get("call_forward", {})
    if not isinstance(forward, dict):
        errors["call_forward"] = {"type": {"message": "Value is not of type object"}}
        forward = {}
    for flag in CALL_FORWARD_FLAGS:
        if flag in forward and not isinstance(forward[flag], bool):
            errors[f"call_forward.{flag}"] = {"type": {"message": "Value is not of type boolean"}}
    number = forward.get("number")
    if number is not None and not isinstance(number, str):
        errors["call_forward.number"] = {"type": {"message": "Value is not of type string"}}
    elif isinstance(number, str) and len(number) > MAX_FORWARD_NUMBER:
        errors["call_forward.number"] = {
            "maxLength": {
                "message": f"String must not be more than {MAX_FORWARD_NUMBER} characters",
                "target": MAX_FORWARD_NUMBER,
            }
        }
    dnd = doc.get("do_not_disturb", {})
    if isinstance(dnd, dict) and "enabled" in dnd and not isinstance(dnd["enabled"], bool):
        errors["do_not_disturb.enabled"] = {"type": {"message": "Value is not of type boolean"}}
    return errors


class UsersApi:
    def __init__(self, api: "CrossbarApi") -> None:
        self.api = api

    def routes(self, router: web.UrlDispatcher, prefix: str) -> None:
        router.add_patch(prefix + "/users/{user_id}", self.patch_user)
        router.add_get(prefix + "/users/{user_id}/cdrs", self.user_cdrs)

    async def patch_user(self, request: web.Request) -> web.Response:
        from kazoo_zapier.kazoo.simulator.crossbar import CrossbarError, user_document

        body = await self.api._body(request)
        account = self.api._account(request, body)
        user = self.api._find_user(account, request.match_info["user_id"])
        patch = body.get("data")
        if not isinstance(patch, dict):
            raise CrossbarError(400, "invalid request", {"message": "data is not an object"})
        current = user_document(self.api.sim, account, user)
        errors = schema_errors(merge_patch(current, patch))
        if errors:
            raise CrossbarError(400, "validation error", errors)
        self.api.sim.state.actions.edit_user(account.id, user.id, patch)
        return self.api.ok(request, user_document(self.api.sim, account, user))

    async def user_cdrs(self, request: web.Request) -> web.Response:
        account = self.api._account(request)
        user = self.api._find_user(account, request.match_info["user_id"])
        created_from, created_to = self.api._range(request)
        rows = [
            row
            for row in self.api.sim.state.cdrs.get(account.id, [])
            if row.get("owner_id") == user.id
            and created_from <= int(row["timestamp"]) + int(row["duration_seconds"]) <= created_to
        ]
        return self.api.page(request, list(reversed(rows)))
