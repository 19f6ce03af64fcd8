"""A refused bearer token is told as such: invalid or expired, not "not provided"."""

INVALID = "The access token is invalid or has expired; reconnect the app to get a new one."


def me(client, access_token: str):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def test_an_expired_or_made_up_token_is_said_to_be_invalid_or_expired(
    client, make_token, kazoo_user
):
    expired = make_token(kazoo_user, expires_in=-1)
    for token in (expired, "made-up"):
        response = me(client, token)
        assert response.status_code == 401
        assert 'error="invalid_token"' in response["WWW-Authenticate"]
        assert response.json() == {"code": "not_authenticated", "detail": INVALID}


def test_no_token_at_all_still_says_none_was_provided(client, db):
    body = client.get("/api/v1/me").json()
    assert body["code"] == "not_authenticated"
    assert "not provided" in body["detail"]
