"""Credentials the sandbox simulators accept and the demo exports use. Practice values, not secrets."""

EFINANCIALS = {
    "api_key_id": "demo-efinancials-key-id",
    "api_key_public": "demo-efinancials-public-key",
    "api_key_password": "demo-efinancials-key-password",
}
NETVISOR = {"customer_id": "demo-netvisor-user", "customer_key": "demo-netvisor-key",
            "partner_id": "demo-partner", "partner_key": "demo-partner-key"}
PROCOUNTOR = {"client_id": "demo-procountor-client", "client_secret": "demo-procountor-secret",
              "api_key": "demo-procountor-api-key"}
ECONOMIC = {"app_secret_token": "demo-economic-app-secret", "agreement_grant_token": "demo-economic-grant"}
HEEROS = {"username": "demo-heeros-user", "password": "demo-heeros-password",
          "la_id": "1001", "tt_id": "2002"}

# Path prefix of each simulator under the sandbox server (python manage.py sandbox).
PREFIXES = {
    "efinancials": "/efinancials/v1",
    "netvisor": "/netvisor",
    "procountor": "/procountor",
    "economic": "/economic",
    "xmlserializer": "/heeros",
}
