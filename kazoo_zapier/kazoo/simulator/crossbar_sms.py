"""Crossbar's SMS (cb_sms.erl, REFERENCE §8.5) for the simulator: `PUT /v2/accounts/{A}/sms`.

The body is validated (to, body 1-700), then the preconditions in Kazoo's order, each with its
own error: account enabled (400 disabled), the account's SMS service (500 account "sms services
not enabled for account"), the account's standing, the reseller's SMS and standing; for an offnet
`to` the `from` number must exist, belong to the account and have SMS enabled (400 on `from`).
What was sent is kept in the live state's `actions.sms_sent` for tests to read.
"""

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kazoo_zapier.kazoo.simulator.actions_state import SmsSetup
from kazoo_zapier.kazoo.simulator.scenarios.calls import direct_did
from kazoo_zapier.kazoo.simulator.world import Account

if TYPE_CHECKING:
    from kazoo_zapier.kazoo.simulator.crossbar import CrossbarApi

MAX_BODY = 700
RECONCILABLE = re.compile(r"^\+?[1-9][0-9]{6,14}$")  # what knm_converters would make E.164


def account_numbers(account: Account) -> list[str]:
    """The DIDs assigned to the account: its main number and each user's direct number."""
    numbers = [account.main_number] if account.main_number else []
    if account.main_number:
        numbers += [direct_did(account, user) for user in account.users if user.extension]
    return list(dict.fromkeys(numbers))


class SmsApi:
    def __init__(self, api: "CrossbarApi") -> None:
        self.api = api

    def routes(self, router: web.UrlDispatcher, prefix: str) -> None:
        router.add_put(prefix + "/sms", self.send)
        router.add_get(prefix + "/phone_numbers", self.phone_numbers)

    async def phone_numbers(self, request: web.Request) -> web.Response:
        """cb_phone_numbers' account listing: {"numbers": {NUMBER: {state, features, ...}}}."""
        account = self.api._account(request)
        setup = self.api.sim.state.actions.sms_setup.get(account.id, SmsSetup())
        numbers = {
            number: {
                "state": "in_service",
                "features": [] if number in setup.numbers_without_sms else ["sms"],
                "assigned_to": account.id,
                "used_by": "callflow",
            }
            for number in account_numbers(account)
        }
        return self.api.ok(request, {"numbers": numbers, "cascade_quantity": 0})

    async def send(self, request: web.Request) -> web.Response:
        from kazoo_zapier.kazoo.simulator.crossbar import REQUEST_ID, CrossbarError

        body = await self.api._body(request)
        account = self.api._account(request, body)
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        errors = self._schema_errors(data)
        if errors:
            raise CrossbarError(400, "validation error", errors)
        setup = self.api.sim.state.actions.sms_setup.setdefault(account.id, SmsSetup())
        reseller = self.api.world.master
        if not setup.account_enabled:
            raise CrossbarError(400, "disabled", {"message": "disabled"})
        if not setup.sms_enabled:
            raise CrossbarError(500, "account", {"message": "sms services not enabled for account"})
        if not setup.good_standing:
            raise CrossbarError(500, "account", {"message": "account is not in good standing"})
        if not setup.reseller_sms_enabled:
            raise CrossbarError(
                500, "account", {"message": "sms services not enabled for reseller"}
            )
        if not setup.reseller_good_standing:
            raise CrossbarError(500, "account", {"message": "service temporarily unavailable"})
        to = str(data["to"])
        offnet = bool(RECONCILABLE.match(to))
        sender = str(data.get("from") or account.main_number)
        if offnet:
            self._check_from(account, sender, setup)
            to = to if to.startswith("+") else "+" + to
        message = {
            "message_id": request[REQUEST_ID],
            "from": sender,
            "to": to,
            "body": data["body"],
            "custom_vars": {
                "account_id": account.id,
                "reseller_id": reseller.id,
                "authorizing_type": "account",
                "authorizing_id": account.id,
            },
            "route_type": "offnet" if offnet else "onnet",
        }
        self.api.sim.state.actions.sms_sent.append(message)
        extra: dict[str, Any] = {"charges": {}} if offnet else {}
        return self.api.ok(request, message, status=201, **extra)

    @staticmethod
    def _schema_errors(data: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        for key in ("to", "body"):
            if not isinstance(data.get(key), str):
                errors[key] = {"required": {"message": "Field is required but missing"}}
        text = data.get("body")
        if isinstance(text, str) and not 1 <= len(text) <= MAX_BODY:
            rule = "minLength" if not text else "maxLength"
            limit = 1 if not text else MAX_BODY
            errors["body"] = {
                rule: {
                    "message": f"String must not be {'less' if not text else 'more'} than "
                    f"{limit} characters",
                    "target": limit,
                }
            }
        return errors

    def _check_from(self, account: Account, number: str, setup) -> None:
        from kazoo_zapier.kazoo.simulator.crossbar import CrossbarError

        owner = next((a for a in self.api.world.accounts if number in account_numbers(a)), None)
        if owner is None:
            raise CrossbarError(
                400, "validation error", {"from": {"invalid": {"message": "number is invalid"}}}
            )
        if owner.id != account.id:
            raise CrossbarError(
                400,
                "validation error",
                {"from": {"forbidden": {"message": "number does not belong to account"}}},
            )
        if number in setup.numbers_without_sms:
            raise CrossbarError(
                400,
                "validation error",
                {"from": {"forbidden": {"message": "number does not have sms enabled"}}},
            )
