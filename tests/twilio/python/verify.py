"""Verify v2 with twilio-python against provider-sim, written the way an application would.

Environment:
  BASE                      simulator base URL, e.g. http://127.0.0.1:4747
  MODE                      "base_url"    -> client.verify.base_url = BASE + "/verify"
                            "http_client" -> Client(..., http_client=SimHttpClient(BASE)) with a
                                             region and an edge set
  ACCOUNT_SID, AUTH_TOKEN   the account
  API_KEY_SID, API_KEY_SECRET  an API key used with ACCOUNT_SID

The code of each verification is read from /__inspect/twilio/verifications, as a test of an
application would. Prints one JSON document with what the SDK returned; it never asserts.
"""

import json
import os
import re
import traceback
import urllib.parse
import urllib.request

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

BASE = os.environ["BASE"].rstrip("/")
MODE = os.environ.get("MODE", "base_url")
ACCOUNT_SID = os.environ["ACCOUNT_SID"]
AUTH_TOKEN = os.environ["AUTH_TOKEN"]
API_KEY_SID = os.environ["API_KEY_SID"]
API_KEY_SECRET = os.environ["API_KEY_SECRET"]

TWILIO_HOST = re.compile(r"^https://([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.twilio\.com(/.*)?$")


class SimHttpClient(TwilioHttpClient):
    def __init__(self, base, **kwargs):
        kwargs.setdefault("timeout", 10)
        super().__init__(**kwargs)
        self.base = base.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        m = TWILIO_HOST.match(url)
        if m:
            product, path = m.group(1), m.group(2) or ""
            url = (self.base if product == "api" else "{}/{}".format(self.base, product)) + path
        return super().request(method, url, *args, **kwargs)


WIRE = []


def record_wire(response, *args, **kwargs):
    body = response.request.body
    if isinstance(body, bytes):
        body = body.decode("ascii")
    WIRE.append({"method": response.request.method, "url": response.request.url,
                 "status": response.status_code, "body": body})
    return response


def make_client(username, password, account_sid=None):
    if MODE == "base_url":
        client = Client(username, password, account_sid=account_sid)
        client.api.base_url = BASE
        client.verify.base_url = BASE + "/verify"
    elif MODE == "http_client":
        client = Client(username, password, account_sid=account_sid,
                        http_client=SimHttpClient(BASE), region="au1", edge="sydney")
    else:
        raise SystemExit("unknown MODE " + MODE)
    client.http_client.request_hooks["response"].append(record_wire)
    return client


def iso(d):
    return d.isoformat() if d is not None else None


def service(s):
    return {"sid": s.sid, "account_sid": s.account_sid, "friendly_name": s.friendly_name,
            "code_length": s.code_length, "lookup_enabled": s.lookup_enabled, "url": s.url,
            "links": s.links, "date_created": iso(s.date_created)}


def verification(v):
    return {"sid": v.sid, "service_sid": v.service_sid, "account_sid": v.account_sid, "to": v.to,
            "channel": v.channel, "status": v.status, "valid": v.valid, "lookup": v.lookup,
            "send_code_attempts": v.send_code_attempts, "url": v.url,
            "date_created": iso(v.date_created), "date_updated": iso(v.date_updated)}


def check(c):
    return {"sid": c.sid, "service_sid": c.service_sid, "to": c.to, "channel": c.channel,
            "status": c.status, "valid": c.valid, "date_created": iso(c.date_created)}


def attempt(fn):
    try:
        return {"raised": False, "value": fn()}
    except TwilioRestException as e:
        return {"raised": True, "type": "TwilioRestException", "code": e.code, "status": e.status,
                "msg": e.msg}
    except TwilioException as e:
        response = e.args[1] if len(e.args) > 1 else None
        if response is None or not hasattr(response, "status_code"):
            raise
        return {"raised": True, "type": "TwilioException", "code": json.loads(response.text).get("code"),
                "status": response.status_code}


def stored_code(verification_sid):
    qs = urllib.parse.urlencode({"tenant": ACCOUNT_SID, "limit": "1000"})
    with urllib.request.urlopen("{}/__inspect/twilio/verifications?{}".format(BASE, qs)) as r:
        items = json.loads(r.read().decode("utf-8"))["items"]
    return next(i["code"] for i in items if i["sid"] == verification_sid)


client = make_client(ACCOUNT_SID, AUTH_TOKEN)


def s_round_trip():
    s = client.verify.v2.services.create(friendly_name="Py Homes", code_length=7)
    fetched = client.verify.v2.services(s.sid).fetch()
    listed = [x.sid for x in client.verify.v2.services.list(page_size=1)]
    svc = client.verify.v2.services(s.sid)
    v = svc.verifications.create(to="+14155550201", channel="sms")
    code = stored_code(v.sid)
    by_sid = svc.verifications(v.sid).fetch()
    by_to = svc.verifications("+14155550201").fetch()
    wrong = svc.verification_checks.create(to="+14155550201", code="0" * 7 if code != "0" * 7 else "1" * 7)
    right = svc.verification_checks.create(to="+14155550201", code=code)
    after = attempt(lambda: verification(svc.verifications(v.sid).fetch()))
    check_again = attempt(lambda: check(svc.verification_checks.create(to="+14155550201", code=code)))
    return {"service": service(s), "fetched": service(fetched), "listed": listed,
            "verification": verification(v), "code": code, "by_sid": verification(by_sid),
            "by_to": verification(by_to), "wrong": check(wrong), "right": check(right),
            "after": after, "check_again": check_again}


def s_update_and_errors():
    svc = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Py Errors").sid)
    v = svc.verifications.create(to="+14155550202", channel="call")
    canceled = svc.verifications(v.sid).update(status="canceled")
    by_sid = svc.verification_checks.create(verification_sid=svc.verifications.create(
        to="+14155550203", channel="sms").sid, code="nope")
    bad_channel = attempt(lambda: verification(svc.verifications.create(to="+14155550204", channel="fax")))
    bad_to = attempt(lambda: verification(svc.verifications.create(to="12", channel="sms")))
    for _ in range(4):  # with the check by VerificationSid above: five wrong codes
        svc.verification_checks.create(to="+14155550203", code="nope")
    max_checks = attempt(lambda: check(svc.verification_checks.create(to="+14155550203", code="nope")))
    for _ in range(5):
        svc.verifications.create(to="+14155550205", channel="sms")
    max_sends = attempt(lambda: verification(svc.verifications.create(to="+14155550205", channel="sms")))
    unknown = attempt(lambda: service(client.verify.v2.services("VA" + "0" * 32).fetch()))
    return {"canceled": verification(canceled), "by_sid": check(by_sid), "bad_channel": bad_channel,
            "bad_to": bad_to, "max_checks": max_checks, "max_sends": max_sends, "unknown": unknown}


def s_api_key():
    keyed = make_client(API_KEY_SID, API_KEY_SECRET, ACCOUNT_SID)
    keyed.messages.list(limit=1)  # binds the key to the account (AccountSid in the path)
    s = keyed.verify.v2.services.create(friendly_name="Py Keyed")
    return {"service": service(s)}


out = {"twilio_version": __import__("twilio").__version__}
for name, fn in [("round_trip", s_round_trip), ("update_and_errors", s_update_and_errors), ("api_key", s_api_key)]:
    try:
        out[name] = fn()
    except Exception:
        out[name] = {"crashed": True, "traceback": traceback.format_exc()}
out["wire_urls"] = [w["url"] for w in WIRE]
print(json.dumps(out, default=str))
